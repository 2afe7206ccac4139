//! The browser entry point: hydrates the server-rendered page.
#![recursion_limit = "256"]
use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    let Some(body) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
    else {
        return;
    };
    // Pages load their code with them (lazy routes), so hydration waits for
    // the page's chunk; as `leptos::mount::hydrate_lazy`, but it says when
    // it is done.
    wasm_bindgen_futures::spawn_local(async move {
        leptos::mount::hydrate_from_async(body.clone(), app::App)
            .await
            .forget();
        // Lets tests (and scripts) know the page is interactive.
        let _ = body.set_attribute("data-hydrated", "true");
    });
}

/// The file worker's entry in debug builds: `pkg/file_worker.js` (written by
/// `cargo xtask`) loads this module in a Web Worker and calls this. Release
/// builds give the worker a module of its own (`file-worker`).
#[wasm_bindgen]
pub fn start_file_worker() {
    console_error_panic_hook::set_once();
    app::file_worker::serve();
}
