//! The worker's side: keeps the file the page sent, reads it as asked, and
//! checks its rows in slices, reporting progress after each and stopping
//! when a newer request has come in.
use crate::components::file_check::prepare_file;
use crate::import::worker_messages::{FromWorker, ToWorker, SLICE_ROWS};
use crate::import::{ImportError, ImportLimits, Prepared, ReadOptions, RowCheck};
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;
use web_sys::wasm_bindgen::prelude::*;
use web_sys::wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

#[derive(Default)]
struct Held {
    name: String,
    bytes: Option<Arc<[u8]>>,
    /// The file as last read, and how it was read.
    read: Option<(ReadOptions, Rc<Prepared>)>,
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
                Some(blob) => gloo_file::futures::read_as_bytes(&blob.into())
                    .await
                    .ok()
                    .map(Arc::from),
                None => None,
            };
            HELD.with_borrow_mut(|held| {
                *held = Held {
                    name,
                    bytes,
                    read: None,
                    latest: held.latest,
                }
            });
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
            // The page asks only about a file it has seen read this way.
            let Ok(prepared) = prepared(options, limits).await else {
                post(&FromWorker::Checked {
                    id,
                    twins: Vec::new(),
                });
                return;
            };
            // Each slice goes to the page as soon as it is checked, so the
            // page decodes one while the next is checked.
            let mut check = RowCheck::new(&prepared.table, &mapping, &defaults);
            let mut keys: Vec<(Option<String>, usize)> =
                Vec::with_capacity(prepared.table.rows.len());
            loop {
                let more = check.step(SLICE_ROWS);
                let rows = check.take_checked();
                keys.extend(rows.iter().map(|c| (c.email_key.clone(), c.row)));
                post(&FromWorker::Rows { id, rows });
                let (done, total) = check.progress();
                post(&FromWorker::Progress { id, done, total });
                if !more {
                    break;
                }
                // Lets a newer request in.
                gloo_timers::future::TimeoutFuture::new(0).await;
                if HELD.with_borrow(|held| held.latest != id) {
                    return;
                }
            }
            let twins =
                crate::import::find_twins(keys.iter().map(|(key, row)| (key.as_deref(), *row)));
            post(&FromWorker::Checked { id, twins });
        }
    }
}

/// The file read with `options`: kept from the last request when it read it
/// so, read again otherwise.
async fn prepared(options: ReadOptions, limits: ImportLimits) -> Result<Rc<Prepared>, ImportError> {
    let kept = HELD.with_borrow(|held| {
        held.read
            .as_ref()
            .filter(|(read_with, _)| *read_with == options)
            .map(|(_, prepared)| prepared.clone())
    });
    if let Some(prepared) = kept {
        return Ok(prepared);
    }
    let (bytes, name) = HELD.with_borrow(|held| (held.bytes.clone(), held.name.clone()));
    let bytes = bytes.ok_or(ImportError::Empty)?;
    let prepared = Rc::new(prepare_file(bytes, name, options.clone(), limits).await?);
    HELD.with_borrow_mut(|held| held.read = Some((options, prepared.clone())));
    Ok(prepared)
}
