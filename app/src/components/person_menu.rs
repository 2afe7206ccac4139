//! A row's actions in the Users table: one button, "Actions for {name}",
//! opening a menu of what applies to that person (the ARIA menu button
//! pattern: arrow keys, Home and End move, Escape closes and gives focus back
//! to the button). Forms open in the page's person dialog.
use super::person_dialog::{PersonDialogs, PersonForm};
use super::UsersPageEvents;
use crate::api::invitations::{invite_link, invite_users, resend_invite, revoke_invite};
use crate::api::members::{change_member, MemberAction};
use crate::api::users::{PersonId, PersonRow};
use crate::domain::PersonStatus;
use leptos::html;
use leptos::prelude::*;

/// What can be done to one person from their row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PersonAction {
    Resend,
    CopyLink,
    Revoke,
    InviteAgain,
    ChangeRole,
    EditGroups,
    ChangeEmail,
    Archive,
    Unarchive,
    Remove,
}

impl PersonAction {
    pub fn label(self) -> &'static str {
        match self {
            PersonAction::Resend => "Resend invite",
            PersonAction::CopyLink => "Copy invite link",
            PersonAction::Revoke => "Revoke invite",
            PersonAction::InviteAgain => "Invite again",
            PersonAction::ChangeRole => "Change role",
            PersonAction::EditGroups => "Edit groups",
            PersonAction::ChangeEmail => "Change email address",
            PersonAction::Archive => "Archive",
            PersonAction::Unarchive => "Unarchive",
            PersonAction::Remove => "Remove",
        }
    }

    /// What applies to this person, in menu order.
    pub fn for_status(status: PersonStatus) -> &'static [PersonAction] {
        use PersonAction::*;
        match status {
            PersonStatus::Invited { .. } => &[
                Resend,
                CopyLink,
                Revoke,
                ChangeRole,
                EditGroups,
                ChangeEmail,
            ],
            PersonStatus::Expired => &[Resend, Revoke, ChangeRole, EditGroups, ChangeEmail],
            PersonStatus::Revoked => &[InviteAgain],
            PersonStatus::Active => &[ChangeRole, EditGroups, Archive, Remove],
            PersonStatus::Archived => &[ChangeRole, EditGroups, Unarchive, Remove],
        }
    }
}

/// The id of a row's menu button, where focus returns after its dialog.
pub fn menu_button_id(person: PersonId) -> String {
    match person {
        PersonId::Member(id) => format!("actions-member-{id}"),
        PersonId::Invitation(id) => format!("actions-invitation-{id}"),
    }
}

