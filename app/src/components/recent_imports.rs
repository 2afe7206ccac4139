//! The last few imports, under the Users table, with a link to all of them.
//! Loaded in the browser after the page (and again after each upload), so
//! the server-rendered page never waits on it.
use super::UsersPageEvents;
use crate::api::imports::{list_imports, ImportBatchSummary};
use crate::domain::format_date_time;
use leptos::prelude::*;

const SHOWN: usize = 3;

#[component]
pub fn RecentImports(slug: String) -> impl IntoView {
    let events = expect_context::<UsersPageEvents>();
    let batches = RwSignal::new(Vec::<ImportBatchSummary>::new());
    let all_imports = format!("/w/{slug}/settings/imports");
    Effect::new(move |_| {
        events.reload.track();
        let slug = slug.clone();
        leptos::task::spawn_local(async move {
            if let Ok(mut found) = list_imports(slug).await {
                found.truncate(SHOWN);
                batches.set(found);
            }
        });
    });
    move || {
        let all_imports = all_imports.clone();
        (!batches.with(Vec::is_empty)).then(|| {
            view! {
                <section class="recent-imports" aria-labelledby="recent-imports-heading">
                    <h2 id="recent-imports-heading">"Recent imports"</h2>
                    <ul>
                        {batches.get().into_iter().map(|b| view! {
                            <li>
                                <strong>{b.file_name}</strong>
                                {format!(
                                    " · {} · {} · {} rows: {}",
                                    b.created_by.unwrap_or_else(|| "command line".into()),
                                    format_date_time(b.created_at),
                                    b.total_rows,
                                    b.counts.summary(),
                                )}
                            </li>
                        }).collect_view()}
                    </ul>
                    <a href=all_imports>"All imports"</a>
                </section>
            }
        })
    }
}
