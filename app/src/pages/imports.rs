use crate::api::column_choices::{delete_column_choices, list_column_choices};
use crate::api::imports::{list_imports, ImportBatchSummary, ImportUndo};
use crate::components::{undoable, Announcement, ErrorPage, FrameResource, UndoImport};
use crate::domain::{format_date, format_date_time};
use crate::error::AppError;
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// `/w/{slug}/settings/imports`: every file imported into the workspace, with
/// what became of its rows. Admins only.
#[component]
pub fn ImportsPage() -> impl IntoView {
    let frame = expect_context::<FrameResource>();
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let imports = Resource::new(slug, list_imports);
    let announce = RwSignal::new(String::new());
    let on_undone = Callback::new(move |undo: ImportUndo| {
        announce.set(undo.summary());
        imports.refetch();
    });
    view! {
        <Title text="Imports · Muster"/>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match (frame.await, imports.await) {
                    (Err(error), _) => view! { <ErrorPage error/> }.into_any(),
                    (Ok(frame), _) if !frame.viewer_is_admin => {
                        view! { <ErrorPage error=AppError::Forbidden/> }.into_any()
                    }
                    (_, Err(error)) => view! { <ErrorPage error/> }.into_any(),
                    (_, Ok(batches)) => view! {
                        <div class="page-header"><h1>"Imports"</h1></div>
                        <Announcement message=announce/>
                        <p class="hint">"Files uploaded from “Add users” → “Upload file”, newest first. Rows an upload did not send (cancelled) are counted in no column. Undoing an import revokes the invitations it created that are still open; people who joined stay."</p>
                        <ImportsTable slug=slug() batches on_undone/>
                        <SavedColumnChoices slug=slug() announce/>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ImportsTable(
    slug: String,
    batches: Vec<ImportBatchSummary>,
    on_undone: Callback<ImportUndo>,
) -> impl IntoView {
    if batches.is_empty() {
        return Either::Left(view! { <p>"No files imported yet."</p> });
    }
    Either::Right(view! {
        <div class="table-wrap">
            <table class="data-table">
                <caption>{format!("{} {}", batches.len(), if batches.len() == 1 { "import" } else { "imports" })}</caption>
                <thead>
                    <tr>
                        <th scope="col">"File"</th>
                        <th scope="col">"By"</th>
                        <th scope="col">"When"</th>
                        <th scope="col" class="number">"Rows"</th>
                        <th scope="col" class="number">"Invited"</th>
                        <th scope="col" class="number">"Resent"</th>
                        <th scope="col" class="number">"Updated"</th>
                        <th scope="col" class="number">"Skipped"</th>
                        <th scope="col" class="number">"Failed"</th>
                        <th scope="col">"Undo"</th>
                    </tr>
                </thead>
                <tbody>
                    {batches
                        .into_iter()
                        .map(|batch| {
                            let undo = undo_cell(&slug, &batch, on_undone);
                            view! {
                            <tr>
                                <td>{batch.file_name}</td>
                                <td>{batch.created_by.unwrap_or_else(|| "An operator (command line)".into())}</td>
                                <td class="nowrap">{format_date_time(batch.created_at)}</td>
                                <td class="number">{batch.total_rows}</td>
                                <td class="number">{batch.counts.invited}</td>
                                <td class="number">{batch.counts.resent}</td>
                                <td class="number">{batch.counts.updated}</td>
                                <td class="number">{batch.counts.skipped}</td>
                                <td class="number">{batch.counts.failed}</td>
                                <td>{undo}</td>
                            </tr>
                        }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    })
}

/// How the import was undone, or the button that undoes it.
fn undo_cell(slug: &str, batch: &ImportBatchSummary, on_undone: Callback<ImportUndo>) -> AnyView {
    match &batch.undone {
        Some(undo) => view! {
            <span class="hint">{format!(
                "Undone by {} on {} ({} revoked, {}{} stayed)",
                undo.undone_by.as_deref().unwrap_or("an operator (command line)"),
                format_date(undo.undone_at),
                undo.revoked,
                if undo.restored > 0 { format!("{} put back, ", undo.restored) } else { String::new() },
                undo.stayed,
            )}</span>
        }
        .into_any(),
        None if !undoable(batch.counts) => {
            view! { <span class="hint">"Nothing to undo"</span> }.into_any()
        }
        None => view! {
            <UndoImport slug=slug.to_owned() batch_id=batch.id file_name=batch.file_name.clone()
                counts=batch.counts on_undone/>
        }
        .into_any(),
    }
}

/// The column choices kept from earlier imports, each with a Delete button.
/// Loaded in the browser.
#[component]
fn SavedColumnChoices(slug: String, announce: RwSignal<String>) -> impl IntoView {
    let slug = StoredValue::new(slug);
    let saved = LocalResource::new(move || list_column_choices(slug.get_value()));
    let delete = Action::new(move |(id, file_name): &(i32, String)| {
        let (id, file_name) = (*id, file_name.clone());
        async move {
            match delete_column_choices(slug.get_value(), id).await {
                Ok(()) => announce.set(format!(
                    "Deleted the column choices saved from {file_name}."
                )),
                Err(error) => announce.set(error.to_string()),
            }
            saved.refetch();
        }
    });
    view! {
        <section class="saved-choices" aria-labelledby="saved-choices-heading">
            <h2 id="saved-choices-heading">"Saved column choices"</h2>
            <p class="hint">"When a file is imported, what each of its columns was used as (and its sheet, separator and encoding) is kept; the next file with the same column names starts from it."</p>
            {move || saved.get().map(|found| match found {
                Err(error) => view! { <p class="alert" role="alert">{error.to_string()}</p> }.into_any(),
                Ok(list) if list.is_empty() => view! { <p>"None saved yet."</p> }.into_any(),
                Ok(list) => view! {
                    <div class="table-wrap">
                        <table class="data-table">
                            <thead>
                                <tr>
                                    <th scope="col">"Columns"</th>
                                    <th scope="col">"Saved from"</th>
                                    <th scope="col">"When"</th>
                                    <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                                </tr>
                            </thead>
                            <tbody>
                                {list.into_iter().map(|choices| {
                                    let columns = summarise(&choices.headers);
                                    let file_name = choices.file_name.clone();
                                    view! {
                                        <tr>
                                            <td>{columns}</td>
                                            <td>{choices.file_name.clone()}</td>
                                            <td class="nowrap">{format_date_time(choices.saved_at)}</td>
                                            <td>
                                                <button type="button" class="secondary" disabled=move || delete.pending().get()
                                                    on:click=move |_| { delete.dispatch((choices.id, file_name.clone())); }>
                                                    "Delete"
                                                    <span class="visually-hidden">{format!(" the column choices saved from {}", choices.file_name)}</span>
                                                </button>
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any(),
            })}
        </section>
    }
}

/// The headers, shortened to a line.
fn summarise(headers: &[String]) -> String {
    const MAX_CHARS: usize = 120;
    let joined = headers.join(", ");
    if joined.chars().count() <= MAX_CHARS {
        return joined;
    }
    let mut short: String = joined.chars().take(MAX_CHARS).collect();
    short.push('…');
    short
}
