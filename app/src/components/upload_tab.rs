//! "Upload file": the file is read, checked and previewed in the browser with
//! the import pipeline, then committed in chunks with a progress bar.
use super::file_check::{CheckedFile, CheckedSignal, Checker};
use super::file_settings::FileSettings;
use super::import_choices::{
    follow_update_plans, PermissionsChoice, UploadChoices, WorkspaceCheck,
};
use super::import_preview::{ImportPreview, RowFilter};
use super::import_steps::{ask_before_leaving, Step, StepList, Steps};
use super::{invite_defaults, undoable, ExpirySelect, UndoImport, UsersPageEvents, MESSAGE_HINT};
use crate::api::column_choices::{save_column_choices, ColumnChoices};
use crate::api::imports::{
    import_chunk, import_settings, start_import, ImportUndo, OutcomeCounts, RowOutcomeKind,
    UploadSettings, CHUNKS_IN_FLIGHT, CHUNK_ROWS,
};
use crate::domain::{format_date, PersonalMessage};
use crate::import::export::{
    rejected_rows_csv, RejectedRow, TEMPLATE_CSV_NAME, TEMPLATE_XLSX_NAME,
};
use crate::import::Candidate;
use futures_util::{stream, StreamExt};
use leptos::prelude::*;

/// What an upload shows while it runs and when it ends.
#[derive(Clone, Copy)]
struct UploadSignals {
    checked: CheckedSignal,
    send_email: RwSignal<bool>,
    /// Days the links live; empty: the workspace's default.
    expiry: RwSignal<String>,
    /// The admin's own words in every mail.
    message: RwSignal<String>,
    progress: RwSignal<Option<(usize, usize)>>,
    cancelled: RwSignal<bool>,
    result: RwSignal<Option<String>>,
    /// The batch uploaded last, its file and how many it invited: what
    /// "Undo this import" undoes.
    finished: RwSignal<Option<(i32, String, OutcomeCounts)>>,
    /// Rows not imported, for "Download rejected rows".
    rejected: RwSignal<Vec<RejectedRow>>,
    choices: UploadChoices,
    events: UsersPageEvents,
}