#[component]
pub fn PersonMenu(slug: String, row: PersonRow) -> impl IntoView {
    let events = expect_context::<UsersPageEvents>();
    let dialogs = expect_context::<PersonDialogs>();
    let open = RwSignal::new(false);
    let button = NodeRef::<html::Button>::new();
    let menu = NodeRef::<html::Div>::new();
    let button_id = menu_button_id(row.id);
    let menu_id = format!("{button_id}-menu");
    let who = row.display_name().to_owned();
    let actions = PersonAction::for_status(row.status);

    let act = {
        let (slug, row, button_id) = (slug.clone(), row.clone(), button_id.clone());
        Action::new(move |action: &PersonAction| {
            let (slug, row, button_id, action) =
                (slug.clone(), row.clone(), button_id.clone(), *action);
            async move {
                let result = perform(&slug, &row, action, dialogs, &button_id).await;
                match result {
                    Ok(Some(message)) => {
                        events.refocus.set(Some(button_id));
                        events.done(message);
                    }
                    Ok(None) => {}
                    Err(message) => events.announce.set(message),
                }
            }
        })
    };

    // Opening moves focus to the first item.
    Effect::new(move |_| {
        if open.get() {
            if let Some(menu) = menu.get() {
                focus_item(&menu, Step::First);
            }
        }
    });
    let close_and_return = move || {
        open.set(false);
        if let Some(button) = button.get_untracked() {
            let _ = button.focus();
        }
    };
    let on_button_key = move |ev: leptos::ev::KeyboardEvent| {
        if matches!(ev.key().as_str(), "ArrowDown" | "ArrowUp") {
            ev.prevent_default();
            open.set(true);
        }
    };
    let on_menu_key = move |ev: leptos::ev::KeyboardEvent| {
        let step = match ev.key().as_str() {
            "ArrowDown" => Step::Next,
            "ArrowUp" => Step::Previous,
            "Home" => Step::First,
            "End" => Step::Last,
            "Escape" => {
                ev.prevent_default();
                ev.stop_propagation();
                close_and_return();
                return;
            }
            "Tab" => {
                open.set(false);
                return;
            }
            _ => return,
        };
        ev.prevent_default();
        if let Some(menu) = menu.get_untracked() {
            focus_item(&menu, step);
        }
    };
    // Focus leaving the button and its menu (a click elsewhere, Tab) closes it.
    let on_focus_out = move |ev: leptos::ev::FocusEvent| {
        #[cfg(feature = "hydrate")]
        {
            use web_sys::wasm_bindgen::JsCast;
            let inside = ev
                .related_target()
                .and_then(|t| t.dyn_into::<web_sys::Node>().ok())
                .zip(
                    ev.current_target()
                        .and_then(|t| t.dyn_into::<web_sys::Node>().ok()),
                )
                .is_some_and(|(to, wrapper)| wrapper.contains(Some(&to)));
            if !inside {
                open.set(false);
            }
        }
        let _ = ev;
    };

    view! {
        <div class="row-menu" on:focusout=on_focus_out>
            <button type="button" class="menu-button" id=button_id node_ref=button
                aria-haspopup="menu" aria-controls=menu_id.clone()
                aria-expanded=move || open.get().to_string()
                aria-label=format!("Actions for {who}")
                disabled=actions.is_empty()
                on:click=move |_| open.update(|o| *o = !*o)
                on:keydown=on_button_key>
                <span aria-hidden="true">"⋯"</span>
            </button>
            {move || open.get().then(|| {
                let menu_id = menu_id.clone();
                view! {
                    <div role="menu" class="menu" id=menu_id node_ref=menu
                        aria-label=format!("Actions for {}", row.display_name())
                        on:keydown=on_menu_key>
                        {actions.iter().map(|&action| view! {
                            <button type="button" role="menuitem" tabindex="-1"
                                class:danger=matches!(action, PersonAction::Revoke | PersonAction::Remove)
                                on:click=move |_| {
                                    close_and_return();
                                    act.dispatch(action);
                                }>
                                {action.label()}
                            </button>
                        }).collect_view()}
                    </div>
                }
            })}
        </div>
    }
}

