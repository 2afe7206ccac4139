use crate::api::groups::{delete_group, list_groups, rename_group, CreateGroup, GroupSummary};
use crate::components::{confirm, Announcement, ErrorPage, Field, FormAlert, FrameResource};
use crate::error::AppError;
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// `/w/{slug}/settings/groups`: create, rename and delete groups. Admins only.
#[component]
pub fn GroupsPage() -> impl IntoView {
    let frame = expect_context::<FrameResource>();
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let create = ServerAction::<CreateGroup>::new();
    let reload = RwSignal::new(0u32);
    let announce = RwSignal::new(String::new());
    // Resources live at the top of the page, never inside a `Suspend`.
    let groups = Resource::new(
        move || (slug(), reload.get(), create.version().get()),
        |(slug, _, _)| list_groups(slug),
    );
    Effect::new(move |_| {
        if let Some(Ok(created)) = create.value().get() {
            announce.set(format!("Created the group “{}”.", created.name));
        }
    });
    let page = GroupsPageState { reload, announce };
    view! {
        <Title text="Groups · Muster"/>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match frame.await {
                    Ok(frame) if frame.viewer_is_admin => Either::Left(view! {
                        <GroupsAdmin slug=frame.slug groups create page/>
                    }),
                    Ok(_) => Either::Right(view! { <ErrorPage error=AppError::Forbidden/> }),
                    Err(error) => Either::Right(view! { <ErrorPage error/> }),
                }
            })}
        </Suspense>
    }
}

#[derive(Clone, Copy)]
struct GroupsPageState {
    reload: RwSignal<u32>,
    announce: RwSignal<String>,
}

impl GroupsPageState {
    fn done(&self, message: String) {
        self.announce.set(message);
        self.reload.update(|n| *n += 1);
    }
}

#[component]
fn GroupsAdmin(
    slug: String,
    groups: Resource<Result<Vec<GroupSummary>, AppError>>,
    create: ServerAction<CreateGroup>,
    page: GroupsPageState,
) -> impl IntoView {
    let error = Signal::derive(move || create.value().get().and_then(Result::err));
    let form_slug = slug.clone();
    view! {
        <div class="page-header"><h1>"Groups"</h1></div>
        <Announcement message=page.announce/>
        <section class="card" aria-labelledby="new-group-heading">
            <h2 id="new-group-heading">"New group"</h2>
            <ActionForm action=create attr:class="inline-form">
                <input type="hidden" name="slug" value=form_slug/>
                <FormAlert error/>
                <Field label="Group name" name="name" autocomplete="off" error/>
                <button type="submit" class="primary" disabled=move || create.pending().get()>"Create group"</button>
            </ActionForm>
        </section>
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || {
                let slug = slug.clone();
                Suspend::new(async move {
                    match groups.await {
                        Ok(groups) if groups.is_empty() => Either::Left(Either::Left(view! {
                            <p class="empty">"No groups yet. Create one here, or name groups when you invite people."</p>
                        })),
                        Ok(groups) => Either::Left(Either::Right(view! { <GroupsTable slug groups page/> })),
                        Err(error) => Either::Right(view! { <ErrorPage error/> }),
                    }
                })
            }}
        </Transition>
    }
}

#[component]
fn GroupsTable(slug: String, groups: Vec<GroupSummary>, page: GroupsPageState) -> impl IntoView {
    let count = groups.len();
    view! {
        <table class="data-table">
            <caption>{format!("{count} {}", if count == 1 { "group" } else { "groups" })}</caption>
            <thead>
                <tr>
                    <th scope="col">"Name"</th>
                    <th scope="col">"Members"</th>
                    <th scope="col">"Invited"</th>
                    <th scope="col">"Actions"</th>
                </tr>
            </thead>
            <tbody>
                {groups.into_iter().map(|group| view! { <GroupRow slug=slug.clone() group page/> }).collect_view()}
            </tbody>
        </table>
    }
}

#[component]
fn GroupRow(slug: String, group: GroupSummary, page: GroupsPageState) -> impl IntoView {
    let GroupSummary {
        id,
        name,
        members,
        invited,
    } = group;
    let editing = RwSignal::new(false);
    let new_name = RwSignal::new(name.clone());
    let error = RwSignal::new(None::<AppError>);
    let rename = {
        let (slug, old) = (slug.clone(), name.clone());
        Action::new(move |_: &()| {
            let (slug, old, wanted) = (slug.clone(), old.clone(), new_name.get_untracked());
            async move {
                match rename_group(slug, id, wanted.clone()).await {
                    Ok(()) => page.done(format!("Renamed “{old}” to “{}”.", wanted.trim())),
                    Err(e) => {
                        page.announce.set(e.to_string());
                        error.set(Some(e));
                    }
                }
            }
        })
    };
    let delete = {
        let (slug, name) = (slug.clone(), name.clone());
        Action::new(move |_: &()| {
            let (slug, name) = (slug.clone(), name.clone());
            async move {
                match delete_group(slug, id).await {
                    Ok(()) => page.done(format!("Deleted the group “{name}”.")),
                    Err(e) => page.announce.set(e.to_string()),
                }
            }
        })
    };
    let confirm_delete = {
        let name = name.clone();
        move |_| {
            if confirm(&format!(
                "Delete the group “{name}”? The people in it stay in the workspace."
            )) {
                delete.dispatch(());
            }
        }
    };
    let (rename_label, delete_label) = (format!("Rename {name}"), format!("Delete {name}"));
    let input_id = format!("rename-group-{id}");
    let label = format!("New name for {name}");
    view! {
        <tr>
            <td>
                {move || if editing.get() {
                    let (input_id, label) = (input_id.clone(), label.clone());
                    Either::Left(view! {
                        <form class="inline-form" on:submit=move |ev| { ev.prevent_default(); rename.dispatch(()); }>
                            <label class="visually-hidden" for=input_id.clone()>{label}</label>
                            <input id=input_id type="text" required
                                prop:value=move || new_name.get()
                                on:input=move |ev| new_name.set(event_target_value(&ev))/>
                            <button type="submit" class="primary">"Save name"</button>
                            <button type="button" on:click=move |_| editing.set(false)>"Cancel"</button>
                            {move || error.get().map(|e| view! { <p class="field-error" role="alert">{e.to_string()}</p> })}
                        </form>
                    })
                } else {
                    Either::Right(view! { <span>{name.clone()}</span> })
                }}
            </td>
            <td>{members}</td>
            <td>{invited}</td>
            <td>
                <div class="row-actions">
                    <button type="button" on:click=move |_| editing.set(true) aria-label=rename_label>"Rename"</button>
                    <button type="button" class="danger" on:click=confirm_delete aria-label=delete_label>"Delete"</button>
                </div>
            </td>
        </tr>
    }
}
