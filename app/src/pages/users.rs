use crate::api::users::{list_members, MemberRow};
use crate::components::ErrorPage;
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// `/w/{slug}/settings/users`: everyone in the workspace. Admins only.
#[component]
pub fn UsersPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let members = Resource::new(slug, list_members);
    view! {
        <Title text="Users · Muster"/>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match members.await {
                    Ok(rows) => Either::Left(view! { <UsersTable rows/> }),
                    Err(error) => Either::Right(view! { <ErrorPage error/> }),
                }
            })}
        </Suspense>
    }
}

#[component]
fn UsersTable(rows: Vec<MemberRow>) -> impl IntoView {
    let count = rows.len();
    view! {
        <div class="page-header">
            <h1>"Users"</h1>
        </div>
        <table class="data-table">
            <caption>{format!("{count} {}", if count == 1 { "person" } else { "people" })}</caption>
            <thead>
                <tr>
                    <th scope="col">"Name"</th>
                    <th scope="col">"Email"</th>
                    <th scope="col">"Role"</th>
                    <th scope="col">"Status"</th>
                </tr>
            </thead>
            <tbody>
                {rows
                    .into_iter()
                    .map(|row| view! {
                        <tr>
                            <td>{row.name}</td>
                            <td>{row.email}</td>
                            <td>{row.role.label()}</td>
                            <td><span class=format!("status status-{}", row.status.as_str())>{row.status.label()}</span></td>
                        </tr>
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}
