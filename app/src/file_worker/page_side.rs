//! The page's side: starts the worker, sends it the file and requests, and
//! hands each request's answers to whoever awaits them. One request is
//! answered at a time: a newer one ends the wait of the one before.
use crate::import::worker_messages::{FromWorker, ToWorker};
use crate::import::{
    CheckedSlice, ColumnMapping, ImportError, ImportLimits, Prepared, ReadOptions, RowDefaults,
};
use futures_channel::mpsc::{unbounded, UnboundedReceiver, UnboundedSender};
use futures_util::StreamExt;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use web_sys::wasm_bindgen::prelude::*;
use web_sys::wasm_bindgen::JsCast;
use web_sys::MessageEvent;

/// The worker's script, written next to the bundle by `cargo xtask`.
const SCRIPT: &str = "/pkg/file_worker.js";

/// The worker stopped (it failed, was cancelled, or a newer request took
/// over) before answering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkerGone;

/// Where the worker's answers go (as it sent them: JSON text, decoded by
/// whoever awaits them, when it is ready for them); `gone` once it failed
/// or was stopped.
#[derive(Default)]
struct Mailbox {
    to: Option<UnboundedSender<String>>,
    gone: bool,
}

/// A request's answers, as they come.
struct Answers(UnboundedReceiver<String>);

impl Answers {
    async fn next(&mut self) -> Option<FromWorker> {
        loop {
            let text = self.0.next().await?;
            if let Ok(answer) = serde_json::from_str(&text) {
                return Some(answer);
            }
        }
    }
}

/// Until the browser has drawn the next frame.
async fn next_paint() {
    let (painted, drawn) = futures_channel::oneshot::channel();
    leptos::prelude::request_animation_frame(move || {
        let _ = painted.send(());
    });
    let _ = drawn.await;
    gloo_timers::future::TimeoutFuture::new(0).await;
}

type Inbox = Rc<RefCell<Mailbox>>;

pub struct FileWorker {
    worker: web_sys::Worker,
    /// Where the worker's next answers go.
    inbox: Inbox,
    next_id: Cell<u64>,
    /// Where its "Ready" will come, until a request has waited for it.
    starting: RefCell<Option<Answers>>,
    _on_message: Closure<dyn Fn(MessageEvent)>,
    _on_error: Closure<dyn Fn(web_sys::Event)>,
}

