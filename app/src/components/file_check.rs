//! Checking a chosen file in the browser without freezing the page: the file
//! is read and its rows checked in a Web Worker (`file_worker`), progress
//! coming back as slices are checked; where no worker can start, the page
//! does it itself in slices, yielding between them. Reading it again (other
//! encoding, separator or sheet) or mapping its columns differently starts
//! a new check; a stale one gives up.
use super::import_choices::UploadChoices;
use crate::api::column_choices::{find_column_choices, SavedChoices};
use crate::api::imports::UploadSettings;
#[cfg(feature = "hydrate")]
use crate::file_worker::FileWorker;
use crate::import::worker_messages::SLICE_ROWS;
use crate::import::{
    self, Candidate, CheckedSlice, ColumnMapping, ImportError, ImportLimits, Prepared, ReadOptions,
    RowCheck, RowDefaults,
};
use leptos::prelude::*;
use std::collections::HashMap;
#[cfg(feature = "hydrate")]
use std::rc::Rc;
use std::sync::{Arc, Mutex};

/// A file read and its rows checked, ready to preview and upload.
#[derive(Clone, Debug, PartialEq)]
pub struct CheckedFile {
    pub name: String,
    /// How the file was read (the worker is asked about it so).
    pub options: ReadOptions,
    pub prepared: Prepared,
    pub candidates: Vec<Candidate>,
    /// The headers as first detected: what its column choices are saved under.
    pub detected_headers: Vec<String>,
}

impl CheckedFile {
    /// Ready, ready with warnings, with errors.
    pub fn counts(&self) -> (usize, usize, usize) {
        let errors = self.candidates.iter().filter(|c| !c.is_ready()).count();
        let warnings = self
            .candidates
            .iter()
            .filter(|c| c.is_ready() && c.has_warnings())
            .count();
        (self.candidates.len() - errors, warnings, errors)
    }

    /// The next slice of checked rows joins the others; those repeating an
    /// earlier row's address are marked.
    pub fn take(&mut self, slice: CheckedSlice) {
        self.candidates.extend(slice.rows);
        let email_column = self.prepared.email_header();
        for (index, first) in slice.twins {
            if let Some(candidate) = self.candidates.get_mut(index) {
                import::mark_twin(candidate, first, email_column);
            }
        }
    }
}

pub type CheckedSignal = RwSignal<Option<Result<CheckedFile, ImportError>>>;

/// Reads the file and finds its table. In the browser the readers (CSV,
/// text encodings, workbooks) are a separate WASM chunk (split out by
/// `cargo xtask build`), fetched by the file worker when it starts (or by
/// the page, where no worker can start): pages that never read a file never
/// download them.
#[leptos::lazy]
pub(crate) fn prepare_file(
    bytes: Arc<[u8]>,
    name: String,
    options: ReadOptions,
    limits: ImportLimits,
) -> Result<Prepared, ImportError> {
    import::prepare(&bytes, &name, &options, &limits)
}

/// Starts fetching the readers' chunk so it is there when a file is chosen.
#[cfg(feature = "hydrate")]
pub fn preload_readers() {
    let _loaded = leptos::lazy_preload!(prepare_file);
}

/// Lets the browser paint and handle input before the next slice.
async fn next_tick() {
    #[cfg(feature = "hydrate")]
    gloo_timers::future::TimeoutFuture::new(0).await;
}

/// A chosen file's bytes, and its table as last read: asked about the same
/// reading again (to check its rows, or map its columns otherwise), it is
/// not read again. Held by the file worker, or by the page where no worker
/// can start.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
pub(crate) struct OpenedFile {
    name: String,
    bytes: Arc<[u8]>,
    last: Mutex<Option<(ReadOptions, Arc<Prepared>)>>,
}

#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
impl OpenedFile {
    pub fn new(name: String, bytes: Arc<[u8]>) -> Self {
        Self {
            name,
            bytes,
            last: Mutex::new(None),
        }
    }

    /// The file read with `options`, with its rows.
    pub async fn read(
        &self,
        options: ReadOptions,
        limits: ImportLimits,
    ) -> Result<Arc<Prepared>, ImportError> {
        let kept = self.last.lock().ok().and_then(|last| {
            last.as_ref()
                .filter(|(read_with, _)| *read_with == options)
                .map(|(_, prepared)| prepared.clone())
        });
        if let Some(prepared) = kept {
            return Ok(prepared);
        }
        let prepared = Arc::new(
            prepare_file(
                self.bytes.clone(),
                self.name.clone(),
                options.clone(),
                limits,
            )
            .await?,
        );
        if let Ok(mut last) = self.last.lock() {
            *last = Some((options, prepared.clone()));
        }
        Ok(prepared)
    }
}