/// Does `action`; the sentence to announce, None when a dialog took over.
async fn perform(
    slug: &str,
    row: &PersonRow,
    action: PersonAction,
    dialogs: PersonDialogs,
    button_id: &str,
) -> Result<Option<String>, String> {
    let slug = slug.to_owned();
    let email = row.email.clone();
    let open_form = |form: PersonForm| {
        dialogs.open(form, row.clone(), button_id.to_owned());
        Ok(None)
    };
    let invitation = match row.id {
        PersonId::Invitation(id) => Some(id),
        PersonId::Member(_) => None,
    };
    let member = match row.id {
        PersonId::Member(id) => Some(id),
        PersonId::Invitation(_) => None,
    };
    let failed = |e: crate::error::AppError| e.to_string();
    match (action, invitation, member) {
        (PersonAction::Resend, Some(id), _) => {
            resend_invite(slug, id).await.map_err(failed)?;
            Ok(Some(format!(
                "Sent a new invitation to {email}. The old link no longer works."
            )))
        }
        (PersonAction::Revoke, Some(id), _) => {
            revoke_invite(slug, id).await.map_err(failed)?;
            Ok(Some(format!("Revoked the invitation of {email}.")))
        }
        (PersonAction::CopyLink, Some(id), _) => {
            let url = invite_link(slug, id).await.map_err(failed)?;
            let copied = copy_to_clipboard(&url);
            dialogs.open(
                PersonForm::InviteLink { url, copied },
                row.clone(),
                button_id.to_owned(),
            );
            Ok(None)
        }
        (PersonAction::InviteAgain, Some(_), _) => {
            invite_users(
                slug,
                email.clone(),
                row.name.clone(),
                row.role.as_str().to_owned(),
                row.groups.join(", "),
                String::new(),
                String::new(),
                String::new(),
            )
            .await
            .map_err(failed)?;
            Ok(Some(format!("Invited {email} again, with a new link.")))
        }
        (PersonAction::ChangeRole, _, _) => open_form(PersonForm::ChangeRole),
        (PersonAction::EditGroups, _, _) => open_form(PersonForm::EditGroups),
        (PersonAction::ChangeEmail, Some(_), _) => open_form(PersonForm::ChangeEmail),
        (PersonAction::Archive, _, Some(user_id)) => {
            change_member(slug, user_id, MemberAction::Archive, None)
                .await
                .map_err(failed)?;
            Ok(Some(format!(
                "Archived {email}. They can no longer use this workspace."
            )))
        }
        (PersonAction::Unarchive, _, Some(user_id)) => {
            change_member(slug, user_id, MemberAction::Unarchive, None)
                .await
                .map_err(failed)?;
            Ok(Some(format!("Unarchived {email}.")))
        }
        (PersonAction::Remove, _, Some(user_id)) => {
            if !confirm(&format!(
                "Remove {email} from this workspace? Their account stays; they lose access here."
            )) {
                return Ok(None);
            }
            change_member(slug, user_id, MemberAction::Remove, None)
                .await
                .map_err(failed)?;
            Ok(Some(format!("Removed {email} from this workspace.")))
        }
        _ => Err("That does not apply to this person.".into()),
    }
}

#[derive(Clone, Copy)]
enum Step {
    First,
    Last,
    Next,
    Previous,
}

/// Moves focus among a menu's items, wrapping at either end.
fn focus_item(menu: &leptos::web_sys::HtmlDivElement, step: Step) {
    #[cfg(feature = "hydrate")]
    {
        use web_sys::wasm_bindgen::JsCast;
        let Ok(items) = menu.query_selector_all("[role=menuitem]") else {
            return;
        };
        let items: Vec<web_sys::HtmlElement> = (0..items.length())
            .filter_map(|i| items.item(i))
            .filter_map(|node| node.dyn_into::<web_sys::HtmlElement>().ok())
            .collect();
        if items.is_empty() {
            return;
        }
        let active = document().active_element();
        let current = items
            .iter()
            .position(|item| active.as_ref() == Some(item.unchecked_ref::<web_sys::Element>()));
        let last = items.len() - 1;
        let next = match (step, current) {
            (Step::First, _) | (Step::Next, None) => 0,
            (Step::Last, _) | (Step::Previous, None) => last,
            (Step::Next, Some(i)) => (i + 1) % items.len(),
            (Step::Previous, Some(i)) => i.checked_sub(1).unwrap_or(last),
        };
        let _ = items[next].focus();
    }
    let _ = (menu, step);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_status_offers_only_what_applies_to_it() {
        let labels = |status| {
            PersonAction::for_status(status)
                .iter()
                .map(|a| a.label())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            labels(PersonStatus::Invited { has_account: false }),
            [
                "Resend invite",
                "Copy invite link",
                "Revoke invite",
                "Change role",
                "Edit groups",
                "Change email address"
            ]
        );
        assert!(
            !labels(PersonStatus::Expired).contains(&"Copy invite link"),
            "an expired link does not work"
        );
        assert_eq!(
            labels(PersonStatus::Active),
            ["Change role", "Edit groups", "Archive", "Remove"]
        );
        assert_eq!(
            labels(PersonStatus::Archived),
            ["Change role", "Edit groups", "Unarchive", "Remove"]
        );
        assert_eq!(labels(PersonStatus::Revoked), ["Invite again"]);
    }
}