/// Sends the ready rows in chunks; runs in the browser.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
async fn run_upload(slug: String, ui: UploadSignals) {
    let UploadSignals {
        checked,
        send_email,
        expiry,
        message,
        progress,
        cancelled,
        result,
        finished,
        rejected,
        choices,
        events,
    } = ui;
    let Some(file) = checked.get_untracked().and_then(Result::ok) else {
        return;
    };
    let ready = match choices.rows_to_send(&file) {
        Ok(rows) => rows,
        Err(message) => {
            result.set(Some(message));
            return;
        }
    };
    let mut refused: Vec<RejectedRow> = file
        .candidates
        .iter()
        .filter(|c| !c.is_ready())
        .map(|c| RejectedRow {
            cells: c.wire_cells(),
            reason: c.error_summary(),
        })
        .collect();
    let by_row: std::collections::HashMap<usize, &Candidate> =
        file.candidates.iter().map(|c| (c.row, c)).collect();
    let mut tally = OutcomeCounts {
        failed: u32::try_from(refused.len()).unwrap_or(u32::MAX),
        ..OutcomeCounts::default()
    };
    rejected.set(Vec::new());
    cancelled.set(false);
    result.set(None);
    progress.set(Some((0, ready.len())));
    let total = u32::try_from(file.candidates.len()).unwrap_or(u32::MAX);
    let batch = match start_import(
        slug.clone(),
        file.name.clone(),
        total,
        u32::try_from(refused.len()).unwrap_or(u32::MAX),
        send_email.get_untracked(),
        expiry.get_untracked(),
        message.get_untracked(),
    )
    .await
    {
        Ok(batch) => batch,
        Err(error) => {
            progress.set(None);
            result.set(Some(error.to_string()));
            return;
        }
    };
    // Chunks go out two at a time (`CHUNKS_IN_FLIGHT`). After a cancel or a
    // chunk that failed, no new chunk starts, and the answers of those already
    // sent are still counted: their rows are committed.
    let conflicts = choices.conflicts(&file);
    let stopping = std::cell::Cell::new(false);
    let mut answers = stream::iter(ready.chunks(CHUNK_ROWS))
        .map(|chunk| {
            let (slug, stopping) = (slug.clone(), &stopping);
            async move {
                if stopping.get() || cancelled.get_untracked() {
                    return None;
                }
                // A chunk that fails in transit is sent again: the server
                // answers rows it already committed from its record.
                let mut outcome =
                    import_chunk(slug.clone(), batch, chunk.to_vec(), conflicts).await;
                if outcome.is_err() {
                    outcome = import_chunk(slug, batch, chunk.to_vec(), conflicts).await;
                }
                Some((chunk.len(), outcome))
            }
        })
        .buffered(CHUNKS_IN_FLIGHT);
    let mut sent = 0;
    while let Some(answer) = answers.next().await {
        let Some((rows, outcome)) = answer else {
            continue;
        };
        match outcome {
            Ok(outcomes) => {
                for o in outcomes {
                    tally.add(o.kind.outcome());
                    if let RowOutcomeKind::Failed(reason) = o.kind {
                        if let Some(c) = by_row.get(&o.row) {
                            refused.push(RejectedRow {
                                cells: c.wire_cells(),
                                reason,
                            });
                        }
                    }
                }
                sent += rows;
                progress.set(Some((sent, ready.len())));
            }
            Err(error) => {
                stopping.set(true);
                result.set(Some(format!("Stopped: {error}")));
            }
        }
    }
    drop(answers);
    progress.set(None);
    rejected.set(refused);
    let line = format!(
        "{}{}",
        tally.summary(),
        if cancelled.get_untracked() {
            " (cancelled)"
        } else {
            ""
        }
    );
    events.done(line.clone());
    finished.set(Some((batch, file.name.clone(), tally)));
    if sent > 0 {
        // Kept for the next file with these headers; a failure here loses
        // nothing but the convenience.
        let _ = save_column_choices(
            slug,
            file.name.clone(),
            file.detected_headers.clone(),
            ColumnChoices::of(&file.prepared),
        )
        .await;
    }
    result.update(|r| {
        if r.is_none() {
            *r = Some(line);
        }
    });
}