/// Checks every row, a slice at a time, handing each slice to `take` as it
/// is checked and yielding between slices; gives up (false) once `stale`
/// says something newer came in. The file worker's loop, and the page's
/// where no worker can start.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
pub(crate) async fn check_in_slices(
    prepared: &Prepared,
    mapping: &[ColumnMapping],
    defaults: &RowDefaults,
    mut take: impl FnMut(CheckedSlice),
    stale: impl Fn() -> bool,
) -> bool {
    let mut check = RowCheck::new(&prepared.table, mapping, defaults);
    loop {
        let slice = check.next_slice(SLICE_ROWS);
        let last = slice.is_last();
        take(slice);
        if last {
            return true;
        }
        next_tick().await;
        if stale() {
            return false;
        }
    }
}

/// Marks a moment `make bench` times (the Performance panel shows it too).
fn mark(name: &str) {
    #[cfg(feature = "hydrate")]
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        let _ = performance.mark(name);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = name;
}

/// Where the chosen file is read and checked: in its worker, or on the page
/// in slices (yielding between them) where no worker can start.
#[derive(Clone)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
enum Reader {
    #[cfg(feature = "hydrate")]
    Worker(Rc<FileWorker>),
    InPage(Arc<OpenedFile>),
}

/// Held in the browser (one thread; a worker handle is not `Send`); on the
/// server, where nothing is ever loaded, held as any value, so a render that
/// ends on another thread may drop it.
#[cfg(feature = "hydrate")]
type BrowserOnly<T> = StoredValue<T, LocalStorage>;
#[cfg(not(feature = "hydrate"))]
type BrowserOnly<T> = StoredValue<T>;

#[cfg(feature = "hydrate")]
fn browser_only<T: 'static>(value: T) -> BrowserOnly<T> {
    StoredValue::new_local(value)
}
#[cfg(not(feature = "hydrate"))]
fn browser_only<T: Send + Sync + 'static>(value: T) -> BrowserOnly<T> {
    StoredValue::new(value)
}

/// A file chosen, and where it is read.
#[derive(Clone)]
struct Source {
    name: String,
    reader: Reader,
}

/// Everything a check needs; cheap to copy into event handlers.
#[derive(Clone, Copy)]
pub struct Checker {
    pub slug: StoredValue<String>,
    pub checked: CheckedSignal,
    /// `Some((0, 0))` while reading; `Some((done, total))` while checking rows.
    pub progress: RwSignal<Option<(usize, usize)>>,
    /// Why the admin's other way of reading the file did not work (the
    /// file as read before stays).
    pub reread_error: RwSignal<Option<String>>,
    pub settings: RwSignal<Option<UploadSettings>>,
    pub choices: UploadChoices,
    /// Column choices saved from an earlier import with the same headers,
    /// while they are in use.
    pub using_saved: RwSignal<Option<SavedChoices>>,
    detected_headers: StoredValue<Vec<String>>,
    source: BrowserOnly<Option<Source>>,
    /// A worker started ahead of the first file, so reading it need not wait.
    #[cfg(feature = "hydrate")]
    spare: BrowserOnly<Option<Rc<FileWorker>>>,
    generation: StoredValue<u64>,
}

#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
impl Checker {
    pub fn new(
        slug: String,
        settings: RwSignal<Option<UploadSettings>>,
        choices: UploadChoices,
    ) -> Self {
        Self {
            slug: StoredValue::new(slug),
            checked: RwSignal::new(None),
            progress: RwSignal::new(None),
            reread_error: RwSignal::new(None),
            settings,
            choices,
            using_saved: RwSignal::new(None),
            detected_headers: StoredValue::new(Vec::new()),
            source: browser_only(None),
            #[cfg(feature = "hydrate")]
            spare: browser_only(None),
            generation: StoredValue::new(0),
        }
    }

    /// Starts a worker for the file to come (the tab is open).
    pub fn warm_up(&self) {
        #[cfg(feature = "hydrate")]
        if self.spare.with_value(Option::is_none) {
            self.spare.set_value(FileWorker::spawn().map(Rc::new));
        }
    }

    /// Forgets the file; a read or check under way stops at once (its
    /// worker is stopped).
    pub fn clear(&self) {
        self.generation.update_value(|g| *g += 1);
        self.stop_worker();
        self.checked.set(None);
        self.progress.set(None);
        self.choices.checking.set(false);
        self.using_saved.set(None);
    }

