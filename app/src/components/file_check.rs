//! Checking a chosen file in the browser without freezing the page: the file
//! is read, then its rows are checked in slices, yielding to the browser
//! between slices so the progress bar moves and the page stays responsive.
//! Reading it again (other encoding, separator or sheet) or mapping its
//! columns differently starts a new check; a stale one gives up.
use super::import_choices::UploadChoices;
use crate::api::column_choices::{find_column_choices, SavedChoices};
use crate::api::imports::UploadSettings;
use crate::import::{
    self, Candidate, ColumnMapping, ImportError, ImportLimits, Prepared, ReadOptions, RowDefaults,
};
use leptos::prelude::*;
use std::sync::Arc;

/// A file read and its rows checked, ready to preview and upload.
#[derive(Clone, Debug, PartialEq)]
pub struct CheckedFile {
    pub name: String,
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
}

/// Rows checked between two yields to the browser.
const SLICE_ROWS: usize = 2_000;

pub type CheckedSignal = RwSignal<Option<Result<CheckedFile, ImportError>>>;

/// Lets the browser paint and handle input before the next slice.
async fn next_tick() {
    #[cfg(feature = "hydrate")]
    {
        let promise = js_sys::Promise::new(&mut |resolve, _| {
            if let Some(window) = web_sys::window() {
                let _ = window.set_timeout_with_callback(&resolve);
            }
        });
        let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    }
}

/// Reads the file and finds its table. In the browser the readers (CSV,
/// text encodings, workbooks) are a separate WASM chunk (split out by
/// `cargo xtask build`), fetched when the upload tab first shows: pages that never
/// read a file never download them.
#[leptos::lazy]
fn prepare_file(
    bytes: Arc<[u8]>,
    name: String,
    options: ReadOptions,
    limits: ImportLimits,
) -> Result<Prepared, ImportError> {
    import::prepare(&bytes, &name, &options, &limits)
}

/// Starts fetching the readers' chunk so it is there when a file is chosen.
pub fn preload_readers() {
    let _loaded = leptos::lazy_preload!(prepare_file);
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
    source: StoredValue<Option<(Arc<[u8]>, String)>>,
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
            source: StoredValue::new(None),
            generation: StoredValue::new(0),
        }
    }

    pub fn clear(&self) {
        self.generation.update_value(|g| *g += 1);
        self.source.set_value(None);
        self.checked.set(None);
        self.progress.set(None);
        self.choices.checking.set(false);
        self.using_saved.set(None);
    }

    /// A newly chosen file, read as detected.
    pub async fn load(self, bytes: Vec<u8>, name: String) {
        self.source.set_value(Some((bytes.into(), name)));
        // The previous file's preview goes at once.
        self.checked.set(None);
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

    /// `first`: a newly chosen file, read as detected; column choices saved
    /// for its headers are then followed.
    async fn read(self, options: ReadOptions, keep_on_error: bool, first: bool) {
        self.reread_error.set(None);
        let Some((bytes, name)) = self.source.get_value() else {
            return;
        };
        let mine = self.start();
        self.progress.set(Some((0, 0)));
        next_tick().await;
        if !self.current(mine) {
            return;
        }
        let limits = self
            .settings
            .get_untracked()
            .map(|s| s.limits)
            .unwrap_or_default();
        match prepare_file(bytes.clone(), name.clone(), options, limits).await {
            Ok(prepared) if first => {
                self.detected_headers
                    .set_value(prepared.table.headers.clone());
                if let Some(prepared) = self.follow_saved(mine, bytes, &name, prepared).await {
                    self.check_rows(mine, name, prepared).await;
                }
            }
            Ok(prepared) => self.check_rows(mine, name, prepared).await,
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

    /// The file as the column choices saved for its headers read it, when
    /// there are some (None: the admin has moved on to something newer).
    async fn follow_saved(
        self,
        mine: u64,
        bytes: Arc<[u8]>,
        name: &str,
        detected: Prepared,
    ) -> Option<Prepared> {
        self.using_saved.set(None);
        let found = find_column_choices(self.slug.get_value(), detected.table.headers.clone())
            .await
            .ok()
            .flatten();
        if !self.current(mine) {
            return None;
        }
        let Some(saved) = found else {
            return Some(detected);
        };
        let mut prepared = match saved.choices.read_options(&detected) {
            Some(options) => {
                let limits = self
                    .settings
                    .get_untracked()
                    .map(|s| s.limits)
                    .unwrap_or_default();
                let again = prepare_file(bytes, name.to_owned(), options, limits).await;
                if !self.current(mine) {
                    return None;
                }
                match again {
                    Ok(prepared) => prepared,
                    // Read as saved, the file is not one like it.
                    Err(_) => return Some(detected),
                }
            }
            None => detected.clone(),
        };
        let Some(mapping) = saved.choices.mapping_for(&prepared.mapping) else {
            return Some(detected);
        };
        prepared.mapping = mapping;
        self.using_saved.set(Some(saved));
        Some(prepared)
    }

    /// Checks the rows again with the admin's column mapping.
    pub async fn remap(self, mapping: Vec<ColumnMapping>) {
        let Some((name, mut prepared)) = self.checked.with_untracked(|c| match c {
            Some(Ok(file)) => Some((file.name.clone(), file.prepared.clone())),
            _ => None,
        }) else {
            return;
        };
        prepared.mapping = mapping;
        let mine = self.start();
        self.check_rows(mine, name, prepared).await;
    }

    fn start(&self) -> u64 {
        self.generation.update_value(|g| *g += 1);
        self.generation.get_value()
    }

    fn current(&self, generation: u64) -> bool {
        self.generation.get_value() == generation
    }

    async fn check_rows(self, mine: u64, name: String, prepared: Prepared) {
        let total = prepared.table.rows.len();
        let mut candidates = Vec::with_capacity(total);
        let defaults = RowDefaults {
            role: Some(self.choices.default_role.get_untracked()),
        };
        for slice in prepared.table.rows.chunks(SLICE_ROWS) {
            candidates.extend(
                slice
                    .iter()
                    .map(|row| import::validate_row(row, &prepared.mapping, &defaults)),
            );
            self.progress.set(Some((candidates.len(), total)));
            next_tick().await;
            if !self.current(mine) {
                return;
            }
        }
        import::flag_duplicates(&mut candidates, prepared.email_header());
        // Lets `make bench` time the first preview rows from here.
        #[cfg(feature = "hydrate")]
        if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
            let _ = performance.mark("muster:rows-checked");
        }
        self.progress.set(None);
        self.checked.set(Some(Ok(CheckedFile {
            name,
            prepared,
            candidates,
            detected_headers: self.detected_headers.get_value(),
        })));
        super::import_choices::check_workspace(
            self.slug.get_value(),
            self.checked,
            self.choices,
            move || self.current(mine),
        )
        .await;
    }
}
