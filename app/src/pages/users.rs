use crate::api::groups::{list_groups, GroupSummary};
use crate::api::users::PersonId;
use crate::api::users::{list_people, PeoplePage, PeopleSort, PersonRow, StatusFilter};
use crate::components::{
    AddUsersDialog, Announcement, BulkBar, BulkDialog, BulkDialogs, ErrorPage, Filters,
    FrameResource, Pager, PersonDialog, PersonDialogs, PersonMenu, RecentImports,
    SelectAllMatching, Selection, UsersPageEvents, GROUP_CHOICES,
};
use crate::domain::PersonStatus;
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
        after: RwSignal::new(None),
    };
    let events = UsersPageEvents::new();
    provide_context(events);
    let dialogs = PersonDialogs::new();
    provide_context(dialogs);
    provide_context(BulkDialogs::new());
    let selection = Selection::new();
    provide_context(selection);
    // Another search or status: another set of people to choose from.
    Effect::new(move |_| {
        filters.search.track();
        filters.status.track();
        selection.clear();
    });
    let people = Resource::new(
        move || {
            let PeopleFilters {
                search,
                status,
                sort,
                page,
                after,
            } = filters;
            let page = page.get();
            // The cursor counts only for the page it leads to.
            let after = after
                .get()
                .filter(|(to, _)| *to == page)
                .map(|(_, cursor)| cursor)
                .unwrap_or_default();
            (
                slug(),
                search.get(),
                status.get(),
                page,
                sort.get(),
                after,
                events.reload.get(),
            )
        },
        |(slug, search, status, page, sort, after, _)| {
            list_people(slug, search, status, page, sort, after)
        },
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
    /// Where page N starts (the `next` of page N - 1), once it is known.
    after: RwSignal<Option<(usize, String)>>,
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
        after,
    } = filters;
    let events = expect_context::<UsersPageEvents>();
    let dialogs = expect_context::<PersonDialogs>();
    let bulk_dialogs = expect_context::<BulkDialogs>();
    let selection = expect_context::<Selection>();
    let recent_slug = slug.clone();
    let bulk_done = Callback::new(move |()| {
        selection.clear();
        events.reload.update(|n| *n += 1);
    });
    view! {
        <div class="page-header">
            <h1>"Users"</h1>
            <AddUsersDialog slug=slug.clone()/>
        </div>
        <Announcement message=events.announce/>
        <PersonDialog slug=slug.clone() dialogs/>
        <BulkDialog slug=slug.clone() dialogs=bulk_dialogs on_done=bulk_done/>
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
                </select>
            </div>
        </div>
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || {
                let slug = slug.clone();
                Suspend::new(async move {
                    match people.await {
                        Ok(result) => Either::Left(view! { <PeopleTable slug result page after filters=Filters { search, status }/> }),
                        Err(error) => Either::Right(view! { <ErrorPage error/> }),
                    }
                })
            }}
        </Transition>
        <RecentImports slug=recent_slug/>
    }
}

