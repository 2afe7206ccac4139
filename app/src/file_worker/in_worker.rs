//! The worker's side: keeps the file the page sent, reads it as asked, and
//! checks its rows in slices, sending each as it is checked and stopping
//! when a newer request has come in.
use crate::components::file_check::{check_in_slices, OpenedFile};
use crate::import::worker_messages::{FromWorker, ToWorker};
use crate::import::{ImportError, ImportLimits, Prepared, ReadOptions};
use std::cell::RefCell;
use std::sync::Arc;
use web_sys::wasm_bindgen::prelude::*;
use web_sys::wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

#[derive(Default)]
struct Held {
    file: Option<Arc<OpenedFile>>,
    /// The newest request's id: an older check stops at its next slice.
    latest: u64,
}

thread_local! {
    static HELD: RefCell<Held> = RefCell::new(Held::default());
}

fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

fn post(message: &FromWorker) {
    match serde_json::to_string(message) {
        Ok(text) => {
            let _ = scope().post_message(&JsValue::from_str(&text));
        }
        Err(error) => web_sys::console::error_1(&error.to_string().into()),
    }
}

/// Starts listening for the page's requests (messages `[json, file?]`).
/// Called once, by the worker's script, after the module has loaded.
pub fn serve() {
    let _ = any_spawner::Executor::init_wasm_bindgen();
    let on_message = Closure::<dyn Fn(MessageEvent)>::new(|event: MessageEvent| {
        let parts = js_sys::Array::from(&event.data());
        let request = parts
            .get(0)
            .as_string()
            .and_then(|text| serde_json::from_str::<ToWorker>(&text).ok());
        let Some(request) = request else {
            return;
        };
        if let Some(id) = request.id() {
            HELD.with_borrow_mut(|held| held.latest = id);
        }
        let file = parts.get(1).dyn_into::<web_sys::Blob>().ok();
        leptos::task::spawn_local(answer(request, file));
    });
    scope().set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    // The readers' chunk, fetched now so the first file does not wait for it.
    crate::components::file_check::preload_readers();
    post(&FromWorker::Ready);
}

async fn answer(request: ToWorker, file: Option<web_sys::Blob>) {
    match request {
        ToWorker::Open { name } => {
            let bytes = match file {
                Some(blob) => gloo_file::futures::read_as_bytes(&blob.into()).await.ok(),
                None => None,
            };
            let file = bytes.map(|bytes| Arc::new(OpenedFile::new(name, bytes.into())));
            HELD.with_borrow_mut(|held| held.file = file);
            post(&FromWorker::Opened);
        }
        ToWorker::Prepare {
            id,
            options,
            limits,
        } => {
            let result = prepared(options, limits).await.map(|p| p.without_rows());
            post(&FromWorker::Prepared { id, result });
        }
        ToWorker::Check {
            id,
            options,
            limits,
            mapping,
            defaults,
        } => {
            let prepared = match prepared(options, limits).await {
                Ok(prepared) => prepared,
                Err(error) => return post(&FromWorker::Unreadable { id, error }),
            };
            // Each slice goes to the page as soon as it is checked, so the
            // page shows the first rows and decodes one slice while the next
            // is checked.
            let post_slice = |slice| post(&FromWorker::Rows { id, slice });
            let stale = || HELD.with_borrow(|held| held.latest != id);
            check_in_slices(&prepared, &mapping, &defaults, post_slice, stale).await;
        }
    }
}

/// The file the page sent, read with `options`.
async fn prepared(
    options: ReadOptions,
    limits: ImportLimits,
) -> Result<Arc<Prepared>, ImportError> {
    let file = HELD.with_borrow(|held| held.file.clone());
    file.ok_or(ImportError::Empty)?.read(options, limits).await
}
