use super::change_address::ChangeAddress;
use super::GroupsEditor;
use crate::api::invitations::{invite_link, resend_invite, revoke_invite};
use crate::api::members::{change_member, MemberAction};
use crate::api::users::{PersonId, PersonRow};
use crate::domain::PersonStatus;
use crate::domain::Role;
use leptos::prelude::*;

/// Shared by the Users page's parts: bump `reload` to refresh the table;
/// `announce` is read out by screen readers (role "status").
#[derive(Clone, Copy)]
pub struct UsersPageEvents {
    pub reload: RwSignal<u32>,
    pub announce: RwSignal<String>,
}

impl UsersPageEvents {
    pub fn done(&self, message: String) {
        self.announce.set(message);
        self.reload.update(|n| *n += 1);
    }
}

/// The actions of one row of the Users table.
#[component]
pub fn PersonActions(slug: String, row: PersonRow) -> impl IntoView {
    let events = expect_context::<UsersPageEvents>();
    let id = match row.id {
        PersonId::Invitation(id) => id,
        PersonId::Member(user_id) => return view! { <MemberActions slug row user_id/> }.into_any(),
    };
    let email = row.email.clone();
    let open = matches!(
        row.status,
        PersonStatus::Invited { .. } | PersonStatus::Expired
    );
    let link = RwSignal::new(None::<String>);

    let resend = {
        let (slug, email) = (slug.clone(), email.clone());
        Action::new(move |_: &()| {
            let (slug, email) = (slug.clone(), email.clone());
            async move {
                match resend_invite(slug, id).await {
                    Ok(()) => events.done(format!(
                        "Sent a new invitation to {email}. The old link no longer works."
                    )),
                    Err(error) => events.announce.set(error.to_string()),
                }
            }
        })
    };
    let revoke = {
        let (slug, email) = (slug.clone(), email.clone());
        Action::new(move |_: &()| {
            let (slug, email) = (slug.clone(), email.clone());
            async move {
                match revoke_invite(slug, id).await {
                    Ok(()) => events.done(format!("Revoked the invitation of {email}.")),
                    Err(error) => events.announce.set(error.to_string()),
                }
            }
        })
    };
    let copy = {
        let slug = slug.clone();
        Action::new(move |_: &()| {
            let slug = slug.clone();
            async move {
                match invite_link(slug, id).await {
                    Ok(url) => {
                        let copied = copy_to_clipboard(&url);
                        link.set(Some(url));
                        events.announce.set(if copied {
                            "Invite link copied.".into()
                        } else {
                            "Invite link shown below the actions.".into()
                        });
                    }
                    Err(error) => events.announce.set(error.to_string()),
                }
            }
        })
    };
    let can_copy = matches!(row.status, PersonStatus::Invited { .. });
    view! {
        <div class="row-actions">
            {open.then(|| view! {
                <button type="button" on:click=move |_| { resend.dispatch(()); } disabled=move || resend.pending().get()>
                    "Resend invite"
                </button>
            })}
            {can_copy.then(|| view! {
                <button type="button" on:click=move |_| { copy.dispatch(()); }>"Copy invite link"</button>
            })}
            {open.then(|| view! {
                <button type="button" class="danger" on:click=move |_| { revoke.dispatch(()); } disabled=move || revoke.pending().get()>
                    "Revoke invite"
                </button>
            })}
            {open.then(|| view! { <GroupsEditor slug=slug.clone() person=row.id email=email.clone() groups=row.groups.clone()/> })}
            {open.then(|| view! { <ChangeAddress slug=slug.clone() invitation_id=id email=email.clone()/> })}
        </div>
        {move || link.get().map(|url| {
            let id = format!("invite-link-{id}");
            view! {
                <div class="copied-link">
                    <label for=id.clone()>{format!("Invite link for {email}")}</label>
                    <input id=id type="text" readonly value=url/>
                </div>
            }
        })}
    }
    .into_any()
}

/// Best effort: browsers allow the clipboard only on secure origins.
pub fn copy_to_clipboard(text: &str) -> bool {
    #[cfg(feature = "hydrate")]
    {
        if let Some(window) = web_sys::window() {
            let _ = window.navigator().clipboard().write_text(text);
            return true;
        }
    }
    let _ = text;
    false
}

/// Change role, archive or unarchive, remove.
#[component]
fn MemberActions(slug: String, row: PersonRow, user_id: i32) -> impl IntoView {
    let events = expect_context::<UsersPageEvents>();
    let slug_for_groups = slug.clone();
    let email = row.email.clone();
    let chosen_role = RwSignal::new(row.role.as_str().to_owned());
    let act = Action::new(move |action: &MemberAction| {
        let (slug, email, action) = (slug.clone(), email.clone(), *action);
        let role = (action == MemberAction::ChangeRole).then(|| chosen_role.get_untracked());
        async move {
            match change_member(slug, user_id, action, role.clone()).await {
                Ok(()) => events.done(match action {
                    MemberAction::ChangeRole => format!(
                        "{email} is now {}.",
                        role.as_deref()
                            .and_then(|r| Role::parse(r).ok())
                            .map(Role::label)
                            .unwrap_or("changed")
                    ),
                    MemberAction::Archive => {
                        format!("Archived {email}. They can no longer use this workspace.")
                    }
                    MemberAction::Unarchive => format!("Unarchived {email}."),
                    MemberAction::Remove => format!("Removed {email} from this workspace."),
                }),
                Err(error) => events.announce.set(error.to_string()),
            }
        }
    });
    let archived = row.status == PersonStatus::Archived;
    let select_id = format!("role-for-{user_id}");
    let confirm_remove = {
        let email = row.email.clone();
        move |_| {
            if confirm(&format!(
                "Remove {email} from this workspace? Their account stays; they lose access here."
            )) {
                act.dispatch(MemberAction::Remove);
            }
        }
    };
    view! {
        <div class="row-actions">
            <label class="visually-hidden" for=select_id.clone()>{format!("Role for {}", row.email)}</label>
            <select id=select_id on:change=move |ev| chosen_role.set(event_target_value(&ev))>
                {Role::ALL
                    .into_iter()
                    .map(|r| view! { <option value=r.as_str() selected=r == row.role>{r.label()}</option> })
                    .collect_view()}
            </select>
            <button type="button" on:click=move |_| { act.dispatch(MemberAction::ChangeRole); }>"Change role"</button>
            {if archived {
                view! { <button type="button" on:click=move |_| { act.dispatch(MemberAction::Unarchive); }>"Unarchive"</button> }.into_any()
            } else {
                view! { <button type="button" on:click=move |_| { act.dispatch(MemberAction::Archive); }>"Archive"</button> }.into_any()
            }}
            <button type="button" class="danger" on:click=confirm_remove>"Remove"</button>
            <GroupsEditor slug=slug_for_groups person=row.id email=row.email.clone() groups=row.groups.clone()/>
        </div>
    }
}

/// The browser's own confirmation prompt (accessible, keyboard-friendly).
pub fn confirm(message: &str) -> bool {
    #[cfg(feature = "hydrate")]
    {
        return web_sys::window()
            .and_then(|w| w.confirm_with_message(message).ok())
            .unwrap_or(false);
    }
    #[allow(unreachable_code)]
    {
        let _ = message;
        false
    }
}