    fn stop_worker(&self) {
        #[cfg(feature = "hydrate")]
        if let Some(worker) = self.worker() {
            worker.terminate();
        }
        self.source.set_value(None);
    }

    #[cfg(feature = "hydrate")]
    fn worker(&self) -> Option<Rc<FileWorker>> {
        self.source.with_value(|source| match source {
            Some(Source {
                reader: Reader::Worker(worker),
                ..
            }) => Some(worker.clone()),
            _ => None,
        })
    }

    /// A newly chosen file, read as detected: in a worker (the last file's
    /// when it is idle, else the spare one or a new one; one still busy
    /// with the last file is stopped), or on the page where none can start.
    #[cfg(feature = "hydrate")]
    pub async fn load(self, file: web_sys::File) {
        let name = file.name();
        let mine = self.start();
        let idle = self.worker().filter(|worker| worker.is_idle());
        if idle.is_some() {
            self.source.set_value(None);
        } else {
            self.stop_worker();
        }
        // The previous file's preview goes at once.
        self.checked.set(None);
        self.progress.set(Some((0, 0)));
        let worker = match idle {
            Some(worker) => Some(worker),
            None => match self.spare.get_value() {
                Some(spare) => {
                    self.spare.set_value(None);
                    Some(spare)
                }
                None => FileWorker::spawn().map(Rc::new),
            },
        };
        let reader = match worker {
            Some(worker) if worker.open(&file, name.clone()).await.is_ok() => {
                Reader::Worker(worker)
            }
            _ => {
                let bytes = gloo_file::futures::read_as_bytes(&file.into())
                    .await
                    .unwrap_or_default();
                Reader::InPage(Arc::new(OpenedFile::new(name.clone(), bytes.into())))
            }
        };
        if !self.current(mine) {
            return;
        }
        self.source.set_value(Some(Source { name, reader }));
        self.read(ReadOptions::default(), false, true).await;
    }

    /// Reads the file again with the admin's encoding, separator or sheet.
    pub async fn reread(self, options: ReadOptions) {
        self.read(options, true, false).await;
    }

    /// "Reset": the file as detected, without the saved column choices.
    pub async fn forget_saved(self) {
        self.using_saved.set(None);
        self.read(ReadOptions::default(), true, false).await;
    }

    fn limits(&self) -> ImportLimits {
        self.settings
            .get_untracked()
            .map(|s| s.limits)
            .unwrap_or_default()
    }

    /// Reads the file with `options` where it is read; its table comes
    /// without its rows (they stay where the file is). Err: the worker
    /// stopped before answering.
    async fn prepare(
        &self,
        source: &Source,
        options: ReadOptions,
    ) -> Result<Result<Prepared, ImportError>, Gone> {
        match &source.reader {
            #[cfg(feature = "hydrate")]
            Reader::Worker(worker) => worker
                .prepare(options, self.limits())
                .await
                .map_err(|_| Gone),
            Reader::InPage(file) => Ok(file
                .read(options, self.limits())
                .await
                .map(|prepared| prepared.without_rows())),
        }
    }

    /// `first`: a newly chosen file, read as detected; column choices saved
    /// for its headers are then followed.
    async fn read(self, options: ReadOptions, keep_on_error: bool, first: bool) {
        self.reread_error.set(None);
        let Some(source) = self.source.get_value() else {
            return;
        };
        let mine = self.start();
        self.progress.set(Some((0, 0)));
        next_tick().await;
        if !self.current(mine) {
            return;
        }
        let Ok(result) = self.prepare(&source, options.clone()).await else {
            return self.stopped(mine);
        };
        if !self.current(mine) {
            return;
        }
        match result {
            Ok(prepared) if first => {
                self.detected_headers
                    .set_value(prepared.table.headers.clone());
                if let Some((options, prepared)) =
                    self.follow_saved(mine, &source, options, prepared).await
                {
                    self.check_rows(mine, options, prepared).await;
                }
            }
            Ok(prepared) => self.check_rows(mine, options, prepared).await,
            Err(error) => {
                self.progress.set(None);
                if keep_on_error {
                    self.reread_error.set(Some(error.to_string()));
                } else {
                    self.checked.set(Some(Err(error)));
                }
            }
        }
    }

    /// The worker stopped mid-way without being asked to (it crashed, or
    /// ran out of memory): say so, unless something newer took over.
    fn stopped(&self, mine: u64) {
        self.failed(mine, ImportError::ReaderStopped);
    }

    fn failed(&self, mine: u64, error: ImportError) {
        if self.current(mine) {
            self.progress.set(None);
            self.choices.checking.set(false);
            self.checked.set(Some(Err(error)));
        }
    }

