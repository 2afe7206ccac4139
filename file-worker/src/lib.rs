//! The file worker's module: `pkg/file_worker.js` (written by `cargo xtask`)
//! loads it in a Web Worker and calls `start_file_worker`. Release builds
//! compile it for speed (cargo profile `wasm-worker`); it holds the import
//! pipeline and the readers, not the page's interface, so it stays a small
//! download. Debug builds have no such module: the worker loads the page's.

use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen]
pub fn start_file_worker() {
    console_error_panic_hook::set_once();
    app::file_worker::serve();
}

/// For `make bench`: the import pipeline's read step alone (decode and split
/// a text file; a workbook read to rows). Resolves to the number of rows read.
/// The readers live in a lazily loaded chunk, so the first call fetches it.
#[wasm_bindgen]
pub async fn bench_read(bytes: Vec<u8>, name: String) -> usize {
    read_rows(bytes, name).await
}

#[leptos::lazy]
fn read_rows(bytes: Vec<u8>, name: String) -> usize {
    app::import::read(&bytes, &name, &Default::default(), &Default::default())
        .map(|file| file.sheets.iter().map(|s| s.rows.len()).sum())
        .unwrap_or(0)
}

/// For `make bench`: the whole pipeline (read, header, mapping, every row
/// validated, duplicates). Resolves to the number of ready rows.
#[wasm_bindgen]
pub async fn bench_pipeline(bytes: Vec<u8>, name: String) -> usize {
    run_pipeline(bytes, name).await
}

#[leptos::lazy]
fn run_pipeline(bytes: Vec<u8>, name: String) -> usize {
    app::import::run(
        &bytes,
        &name,
        &Default::default(),
        &Default::default(),
        &Default::default(),
    )
    .map(|(_, _, _, rows)| rows.iter().filter(|c| c.is_ready()).count())
    .unwrap_or(0)
}

/// For `make bench`: the WASM linear memory in bytes (it only grows).
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen]
pub fn bench_memory_bytes() -> usize {
    core::arch::wasm32::memory_size(0) * 65_536
}
