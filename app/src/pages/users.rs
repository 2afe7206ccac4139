use crate::api::groups::{list_groups, GroupSummary};
use crate::api::users::{list_people, PeoplePage, PeopleSort, PersonRow, StatusFilter};
use crate::components::{
    AddUsersDialog, ErrorPage, FrameResource, Pager, PersonActions, RecentImports, UsersPageEvents,
    GROUP_CHOICES,
};
use crate::domain::{format_short_date, DeliveryState, PersonStatus};
use crate::error::AppError;
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// `/w/{slug}/settings/users`: everyone in the workspace. Admins only.
///
/// Every resource is created here, at the top of the page, never inside a
/// `Suspend`: resources created while an async render is resolving can leave
/// the server-side render waiting forever.
#[component]
pub fn UsersPage() -> impl IntoView {
    let frame = expect_context::<FrameResource>();
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let filters = PeopleFilters {
        search: RwSignal::new(String::new()),
        status: RwSignal::new(String::new()),
        sort: RwSignal::new(PeopleSort::Name.key().to_owned()),
        page: RwSignal::new(0usize),
    };
    let events = UsersPageEvents {
        reload: RwSignal::new(0),
        announce: RwSignal::new(String::new()),
    };
    provide_context(events);
    let people = Resource::new(
        move || {
            let PeopleFilters {
                search,
                status,
                sort,
                page,
            } = filters;
            (
                slug(),
                search.get(),
                status.get(),
                page.get(),
                sort.get(),
                events.reload.get(),
            )
        },
        |(slug, search, status, page, sort, _)| list_people(slug, search, status, page, sort),
    );
    let groups = Resource::new(
        move || (slug(), events.reload.get()),
        |(slug, _)| list_groups(slug),
    );
    view! {
        <Title text="Users · Muster"/>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match frame.await {
                    Ok(frame) if frame.viewer_is_admin => {
                        Either::Left(view! { <UsersAdmin slug=frame.slug people groups filters/> })
                    }
                    Ok(_) => Either::Right(view! { <ErrorPage error=AppError::Forbidden/> }),
                    Err(error) => Either::Right(view! { <ErrorPage error/> }),
                }
            })}
        </Suspense>
    }
}

/// What the table is showing.
#[derive(Clone, Copy)]
struct PeopleFilters {
    search: RwSignal<String>,
    status: RwSignal<String>,
    sort: RwSignal<String>,
    page: RwSignal<usize>,
}

#[component]
fn UsersAdmin(
    slug: String,
    people: Resource<Result<PeoplePage, AppError>>,
    groups: Resource<Result<Vec<GroupSummary>, AppError>>,
    filters: PeopleFilters,
) -> impl IntoView {
    let PeopleFilters {
        search,
        status,
        sort,
        page,
    } = filters;
    let events = expect_context::<UsersPageEvents>();
    let recent_slug = slug.clone();
    view! {
        <div class="page-header">
            <h1>"Users"</h1>
            <AddUsersDialog slug=slug.clone()/>
        </div>
        <p class="sr-status" role="status">{move || events.announce.get()}</p>
        <datalist id=GROUP_CHOICES>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    groups.await.unwrap_or_default().into_iter()
                        .map(|g| view! { <option value=g.name/> })
                        .collect_view()
                })}
            </Transition>
        </datalist>
        <div class="filters" role="search">
            <div class="field inline">
                <label for="people-search">"Search by name or email"</label>
                <input
                    id="people-search"
                    type="search"
                    prop:value=move || search.get()
                    on:input=move |ev| {
                        search.set(event_target_value(&ev));
                        page.set(0);
                    }
                />
            </div>
            <div class="field inline">
                <label for="people-status">"Status"</label>
                <select id="people-status" on:change=move |ev| { status.set(event_target_value(&ev)); page.set(0); }>
                    <option value="">"Everyone"</option>
                    {[PersonStatus::Invited { has_account: false }, PersonStatus::Active, PersonStatus::Archived, PersonStatus::Expired, PersonStatus::Revoked]
                        .into_iter()
                        .map(|s| view! { <option value=s.key()>{s.label()}</option> })
                        .collect_view()}
                    <option value=StatusFilter::MailProblems.key()>"Mail problems"</option>
                </select>
            </div>
            <div class="field inline">
                <label for="people-sort">"Sort by"</label>
                <select id="people-sort" on:change=move |ev| { sort.set(event_target_value(&ev)); page.set(0); }>
                    {PeopleSort::ALL
                        .into_iter()
                        .map(|s| view! { <option value=s.key()>{s.label()}</option> })
                        .collect_view()}
                    <option value=StatusFilter::MailProblems.key()>"Mail problems"</option>
                </select>
            </div>
        </div>
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || {
                let slug = slug.clone();
                Suspend::new(async move {
                    match people.await {
                        Ok(result) => Either::Left(view! { <PeopleTable slug result page/> }),
                        Err(error) => Either::Right(view! { <ErrorPage error/> }),
                    }
                })
            }}
        </Transition>
        <RecentImports slug=recent_slug/>
    }
}