    /// The file as the column choices saved for its headers read it, when
    /// there are some (None: the admin has moved on to something newer).
    async fn follow_saved(
        self,
        mine: u64,
        source: &Source,
        options: ReadOptions,
        detected: Prepared,
    ) -> Option<(ReadOptions, Prepared)> {
        self.using_saved.set(None);
        let found = find_column_choices(self.slug.get_value(), detected.table.headers.clone())
            .await
            .ok()
            .flatten();
        if !self.current(mine) {
            return None;
        }
        let Some(saved) = found else {
            return Some((options, detected));
        };
        let (options, mut prepared) = match saved.choices.read_options(&detected) {
            Some(saved_options) => {
                let Ok(again) = self.prepare(source, saved_options.clone()).await else {
                    self.stopped(mine);
                    return None;
                };
                if !self.current(mine) {
                    return None;
                }
                match again {
                    Ok(prepared) => (saved_options, prepared),
                    // Read as saved, the file is not one like it.
                    Err(_) => return Some((options, detected)),
                }
            }
            None => (options, detected.clone()),
        };
        let Some(mapping) = saved.choices.mapping_for(&prepared.mapping) else {
            return Some((options, detected));
        };
        prepared.mapping = mapping;
        self.using_saved.set(Some(saved));
        Some((options, prepared))
    }

    /// Checks the rows again with the admin's column mapping.
    pub async fn remap(self, mapping: Vec<ColumnMapping>) {
        let Some((options, mut prepared)) = self.checked.with_untracked(|c| match c {
            Some(Ok(file)) => Some((file.options.clone(), file.prepared.clone())),
            _ => None,
        }) else {
            return;
        };
        prepared.mapping = mapping;
        let mine = self.start();
        self.check_rows(mine, options, prepared).await;
    }

    fn start(&self) -> u64 {
        self.generation.update_value(|g| *g += 1);
        self.generation.get_value()
    }

    fn current(&self, generation: u64) -> bool {
        self.generation.get_value() == generation
    }

    /// Checks the rows where the file is read. Each slice is shown as it
    /// comes (the first in place of what was shown, so the first rows show
    /// long before the last are checked); then the rows are checked against
    /// the workspace.
    async fn check_rows(self, mine: u64, options: ReadOptions, prepared: Prepared) {
        let Some(source) = self.source.get_value() else {
            return;
        };
        // Where the last rows' people stand goes with them.
        self.choices.matches.set(HashMap::new());
        self.choices.checking.set(true);
        let defaults = RowDefaults {
            role: Some(self.choices.default_role.get_untracked()),
        };
        let mapping = prepared.mapping.clone();
        let mut first = Some(CheckedFile {
            name: source.name.clone(),
            options: options.clone(),
            prepared,
            candidates: Vec::new(),
            detected_headers: self.detected_headers.get_value(),
        });
        let take = move |slice: CheckedSlice| self.show_slice(mine, &mut first, slice);
        let finished = match &source.reader {
            #[cfg(feature = "hydrate")]
            Reader::Worker(worker) => worker
                .check(options, self.limits(), mapping, defaults, take)
                .await
                .map_err(|_| Gone),
            Reader::InPage(file) => match file.read(options, self.limits()).await {
                Ok(table) => {
                    let stale = move || !self.current(mine);
                    check_in_slices(&table, &mapping, &defaults, take, stale).await;
                    Ok(Ok(()))
                }
                Err(error) => Ok(Err(error)),
            },
        };
        if !self.current(mine) {
            return;
        }
        match finished {
            Err(Gone) => return self.stopped(mine),
            Ok(Err(error)) => return self.failed(mine, error),
            Ok(Ok(())) => {}
        }
        mark("muster:rows-checked");
        self.progress.set(None);
        super::import_choices::check_workspace(
            self.slug.get_value(),
            self.checked,
            self.choices,
            move || self.current(mine),
        )
        .await;
        if self.current(mine) {
            mark("muster:workspace-checked");
        }
    }

    /// A slice of checked rows: the first replaces what was shown, the
    /// others join it.
    fn show_slice(&self, mine: u64, first: &mut Option<CheckedFile>, slice: CheckedSlice) {
        if !self.current(mine) {
            return;
        }
        self.progress.set(Some((slice.done, slice.total)));
        match first.take() {
            Some(mut file) => {
                file.take(slice);
                self.checked.set(Some(Ok(file)));
                mark("muster:first-rows");
            }
            None => self.checked.update(|checked| {
                if let Some(Ok(file)) = checked {
                    file.take(slice);
                }
            }),
        }
    }
}

/// The worker stopped before answering.
struct Gone;