impl FileWorker {
    /// Starts a worker; it loads while the page goes on. None where no
    /// worker can start at all (no Worker support); one whose script or
    /// module fails to load is found out by the first request.
    pub fn spawn() -> Option<FileWorker> {
        let options = web_sys::WorkerOptions::new();
        options.set_type(web_sys::WorkerType::Module);
        let worker = web_sys::Worker::new_with_options(SCRIPT, &options).ok()?;
        let inbox: Inbox = Rc::default();
        let on_message = Closure::<dyn Fn(MessageEvent)>::new({
            let inbox = inbox.clone();
            move |event: MessageEvent| {
                // Decoded when awaited: a slice arriving while the page
                // draws the rows before it waits, cheaply, as text.
                if let (Some(text), Some(to)) =
                    (event.data().as_string(), inbox.borrow().to.as_ref())
                {
                    let _ = to.unbounded_send(text);
                }
            }
        });
        // A script that cannot load, or a worker that crashed: whoever waits
        // learns it is gone.
        let on_error = Closure::<dyn Fn(web_sys::Event)>::new({
            let inbox = inbox.clone();
            move |event: web_sys::Event| {
                event.prevent_default();
                *inbox.borrow_mut() = Mailbox {
                    to: None,
                    gone: true,
                };
            }
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        let this = FileWorker {
            worker,
            inbox,
            next_id: Cell::new(0),
            starting: RefCell::new(None),
            _on_message: on_message,
            _on_error: on_error,
        };
        // Requests wait for its "Ready": a message posted before the worker
        // listens would be lost.
        *this.starting.borrow_mut() = Some(this.listen());
        Some(this)
    }

    /// Waits until the worker listens (the first time); Err when it never will.
    async fn until_ready(&self) -> Result<(), WorkerGone> {
        let starting = self.starting.borrow_mut().take();
        if let Some(mut answers) = starting {
            let ready = matches!(answers.next().await, Some(FromWorker::Ready));
            self.answered(&answers, ());
            if !ready {
                self.terminate();
            }
        }
        if self.inbox.borrow().gone {
            Err(WorkerGone)
        } else {
            Ok(())
        }
    }

    /// Gives the worker the file; later requests are about it.
    pub async fn open(&self, file: &web_sys::Blob, name: String) -> Result<(), WorkerGone> {
        self.until_ready().await?;
        let mut answers = self.listen();
        self.post(&ToWorker::Open { name }, Some(file))?;
        let opened = match answers.next().await {
            Some(FromWorker::Opened) => Ok(()),
            _ => Err(WorkerGone),
        };
        self.answered(&answers, opened)
    }

    /// Reads the file with `options` and finds its table (returned without
    /// its rows, which stay in the worker).
    pub async fn prepare(
        &self,
        options: ReadOptions,
        limits: ImportLimits,
    ) -> Result<Result<Prepared, ImportError>, WorkerGone> {
        let id = self.next_id();
        let mut answers = self.listen();
        self.post(
            &ToWorker::Prepare {
                id,
                options,
                limits,
            },
            None,
        )?;
        while let Some(answer) = answers.next().await {
            if let FromWorker::Prepared {
                id: answered,
                result,
            } = answer
            {
                if answered == id {
                    return self.answered(&answers, Ok(result));
                }
            }
        }
        Err(WorkerGone)
    }

    /// Checks the rows of the file as read with `options`, handing each
    /// slice of checked rows to `take` as it comes (the last one says so).
    /// Ok(Err): the worker could not read the file so.
    pub async fn check(
        &self,
        options: ReadOptions,
        limits: ImportLimits,
        mapping: Vec<ColumnMapping>,
        defaults: RowDefaults,
        mut take: impl FnMut(CheckedSlice),
    ) -> Result<Result<(), ImportError>, WorkerGone> {
        let id = self.next_id();
        let mut answers = self.listen();
        let request = ToWorker::Check {
            id,
            options,
            limits,
            mapping,
            defaults,
        };
        self.post(&request, None)?;
        let mut first = true;
        while let Some(answer) = answers.next().await {
            match answer {
                FromWorker::Rows {
                    id: answered,
                    slice,
                } if answered == id => {
                    let last = slice.is_last();
                    if std::mem::take(&mut first) {
                        // The first rows are drawn in a task of their own,
                        // not the one that decoded them (each pays, once,
                        // for the browser compiling code it runs for the
                        // first time), and shown before more are decoded.
                        gloo_timers::future::TimeoutFuture::new(0).await;
                        take(slice);
                        next_paint().await;
                    } else {
                        take(slice);
                    }
                    if last {
                        return self.answered(&answers, Ok(Ok(())));
                    }
                }
                FromWorker::Unreadable {
                    id: answered,
                    error,
                } if answered == id => return self.answered(&answers, Ok(Err(error))),
                _ => {}
            }
        }
        Err(WorkerGone)
    }

    /// Whether it is waiting for a request (not gone, nor busy with one).
    pub fn is_idle(&self) -> bool {
        let inbox = self.inbox.borrow();
        !inbox.gone && inbox.to.is_none()
    }

    /// A request has its answer: the worker is idle again, unless a newer
    /// request is already listening.
    fn answered<T>(&self, answers: &Answers, result: T) -> T {
        let mut inbox = self.inbox.borrow_mut();
        if inbox
            .to
            .as_ref()
            .is_some_and(|to| to.is_connected_to(&answers.0))
        {
            inbox.to = None;
        }
        result
    }

    /// Stops the worker at once, whatever it is doing; whoever waits on it
    /// learns it is gone.
    pub fn terminate(&self) {
        self.worker.terminate();
        *self.inbox.borrow_mut() = Mailbox {
            to: None,
            gone: true,
        };
    }

    fn next_id(&self) -> u64 {
        self.next_id.set(self.next_id.get() + 1);
        self.next_id.get()
    }

    /// The answers from now on; whoever listened before hears no more.
    fn listen(&self) -> Answers {
        let (to, answers) = unbounded();
        let mut inbox = self.inbox.borrow_mut();
        // A worker that is gone answers nothing: the receiver ends at once.
        if !inbox.gone {
            inbox.to = Some(to);
        }
        Answers(answers)
    }

    fn post(&self, request: &ToWorker, file: Option<&web_sys::Blob>) -> Result<(), WorkerGone> {
        let text = serde_json::to_string(request).map_err(|_| WorkerGone)?;
        let message = js_sys::Array::of1(&JsValue::from_str(&text));
        if let Some(file) = file {
            message.push(file);
        }
        self.worker.post_message(&message).map_err(|_| WorkerGone)
    }
}

impl Drop for FileWorker {
    fn drop(&mut self) {
        self.terminate();
    }
}
