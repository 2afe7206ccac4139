//! The preview of a checked file: a virtualized table (only the rows in view
//! are in the page, so 100,000 rows scroll smoothly), problems named per row,
//! and per row "Edit" (fix a cell; the row is checked again) and "Remove".
pub use super::file_check::CheckedSignal;
use super::import_choices::UploadChoices;
use crate::import::{self, Candidate, RowDefaults, Severity};
use leptos::prelude::*;

/// Every preview row is this tall (CSS keeps it so), which makes the rows
/// in view a matter of arithmetic.
const ROW_PX: usize = 40;
/// The scrolling area's height (CSS `.preview`).
const VIEW_PX: usize = 400;
/// Rows rendered above and below the visible ones.
const OVERSCAN: usize = 8;
/// Table rows in the page. Each is made once; scrolling changes the text
/// they show, never the rows themselves (new text in the same nodes costs a
/// fraction of building new rows with their listeners every frame).
const SLOTS: usize = VIEW_PX / ROW_PX + 2 * OVERSCAN;

/// What one row slot shows: a candidate at a position of the shown rows.
#[derive(Clone, PartialEq)]
struct SlotRow {
    /// Position among the shown rows (the grid's row index, less the header).
    position: usize,
    /// Index into the candidates.
    index: usize,
    /// The row number in the file.
    row: usize,
    class: &'static str,
    email: String,
    name: String,
    role: &'static str,
    groups: String,
    problems: String,
}

impl SlotRow {
    fn new(position: usize, index: usize, c: &Candidate) -> Self {
        let class = if !c.is_ready() {
            "row-error"
        } else if c.has_warnings() {
            "row-warning"
        } else {
            ""
        };
        Self {
            position,
            index,
            row: c.row,
            class,
            email: c.email.clone(),
            name: c.name.clone().unwrap_or_default(),
            role: c.role.label(),
            groups: c.groups.join(", "),
            problems: problem_text(c),
        }
    }
}

fn with_rows<T>(checked: CheckedSignal, f: impl FnOnce(&[Candidate]) -> T) -> Option<T> {
    checked.with(|c| {
        c.as_ref()
            .and_then(|r| r.as_ref().ok())
            .map(|f2| f(&f2.candidates))
    })
}