#[component]
fn PeopleTable(slug: String, result: PeoplePage, page: RwSignal<usize>) -> impl IntoView {
    let PeoplePage {
        rows,
        total,
        page: shown,
        page_size,
        mail_to_files,
    } = result;
    let first = if total == 0 { 0 } else { shown * page_size + 1 };
    let last = (shown * page_size + rows.len()).min(total);
    let pages = total.div_ceil(page_size).max(1);
    view! {
        {mail_to_files.then(|| view! {
            <p class="notice">
                "No SMTP relay is configured: invitation mail is written to files on the server. Use "
                <strong>"Copy invite link"</strong> " to share links yourself."
            </p>
        })}
        <div class="table-wrap">
        <table class="data-table">
            <caption>{format!("{first}–{last} of {total} {}", if total == 1 { "person" } else { "people" })}</caption>
            <thead>
                <tr>
                    <th scope="col">"Name"</th>
                    <th scope="col">"Email"</th>
                    <th scope="col">"Role"</th>
                    <th scope="col">"Groups"</th>
                    <th scope="col">"Status"</th>
                    <th scope="col">"Invited"</th>
                    <th scope="col">"Expires"</th>
                    <th scope="col">"Mail"</th>
                    <th scope="col">"Actions"</th>
                </tr>
            </thead>
            <tbody>
                {rows.is_empty().then(|| view! { <tr><td colspan="9" class="empty">"No one matches."</td></tr> })}
                {rows.into_iter().map(|row| view! { <PersonRowView slug=slug.clone() row/> }).collect_view()}
            </tbody>
        </table>
        </div>
        <Pager page shown pages/>
    }
}

#[component]
fn PersonRowView(slug: String, row: PersonRow) -> impl IntoView {
    let invited = match (&row.invited_by, row.invited_at) {
        (Some(by), Some(at)) => format!("{} by {by}", format_short_date(at)),
        (None, Some(at)) => format_short_date(at),
        _ => String::new(),
    };
    let expires = row
        .expires_at
        .filter(|_| row.status.is_invitation())
        .map(format_short_date)
        .unwrap_or_default();
    let delivery = match (row.delivery.map(DeliveryState::label), row.reminded_at) {
        (Some(label), Some(at)) => format!("{label} · Reminded {}", format_short_date(at)),
        (Some(label), None) => label.to_owned(),
        (None, _) => String::new(),
    };
    // A bounce is the invitation's news: its status says so, with the reply.
    let bounced = row.delivery == Some(DeliveryState::Bounced) && row.status.is_invitation();
    let (status_key, status_label) = if bounced {
        ("bounced", "Bounced")
    } else {
        (row.status.key(), row.status.label())
    };
    let mail_problem = row.mail_problem.clone();
    let name = if row.name.is_empty() {
        "—".to_owned()
    } else {
        row.name.clone()
    };
    view! {
        <tr>
            <td>
                <span class="person">
                    {match row.avatar.clone() {
                        // Decorative: the name beside it says who it is.
                        Some(src) => Either::Left(view! { <img class="avatar" src=src alt="" width="32" height="32" loading="lazy"/> }),
                        None => Either::Right(view! { <span class="avatar avatar-initials" aria-hidden="true">{initials(&row.name, &row.email)}</span> }),
                    }}
                    <span>{name}</span>
                </span>
            </td>
            <td>{row.email.clone()}</td>
            <td>{row.role.label()}</td>
            <td>{row.groups.join(", ")}</td>
            <td>
                <span class=format!("status status-{status_key}")>{status_label}</span>
                {row.status.detail().map(|d| view! { <span class="status-detail">{format!(" ({d})")}</span> })}
                {mail_problem.map(|reply| view! { <span class="status-detail mail-problem">{format!(" {reply}")}</span> })}
            </td>
            <td>{invited}</td>
            <td>{expires}</td>
            <td>{delivery}</td>
            <td><PersonActions slug row/></td>
        </tr>
    }
}

/// One or two letters standing in for a missing picture.
fn initials(name: &str, email: &str) -> String {
    let source = if name.trim().is_empty() { email } else { name };
    source
        .split_whitespace()
        .filter_map(|word| word.chars().find(|c| c.is_alphanumeric()))
        .take(2)
        .flat_map(char::to_uppercase)
        .collect()
}