/// `shown`: whether the tab is the one showing (a file worker starts then,
/// so a chosen file is read at once).
#[component]
pub fn UploadTab(slug: String, #[prop(into)] shown: Signal<bool>) -> impl IntoView {
    let events = expect_context::<UsersPageEvents>();
    let filter = RwSignal::new(RowFilter::All);
    let send_email = RwSignal::new(true);
    let expiry = RwSignal::new(String::new());
    let message = RwSignal::new(String::new());
    let defaults = invite_defaults();
    // Until the server answers (settings None): the defaults, and mail on.
    let switch_touched = RwSignal::new(false);
    let progress = RwSignal::new(None::<(usize, usize)>);
    let cancelled = RwSignal::new(false);
    let result = RwSignal::new(None::<String>);
    let finished = RwSignal::new(None::<(i32, String, OutcomeCounts)>);
    let rejected = RwSignal::new(Vec::<RejectedRow>::new());
    let choices = UploadChoices::new();
    let settings = RwSignal::new(None::<UploadSettings>);

    let checker = Checker::new(slug.clone(), settings, choices);
    follow_update_plans(slug.clone(), checker.checked, choices);
    Effect::new(move |_| {
        if shown.get() {
            checker.warm_up();
        }
    });
    let checked = checker.checked;
    let steps = Steps::new();
    let file_input = NodeRef::<leptos::html::Input>::new();
    let awaiting_file = StoredValue::new(false);
    // A new file: read, checked, then shown in Review, or in Columns when
    // no header named its column of addresses.
    #[cfg(feature = "hydrate")]
    let load_file = move |file: web_sys::File| {
        result.set(None);
        finished.set(None);
        rejected.set(Vec::new());
        awaiting_file.set_value(true);
        leptos::task::spawn_local(checker.load(file));
    };
    // The chosen file's rows are checked (its workspace check may still be
    // running): show it.
    Effect::new(move |_| {
        let named = checked.with(|c| {
            c.as_ref()
                .map(|r| r.as_ref().ok().map(|f| f.prepared.email_header_is_named()))
        });
        let Some(named) = named else {
            return;
        };
        if !awaiting_file.get_value() {
            return;
        }
        awaiting_file.set_value(false);
        steps.go(match named {
            Some(true) => Step::Review,
            Some(false) => Step::Columns,
            None => Step::File,
        });
    });
    let on_file = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            use web_sys::wasm_bindgen::JsCast;
            let Some(input) = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            else {
                return;
            };
            match input.files().and_then(|files| files.get(0)) {
                Some(file) => load_file(file),
                None => checker.clear(),
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, checker);
    };
    // A file dropped anywhere on the view is read as if chosen.
    let on_drag_over = |ev: leptos::ev::DragEvent| ev.prevent_default();
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        #[cfg(feature = "hydrate")]
        if let Some(file) = ev
            .data_transfer()
            .and_then(|t| t.files())
            .and_then(|files| files.get(0))
        {
            load_file(file);
        }
    };

    // In the browser only (effects do not run on the server): the limits
    // and whether a mail server is set up, which decides the switch.
    Effect::new({
        let slug = slug.clone();
        move |loaded: Option<()>| {
            if loaded.is_none() {
                let slug = slug.clone();
                leptos::task::spawn_local(async move {
                    if let Ok(answer) = import_settings(slug).await {
                        // The admin's own choice wins over the default.
                        if !switch_touched.get_untracked() {
                            let by_default = defaults.get_untracked().is_none_or(|d| d.send_email);
                            send_email.set(answer.smtp_configured && by_default);
                        }
                        settings.set(Some(answer));
                    }
                });
            }
        }
    });

    // Only a new file (not an edit) redraws the preview.
    let loaded = Memo::new(move |_| {
        checked.with(|c| {
            c.as_ref().map(|r| {
                r.as_ref()
                    .map(|f| f.prepared.describe())
                    .map_err(Clone::clone)
            })
        })
    });
    let counts = Memo::new(move |_| {
        checked.with(|c| {
            c.as_ref()
                .and_then(|r| r.as_ref().ok())
                .map(CheckedFile::counts)
        })
    });
    // Said once the rows are all checked: a count changing with every
    // slice would keep screen readers talking.
    let checking_rows = Signal::derive(move || checker.progress.with(Option::is_some));
    let counts_line = move || {
        if checking_rows.get() {
            return None;
        }
        counts.get().map(|(ready, warnings, errors)| {
            format!("{ready} ready · {warnings} with warnings · {errors} with errors")
        })
    };
    let edit_status = RwSignal::new(String::new());

    // People without a role in the file get the workspace's default.
    Effect::new(move |_| {
        if let Some(defaults) = defaults.get() {
            choices.default_role.set(defaults.role);
            choices.role_for_all.set(defaults.role);
        }
    });

    let ui = UploadSignals {
        checked,
        send_email,
        expiry,
        message,
        progress,
        cancelled,
        result,
        finished,
        rejected,
        choices,
        events,
    };
    let slug_for_undo = slug.clone();
    let furthest = Signal::derive(move || {
        if progress.get().is_some() || result.get().is_some() || finished.get().is_some() {
            Step::Result
        } else if matches!(loaded.get(), Some(Ok(_))) {
            Step::Confirm
        } else {
            Step::File
        }
    });
    let import_view = NodeRef::<leptos::html::Div>::new();
    ask_before_leaving(import_view, move || {
        let holds_file = checked.with_untracked(|c| matches!(c, Some(Ok(_))));
        progress.get_untracked().is_some() || (holds_file && finished.get_untracked().is_none())
    });
    let start_upload = move |_| {
        steps.go(Step::Result);
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(run_upload(slug.clone(), ui));
        #[cfg(not(feature = "hydrate"))]
        let _ = (&slug, ui);
    };

    view! {
        <div class="import-view" node_ref=import_view on:dragover=on_drag_over on:drop=on_drop>
        <StepList steps furthest/>
        <section class="import-step" aria-label="File" hidden=move || !steps.shows(Step::File)>
            <p class="template-links">
                <a href=format!("/templates/{TEMPLATE_CSV_NAME}") download=TEMPLATE_CSV_NAME>"Download template"</a>
                " (CSV) · "
                <a href=format!("/templates/{TEMPLATE_XLSX_NAME}") download=TEMPLATE_XLSX_NAME>"Excel version"</a>
                ": columns Email, Name, Role, Groups (separated by |) and Metadata (JSON)."
            </p>
            <div class="field drop-zone">
                <label for="import-file">"Choose a CSV or Excel file"</label>
                <p class="hint" id="import-file-hint">"Or drop it anywhere here. CSV, TSV, TXT, XLSX, XLS or ODS, up to 50 MB and 100,000 rows. Muster finds the header row and the column of addresses; you can change what each column holds."</p>
                <input id="import-file" type="file" aria-describedby="import-file-hint" node_ref=file_input
                    accept=".csv,.tsv,.txt,.xlsx,.xls,.ods,text/csv" on:change=on_file/>
            </div>
            {move || match loaded.get() {
                Some(Err(error)) => Some(view! { <p class="alert" role="alert">{error.to_string()}</p> }),
                _ => None,
            }}
        </section>
        <section class="import-step" aria-label="Columns" hidden=move || !steps.shows(Step::Columns)>
            {move || checker.using_saved.get().map(|saved| view! {
                <p class="hint saved-choices" role="status">
                    {format!("Using the column choices of your import of {} ({}) · ", format_date(saved.saved_at), saved.file_name)}
                    <button type="button" class="link-button" on:click=move |_| leptos::task::spawn_local(checker.forget_saved())>"Reset"</button>
                </p>
            })}
            // Drawn when shown: a hidden panel drawn with the first rows
            // would hold the page up while they arrive.
            {move || steps.shows(Step::Columns).then(|| view! { <FileSettings checker/> })}
        </section>
        <section class="import-step" aria-label="Review" hidden=move || !steps.shows(Step::Review)>
            {move || matches!(loaded.get(), Some(Ok(_))).then(|| view! {
                <fieldset class="choice row-filter">
                    <legend>"Rows shown"</legend>
                    {RowFilter::ALL.into_iter().map(|choice| {
                        let (id, label) = choice.choice();
                        view! {
                            <div class="field checkbox">
                                <input id=id type="radio" name="row-filter" prop:checked=move || filter.get() == choice
                                    on:change=move |_| filter.set(choice)/>
                                <label for=id>{label}</label>
                            </div>
                        }
                    }).collect_view()}
                </fieldset>
                <ImportPreview checked filter status=edit_status choices busy=checking_rows/>
                <p role="status" class="hint">{move || edit_status.get()}</p>
            })}
        </section>
        <section class="import-step" aria-label="Confirm" hidden=move || !steps.shows(Step::Confirm)>
            {move || (matches!(loaded.get(), Some(Ok(_))) && steps.shows(Step::Confirm)).then(|| view! {
                <WorkspaceCheck checked choices/>
                <PermissionsChoice choices/>
            })}
            <div class="field checkbox">
                <input id="send-emails" type="checkbox" role="switch" prop:checked=move || send_email.get()
                    aria-describedby=move || settings.get().is_some_and(|s| !s.smtp_configured).then_some("send-emails-hint")
                    on:change=move |ev| {
                        switch_touched.set(true);
                        send_email.set(event_target_checked(&ev));
                    }/>
                <label for="send-emails">"Send invitation emails"</label>
            </div>
            <ExpirySelect id="upload-expiry" value=expiry
                default_hours=Signal::derive(move || defaults.get().map(|d| d.lifetime_hours))/>
            <div class="field">
                <label for="upload-message">"Personal message"</label>
                <p class="hint" id="upload-message-hint">{MESSAGE_HINT}</p>
                <textarea id="upload-message" rows="3" maxlength=PersonalMessage::MAX_CHARS aria-describedby="upload-message-hint"
                    prop:value=move || message.get() on:input=move |ev| message.set(event_target_value(&ev))></textarea>
            </div>
            {move || (settings.get().is_some_and(|s| !s.smtp_configured)).then(|| view! {
                <p class="hint" id="send-emails-hint">
                    "No mail server is set up (SMTP_URL), so invitation emails would only be written to files on the server. "
                    "Leave this off and share each person’s link with “Copy invite link” in the users table."
                </p>
            })}
        </section>
        <section class="import-step" aria-label="Result" hidden=move || !steps.shows(Step::Result)>
            {move || progress.get().map(|(done, total)| view! {
                <label for="upload-progress">{format!("Uploading: {done} of {total} rows")}</label>
                <progress id="upload-progress" max=total value=done></progress>
                <button type="button" class="secondary" on:click=move |_| cancelled.set(true)>"Cancel upload"</button>
            })}
            {move || result.get().map(|line| view! { <p class="import-result" role="status">{line}</p> })}
            <div class="result-actions">
                {move || finished.get().filter(|(_, _, counts)| undoable(*counts)).map(|(batch_id, file_name, counts)| {
                    let on_undone = move |undo: ImportUndo| {
                        finished.set(None);
                        result.set(Some(undo.summary()));
                        events.done(undo.summary());
                    };
                    view! { <UndoImport slug=slug_for_undo.clone() batch_id file_name counts on_undone/> }
                })}
                {move || (!rejected.with(Vec::is_empty)).then(|| {
                    let download = move |_| {
                        let name = checked.with_untracked(|c| match c {
                            Some(Ok(file)) => file.name.clone(),
                            _ => String::new(),
                        });
                        let stem = name.rsplit_once('.').map_or(name.as_str(), |(stem, _)| stem).to_owned();
                        let bytes = rejected.with_untracked(|rows| rejected_rows_csv(rows));
                        super::save_file::save_file(&format!("{stem}-rejected-rows.csv"), "text/csv", &bytes);
                    };
                    view! {
                        <button type="button" class="secondary" on:click=download>
                            {move || format!("Download rejected rows ({})", rejected.with(Vec::len))}
                        </button>
                    }
                })}
            </div>
        </section>
        // Never scrolls away: the counts and the step's main action.
        <div class="import-footer">
            <p role="status" class="import-counts">{counts_line}</p>
            // How the file was read, whatever the step.
            {move || matches!(loaded.get(), Some(Ok(_))).then(|| view! {
                <p class="hint">{move || checker.checked.with(|c| match c {
                    Some(Ok(file)) => file.prepared.describe(),
                    _ => String::new(),
                })}</p>
            })}
            {move || checker.progress.get().map(|(done, total)| {
                let label = if total == 0 {
                    "Reading the file…".to_owned()
                } else {
                    format!("Checking rows: {done} of {total}")
                };
                // Stops the worker at once; the tab is as before the file.
                let cancel = move |_| {
                    checker.clear();
                    awaiting_file.set_value(false);
                    if let Some(input) = file_input.get_untracked() {
                        input.set_value("");
                    }
                    steps.go(Step::File);
                    checker.warm_up();
                };
                view! {
                    <div class="field" role="status">
                        <label for="check-progress">{label}</label>
                        <progress id="check-progress" max=total.max(1) value=done></progress>
                    </div>
                    <button type="button" class="secondary" on:click=cancel>"Cancel reading"</button>
                }
            })}
            {move || {
                let here = steps.current.get();
                let back = here.back().filter(|_| here != Step::Result);
                back.map(|back| view! {
                    <button type="button" class="secondary" on:click=move |_| steps.go(back)>"Back"</button>
                })
            }}
            {move || match steps.current.get() {
                Step::Confirm => view! {
                    <button type="button" class="primary"
                        disabled=move || {
                            progress.get().is_some()
                                || checking_rows.get()
                                || counts.get().is_none_or(|(ready, _, _)| ready == 0)
                                || matches!(choices.override_groups(), Some(Err(_)))
                        }
                        on:click=start_upload.clone()>
                        "Upload users"
                    </button>
                }.into_any(),
                Step::Result => view! {
                    <button type="button" class="secondary" disabled=move || progress.get().is_some()
                        on:click=move |_| steps.go(Step::File)>
                        "Upload another file"
                    </button>
                }.into_any(),
                here => {
                    let next = here.next().unwrap_or(Step::Confirm);
                    view! {
                        <button type="button" class="primary" disabled=move || { next > furthest.get() }
                            on:click=move |_| steps.go(next)>
                            "Next"
                        </button>
                    }.into_any()
                }
            }}
        </div>
        </div>
    }
}
