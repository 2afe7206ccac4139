//! Reading and checking a chosen file in a dedicated Web Worker, so the page
//! stays responsive however large the file. The worker runs the same WASM
//! module as the page (its script, `pkg/file_worker.js`, is written by
//! `cargo xtask` and served from 'self' with a policy of its own); page and
//! worker exchange `import::worker_messages`. Where no worker can start, the
//! page reads the file itself in slices (`components::file_check`).
mod in_worker;
mod page_side;

pub use in_worker::serve;
pub use page_side::{FileWorker, WorkerGone};
