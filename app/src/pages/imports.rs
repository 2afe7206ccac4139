use crate::api::imports::{list_imports, ImportBatchSummary};
use crate::components::{ErrorPage, FrameResource};
use crate::domain::format_date_time;
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
                        <p class="hint">"Files uploaded from “Add users” → “Upload file”, newest first. Rows an upload did not send (cancelled) are counted in no column."</p>
                        <ImportsTable batches/>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ImportsTable(batches: Vec<ImportBatchSummary>) -> impl IntoView {
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
                        <th scope="col" class="number">"Skipped"</th>
                        <th scope="col" class="number">"Failed"</th>
                    </tr>
                </thead>
                <tbody>
                    {batches
                        .into_iter()
                        .map(|batch| view! {
                            <tr>
                                <td>{batch.file_name}</td>
                                <td>{batch.created_by.unwrap_or_else(|| "An operator (command line)".into())}</td>
                                <td class="nowrap">{format_date_time(batch.created_at)}</td>
                                <td class="number">{batch.total_rows}</td>
                                <td class="number">{batch.counts.invited}</td>
                                <td class="number">{batch.counts.resent}</td>
                                <td class="number">{batch.counts.skipped}</td>
                                <td class="number">{batch.counts.failed}</td>
                            </tr>
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    })
}
