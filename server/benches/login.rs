//! Argon2id hashing at the production parameters (m=19456 KiB, t=2, p=1,
//! the defaults of `password_hash_memory_kib` / `password_hash_iterations`).
//! `cargo bench -p muster --bench login` prints `argon2_ms=…` (median of runs).
use app::domain::Password;
use app::ssr::services::passwords::PasswordHasher;
use std::time::Instant;

#[tokio::main]
async fn main() {
    let runs: usize = std::env::var("MUSTER_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(15);
    let hasher = PasswordHasher::new(19_456, 2).expect("parameters");
    let password = Password::parse("correct horse battery staple").expect("password");
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        let hash = hasher.hash(&password).await.expect("hash");
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
    }
    times.sort_by(f64::total_cmp);
    println!("argon2_ms={:.1}", times[times.len() / 2]);
}