#[component]
fn PeopleTable(
    slug: String,
    result: PeoplePage,
    page: RwSignal<usize>,
    after: RwSignal<Option<(usize, String)>>,
    filters: Filters,
) -> impl IntoView {
    let events = expect_context::<UsersPageEvents>();
    let selection = expect_context::<Selection>();
    let PeoplePage {
        rows,
        total,
        page: shown,
        page_size,
        next,
        mail_to_files,
        now,
    } = result;
    let first = if total == 0 { 0 } else { shown * page_size + 1 };
    let last = (shown * page_size + rows.len()).min(total);
    let pages = total.div_ceil(page_size).max(1);
    // Drawn again after an action: focus goes back to the row's menu button.
    Effect::new(move |_| events.restore_focus());
    let on_page: Vec<PersonId> = rows.iter().map(|r| r.id).collect();
    let whole_page = {
        let on_page = on_page.clone();
        move || {
            !on_page.is_empty()
                && (selection.all_matching.get()
                    || selection
                        .people
                        .with(|p| on_page.iter().all(|id| p.contains(id))))
        }
    };
    let some_of_page = {
        let on_page = on_page.clone();
        move || {
            selection
                .people
                .with(|p| on_page.iter().any(|id| p.contains(id)))
        }
    };
    let tick_page = {
        let on_page = on_page.clone();
        move |on: bool| {
            for id in &on_page {
                selection.toggle(*id, on);
            }
        }
    };
    let total_people = total as u64;
    view! {
        <BulkBar selection filters matching=Signal::derive(move || total_people)/>
        <SelectAllMatching selection on_page=on_page.clone() total=total_people/>
        {mail_to_files.then(|| view! {
            <p class="notice">
                "No SMTP relay is configured: invitation mail is written to files on the server. Use "
                <strong>"Copy invite link"</strong> " to share links yourself."
            </p>
        })}
        <table class="data-table people-table">
            <caption>{format!("{first}–{last} of {total} {}", if total == 1 { "person" } else { "people" })}</caption>
            <thead>
                <tr>
                    <th scope="col" class="select-cell">
                        <input type="checkbox" aria-label="Select all on this page"
                            prop:checked=whole_page.clone()
                            prop:indeterminate=move || some_of_page() && !whole_page()
                            on:change=move |ev| tick_page(event_target_checked(&ev))/>
                    </th>
                    <th scope="col">"Person"</th>
                    <th scope="col" class="minor">"Role"</th>
                    <th scope="col" class="minor">"Groups"</th>
                    <th scope="col">"Status"</th>
                    <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                </tr>
            </thead>
            <tbody>
                {rows.is_empty().then(|| view! { <tr><td colspan="6" class="empty">"No one matches."</td></tr> })}
                {rows.into_iter().map(|row| view! { <PersonRowView slug=slug.clone() row now/> }).collect_view()}
            </tbody>
        </table>
        <Pager page shown pages before_next=Callback::new(move |()| after.set(next.clone().map(|c| (shown + 1, c))))/>
    }
}

/// Groups shown by name before the rest are counted ("+3").
const GROUP_CHIPS: usize = 3;

#[component]
fn PersonRowView(slug: String, row: PersonRow, now: i64) -> impl IntoView {
    let status = row.status_line(now);
    let named = !row.name.trim().is_empty();
    let shown_groups: Vec<String> = row.groups.iter().take(GROUP_CHIPS).cloned().collect();
    let more = row.groups.len().saturating_sub(GROUP_CHIPS);
    let all_groups = row.groups.join(", ");
    let role = row.role.label();
    let selection = expect_context::<Selection>();
    let person = row.id;
    let chosen =
        move || selection.all_matching.get() || selection.people.with(|p| p.contains(&person));
    view! {
        <tr class:selected=chosen>
            <td class="select-cell">
                <input type="checkbox" aria-label=format!("Select {}", row.display_name())
                    prop:checked=chosen
                    on:change=move |ev| selection.toggle(person, event_target_checked(&ev))/>
            </td>
            <td><div class="person-cell">
                {match row.avatar.clone() {
                    // Decorative: the name beside it says who it is.
                    Some(src) => Either::Left(view! { <img class="avatar" src=src alt="" width="32" height="32" loading="lazy"/> }),
                    None => Either::Right(view! { <span class="avatar avatar-initials" aria-hidden="true">{initials(&row.name, &row.email)}</span> }),
                }}
                <span class="person-text">
                    <span class="person-name">{if named { row.name.clone() } else { row.email.clone() }}</span>
                    {named.then(|| view! { <span class="person-email">{row.email.clone()}</span> })}
                    // Narrow screens hide the role and groups columns; they show here.
                    <span class="person-extra narrow-only">
                        {role}
                        {(!all_groups.is_empty()).then(|| format!(" · {all_groups}"))}
                    </span>
                </span>
            </div></td>
            <td class="minor">{role}</td>
            <td class="minor">
                <span class="chips" title=all_groups.clone()>
                    {shown_groups.into_iter().map(|g| view! { <span class="chip">{g}</span> }).collect_view()}
                    {(more > 0).then(|| view! {
                        <span class="chip chip-more" aria-label=format!("and {more} more: {all_groups}")>{format!("+{more}")}</span>
                    })}
                </span>
            </td>
            <td class="status-cell">
                <span class=format!("status status-{}", status.key)>{status.label}</span>
                {status.detail.map(|detail| {
                    let title = detail.clone();
                    view! { <span class="status-detail" title=title>{detail}</span> }
                })}
            </td>
            <td class="menu-cell"><PersonMenu slug row/></td>
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
