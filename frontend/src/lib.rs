//! The browser entry point: hydrates the server-rendered page.
#![recursion_limit = "256"]
use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
    // Lets tests (and scripts) know the page is interactive.
    if let Some(body) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
    {
        let _ = body.set_attribute("data-hydrated", "true");
    }
}

/// The file worker's entry in debug builds: `pkg/file_worker.js` (written by
/// `cargo xtask`) loads this module in a Web Worker and calls this. Release
/// builds give the worker a module of its own (`file-worker`).
#[wasm_bindgen]
pub fn start_file_worker() {
    console_error_panic_hook::set_once();
    app::file_worker::serve();
}
