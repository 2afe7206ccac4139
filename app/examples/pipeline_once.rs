//! The import pipeline once over a file, for profilers (criterion's loop is
//! awkward under callgrind):
//! `cargo build --release -p app --example pipeline_once &&
//!  valgrind --tool=callgrind target/release/examples/pipeline_once FILE`
fn main() {
    let path = std::env::args().nth(1).expect("usage: pipeline_once FILE");
    let bytes = std::fs::read(&path).expect("read the file");
    let started = std::time::Instant::now();
    let (_, _, _, rows) = app::import::run(
        &bytes,
        &path,
        &Default::default(),
        &Default::default(),
        &Default::default(),
    )
    .expect("import");
    eprintln!("{} rows in {:?}", rows.len(), started.elapsed());
}