fn problem_text(c: &Candidate) -> String {
    c.problems
        .iter()
        .map(|p| {
            let kind = if p.severity == Severity::Error {
                "Error"
            } else {
                "Warning"
            };
            format!("{kind} in {}: {}", p.column, p.message)
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Which rows the preview shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowFilter {
    All,
    /// Errors or warnings.
    Problems,
    /// Ready, with warnings.
    Warnings,
    /// People the workspace already knows: members, archived, invited.
    Conflicts,
}

impl RowFilter {
    pub const ALL: [RowFilter; 4] = [
        RowFilter::All,
        RowFilter::Problems,
        RowFilter::Warnings,
        RowFilter::Conflicts,
    ];

    /// The radio button's id and label ("Show only rows with problems"
    /// keeps the name the checkbox it replaces had).
    pub fn choice(self) -> (&'static str, &'static str) {
        match self {
            RowFilter::All => ("filter-all", "All rows"),
            RowFilter::Problems => ("problems-only", "Show only rows with problems"),
            RowFilter::Warnings => ("filter-warnings", "Only rows with warnings"),
            RowFilter::Conflicts => ("filter-conflicts", "Only people already in the workspace"),
        }
    }
}

#[component]
pub fn ImportPreview(
    checked: CheckedSignal,
    filter: RwSignal<RowFilter>,
    /// Announces edits and removals.
    status: RwSignal<String>,
    /// Where each row's person stands in the workspace, once checked.
    choices: UploadChoices,
    /// While rows are still coming: they are shown, but not yet edited or
    /// removed (the rows still to come mark duplicates by position).
    #[prop(into)]
    busy: Signal<bool>,
) -> impl IntoView {
    let scroll_top = RwSignal::new(0usize);
    let editing = RwSignal::new(None::<usize>);
    // Indexes (into the candidates) of the rows the filter lets through.
    let shown = Memo::new(move |_| {
        let filter = filter.get();
        let known = |row: usize| {
            choices.matches.with(|m| {
                m.get(&row)
                    .is_some_and(|found| *found != crate::api::imports::WorkspaceMatch::New)
            })
        };
        with_rows(checked, |rows| {
            rows.iter()
                .enumerate()
                .filter(|(_, c)| match filter {
                    RowFilter::All => true,
                    RowFilter::Problems => !c.problems.is_empty(),
                    RowFilter::Warnings => c.is_ready() && c.has_warnings(),
                    RowFilter::Conflicts => known(c.row),
                })
                .map(|(i, _)| i)
                .collect::<Vec<_>>()
        })
        .unwrap_or_default()
    });
    let name = move || {
        checked.with(|c| match c {
            Some(Ok(file)) => file.name.clone(),
            _ => String::new(),
        })
    };
    let on_scroll = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            let element = event_target::<web_sys::Element>(&ev);
            scroll_top.set(usize::try_from(element.scroll_top()).unwrap_or(0));
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };
    let remove = move |index: usize| {
        let mut removed = None;
        checked.update(|c| {
            if let Some(Ok(file)) = c {
                if index < file.candidates.len() {
                    removed = Some(file.candidates.remove(index).row);
                    import::flag_duplicates(&mut file.candidates, file.prepared.email_header());
                }
            }
        });
        editing.set(None);
        if let Some(row) = removed {
            status.set(format!("Row {row} removed; it will not be uploaded."));
        }
    };

    // The first shown row in the page; it changes only when scrolling
    // crosses a row, and never leaves fewer than SLOTS rows at the end.
    let first = Memo::new(move |_| {
        let len = shown.with(Vec::len);
        (scroll_top.get() / ROW_PX)
            .saturating_sub(OVERSCAN)
            .min(len.saturating_sub(SLOTS))
    });
    // Heights set through the style object (`style:`), not a `style`
    // attribute, which the Content-Security-Policy refuses.
    let above = move || format!("{}px", first.get() * ROW_PX);
    let below = move || {
        let from_first = shown.with(Vec::len).saturating_sub(first.get());
        format!("{}px", from_first.saturating_sub(SLOTS) * ROW_PX)
    };
    let slots = (0..SLOTS)
        .map(|slot| {
            let shows = Memo::new(move |_| {
                let index = shown.with(|s| s.get(first.get() + slot).copied())?;
                with_rows(checked, |rows| {
                    rows.get(index)
                        .map(|c| SlotRow::new(first.get() + slot, index, c))
                })
                .flatten()
            });
            view! { <PreviewRow shows choices editing remove busy/> }
        })
        .collect_view();

    view! {
        // Scrollable, so it takes focus: keyboard users scroll it with the arrows.
        <div class="table-wrap preview" tabindex="0" role="region" aria-label="Preview of the file"
            on:scroll=on_scroll>
            <table class="data-table" aria-rowcount=move || shown.with(Vec::len) + 1>
                <caption>{move || format!("Preview of {} ({} rows)", name(), shown.with(Vec::len))}</caption>
                <thead>
                    <tr aria-rowindex="1">
                        <th scope="col">"Row"</th>
                        <th scope="col">"Email"</th>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Role"</th>
                        <th scope="col">"Groups"</th>
                        <th scope="col">"Problems"</th>
                        <th scope="col">"In workspace"</th>
                        <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody>
                    <tr aria-hidden="true" class="spacer" style:height=above></tr>
                    {slots}
                    <tr aria-hidden="true" class="spacer" style:height=below></tr>
                </tbody>
            </table>
        </div>
        {move || editing.get().and_then(|index| {
            with_rows(checked, |rows| rows.get(index).cloned()).flatten()
        }).map(|candidate| view! {
            <RowEditor candidate checked editing status/>
        })}
    }
    .into_any()
}

/// One row slot: present while it has a candidate to show, its text and
/// attributes following whatever it shows.
#[component]
fn PreviewRow(
    shows: Memo<Option<SlotRow>>,
    choices: UploadChoices,
    editing: RwSignal<Option<usize>>,
    remove: impl Fn(usize) + Copy + Send + Sync + 'static,
    busy: Signal<bool>,
) -> impl IntoView {
    let text = move |f: fn(&SlotRow) -> String| {
        move || shows.with(|s| s.as_ref().map(f).unwrap_or_default())
    };
    let row = move || shows.with(|s| s.as_ref().map_or(0, |s| s.row));
    let index = move || shows.with_untracked(|s| s.as_ref().map(|s| s.index));
    let standing = move || {
        let row = row();
        choices.standing_of(row)
    };
    view! {
        <Show when=move || shows.with(Option::is_some)>
            // +2: the header row is row 1 of the grid.
            <tr class=move || shows.with(|s| s.as_ref().map_or("", |s| s.class))
                aria-rowindex=move || shows.with(|s| s.as_ref().map_or(0, |s| s.position + 2))>
                <td>{row}</td>
                <td>{text(|s| s.email.clone())}</td>
                <td>{text(|s| s.name.clone())}</td>
                <td>{move || shows.with(|s| s.as_ref().map_or("", |s| s.role))}</td>
                <td>{text(|s| s.groups.clone())}</td>
                <td class="problems" title=text(|s| s.problems.clone())>{text(|s| s.problems.clone())}</td>
                <td title=standing>{standing}</td>
                <td class="row-actions">
                    <button type="button" class="secondary small" disabled=move || busy.get()
                        aria-label=move || format!("Edit row {}", row())
                        on:click=move |_| editing.set(index())>"Edit"</button>
                    <button type="button" class="secondary small" disabled=move || busy.get()
                        aria-label=move || format!("Remove row {}", row())
                        on:click=move |_| {
                            if let Some(index) = index() {
                                remove(index);
                            }
                        }>"Remove"</button>
                </td>
            </tr>
        </Show>
    }
}

fn focus_by_id(id: &str) {
    #[cfg(feature = "hydrate")]
    {
        use web_sys::wasm_bindgen::JsCast;
        if let Some(element) = document()
            .get_element_by_id(id)
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = element.focus();
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = id;
}

/// Fix one row's cells; "Save row" checks it again with the file's rules.
#[component]
fn RowEditor(
    candidate: Candidate,
    checked: CheckedSignal,
    editing: RwSignal<Option<usize>>,
    status: RwSignal<String>,
) -> impl IntoView {
    let row = candidate.row;
    let problems = problem_text(&candidate);
    let cells = candidate.wire_cells().map(RwSignal::new);
    // Runs in the browser once the editor is in the page.
    Effect::new(move |_| focus_by_id("fix-email"));
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(index) = editing.get_untracked() else {
            return;
        };
        let values = cells.map(|c| c.get_untracked());
        let mut outcome = None;
        checked.update(|c| {
            if let Some(Ok(file)) = c {
                let email_header = file.prepared.email_header().to_owned();
                import::edit(
                    &mut file.candidates,
                    index,
                    values,
                    &RowDefaults::default(),
                    &email_header,
                );
                outcome = file
                    .candidates
                    .get(index)
                    .map(|c| (c.is_ready(), c.error_summary()));
            }
        });
        match outcome {
            Some((true, _)) => {
                editing.set(None);
                status.set(format!("Row {row} is ready."));
            }
            Some((false, errors)) => status.set(format!("Row {row} still has errors: {errors}")),
            None => editing.set(None),
        }
    };
    let labels = ["Email", "Name", "Role", "Groups", "Metadata"];
    view! {
        <form class="row-editor" on:submit=save>
            <fieldset>
                <legend>{format!("Fix row {row}")}</legend>
                <p class="hint">{problems}</p>
                {labels
                    .into_iter()
                    .enumerate()
                    .map(|(i, label)| {
                        let id = format!("fix-{}", label.to_lowercase());
                        let value = cells[i];
                        view! {
                            <div class="field">
                                <label for=id.clone()>{label}</label>
                                <input id=id type="text" prop:value=move || value.get()
                                    on:input=move |ev| value.set(event_target_value(&ev))/>
                            </div>
                        }
                    })
                    .collect_view()}
                <div class="actions">
                    <button type="submit" class="primary">"Save row"</button>
                    <button type="button" class="secondary" on:click=move |_| editing.set(None)>"Cancel"</button>
                </div>
            </fieldset>
        </form>
    }
    .into_any()
}
