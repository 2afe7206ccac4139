//! The import pipeline natively (criterion), on the files `bench/data.mjs`
//! writes, for the WASM/native ratio of `make bench`.
//! `MUSTER_BENCH_DATA=<dir> cargo bench -p app --bench pipeline`
use app::import::{self, ImportLimits, ReadOptions, RowDefaults};
use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;

fn data(name: &str) -> Vec<u8> {
    let dir = std::env::var("MUSTER_BENCH_DATA").unwrap_or_else(|_| "target/bench".into());
    let path = std::path::Path::new(&dir).join(name);
    std::fs::read(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (run node bench/data.mjs first)", path.display()))
}

fn pipeline(c: &mut Criterion) {
    let csv = data("invites.csv");
    let xlsx = data("people.xlsx");
    let (options, limits) = (ReadOptions::default(), ImportLimits::default());
    let mut group = c.benchmark_group("pipeline");
    group.sample_size(10);
    group.bench_function("csv_read", |b| {
        b.iter(|| {
            import::read(black_box(&csv), "invites.csv", &options, &limits).map(|f| f.sheets.len())
        })
    });
    group.bench_function("csv_pipeline", |b| {
        b.iter(|| {
            import::run(
                black_box(&csv),
                "invites.csv",
                &options,
                &limits,
                &RowDefaults::default(),
            )
            .map(|(_, _, _, rows)| rows.len())
        })
    });
    group.bench_function("xlsx_read", |b| {
        b.iter(|| {
            import::read(black_box(&xlsx), "people.xlsx", &options, &limits).map(|f| f.sheets.len())
        })
    });
    group.finish();
}

criterion_group!(benches, pipeline);
criterion_main!(benches);
