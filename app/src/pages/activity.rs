use crate::api::activity::{list_activity, ActivityPage};
use crate::components::{ErrorPage, FrameResource, Pager};
use crate::domain::format_date_time;
use crate::error::AppError;
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// `/w/{slug}/settings/activity`: the audit log. Admins only.
#[component]
pub fn ActivityLogPage() -> impl IntoView {
    let frame = expect_context::<FrameResource>();
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let page = RwSignal::new(0usize);
    let activity = Resource::new(
        move || (slug(), page.get()),
        |(slug, page)| list_activity(slug, page as u64),
    );
    view! {
        <Title text="Activity · Muster"/>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match frame.await {
                    Ok(frame) if frame.viewer_is_admin => Either::Left(view! {
                        <div class="page-header"><h1>"Activity"</h1></div>
                        <p class="hint">"Everything admins and invitees did in this workspace, newest first."</p>
                        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                            {move || Suspend::new(async move {
                                match activity.await {
                                    Ok(result) => Either::Left(view! { <ActivityTable result page/> }),
                                    Err(error) => Either::Right(view! { <ErrorPage error/> }),
                                }
                            })}
                        </Transition>
                    }),
                    Ok(_) => Either::Right(view! { <ErrorPage error=AppError::Forbidden/> }),
                    Err(error) => Either::Right(view! { <ErrorPage error/> }),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ActivityTable(result: ActivityPage, page: RwSignal<usize>) -> impl IntoView {
    let ActivityPage {
        entries,
        total,
        page: shown,
        page_size,
    } = result;
    let pages = total.div_ceil(page_size).max(1);
    view! {
        <table class="data-table">
            <caption>{format!("{total} {}", if total == 1 { "event" } else { "events" })}</caption>
            <thead>
                <tr>
                    <th scope="col">"When"</th>
                    <th scope="col">"Who"</th>
                    <th scope="col">"What"</th>
                </tr>
            </thead>
            <tbody>
                {entries
                    .into_iter()
                    .map(|entry| view! {
                        <tr>
                            <td class="nowrap">{format_date_time(entry.at)}</td>
                            <td>{entry.actor.unwrap_or_else(|| "An operator (command line)".into())}</td>
                            <td>{entry.summary}</td>
                        </tr>
                    })
                    .collect_view()}
            </tbody>
        </table>
        <Pager page shown=usize::try_from(shown).unwrap_or(0) pages=usize::try_from(pages).unwrap_or(1)/>
    }
}
