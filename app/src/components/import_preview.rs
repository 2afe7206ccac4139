//! The preview of a checked file: a virtualized table (only the rows in view
//! are in the page, so 100,000 rows scroll smoothly), problems named per row,
//! and per row "Edit" (fix a cell; the row is checked again) and "Remove".
pub use super::file_check::CheckedSignal;
use super::import_choices::match_label;
use crate::api::imports::WorkspaceMatch;
use crate::import::{self, Candidate, RowDefaults, Severity};
use leptos::prelude::*;

/// Every preview row is this tall (CSS keeps it so), which makes the rows
/// in view a matter of arithmetic.
const ROW_PX: usize = 40;
/// The scrolling area's height (CSS `.preview`).
const VIEW_PX: usize = 400;
/// Rows rendered above and below the visible ones.
const OVERSCAN: usize = 8;

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

#[component]
pub fn ImportPreview(
    checked: CheckedSignal,
    problems_only: RwSignal<bool>,
    /// Announces edits and removals.
    status: RwSignal<String>,
    /// Where each row's person stands in the workspace, once checked.
    matches: RwSignal<std::collections::HashMap<usize, WorkspaceMatch>>,
) -> impl IntoView {
    let scroll_top = RwSignal::new(0usize);
    let editing = RwSignal::new(None::<usize>);
    // Indexes (into the candidates) of the rows the filter lets through.
    let shown = Memo::new(move |_| {
        let only = problems_only.get();
        with_rows(checked, |rows| {
            rows.iter()
                .enumerate()
                .filter(|(_, c)| !only || !c.problems.is_empty())
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

    let body = move || {
        let shown = shown.get();
        let first = (scroll_top.get() / ROW_PX).saturating_sub(OVERSCAN);
        let last = (first + VIEW_PX / ROW_PX + 2 * OVERSCAN).min(shown.len());
        let first = first.min(last);
        let above = first * ROW_PX;
        let below = (shown.len() - last) * ROW_PX;
        let rows = with_rows(checked, |rows| {
            shown[first..last]
                .iter()
                .enumerate()
                .filter_map(|(offset, &index)| {
                    rows.get(index).map(|c| (first + offset, index, c.clone()))
                })
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
        view! {
            <tr aria-hidden="true" class="spacer" style=format!("height: {above}px")></tr>
            {rows
                .into_iter()
                .map(|(position, index, c)| {
                    let class = if !c.is_ready() {
                        "row-error"
                    } else if c.has_warnings() {
                        "row-warning"
                    } else {
                        ""
                    };
                    let row = c.row;
                    let problems = problem_text(&c);
                    let standing = move || {
                        matches.with(|m| m.get(&row).map(|m| match_label(*m)).unwrap_or(""))
                    };
                    view! {
                        // +2: the header row is row 1 of the grid.
                        <tr class=class aria-rowindex=position + 2>
                            <td>{row}</td>
                            <td>{c.email.clone()}</td>
                            <td>{c.name.clone().unwrap_or_default()}</td>
                            <td>{c.role.label()}</td>
                            <td>{c.groups.join(", ")}</td>
                            <td class="problems" title=problems.clone()>{problems.clone()}</td>
                            <td>{standing}</td>
                            <td class="row-actions">
                                <button type="button" class="secondary small"
                                    aria-label=format!("Edit row {row}")
                                    on:click=move |_| editing.set(Some(index))>"Edit"</button>
                                <button type="button" class="secondary small"
                                    aria-label=format!("Remove row {row}")
                                    on:click=move |_| remove(index)>"Remove"</button>
                            </td>
                        </tr>
                    }
                })
                .collect_view()}
            <tr aria-hidden="true" class="spacer" style=format!("height: {below}px")></tr>
        }
    };

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
                <tbody>{body}</tbody>
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
