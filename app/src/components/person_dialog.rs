//! The Users page's one dialog for a person's forms: change role, edit
//! groups, change email address, and the invite link when it could not be
//! copied. A row's menu opens it; closing it gives focus back to that row's
//! menu button.
use super::{FormAlert, UsersPageEvents, GROUP_CHOICES};
use crate::api::groups::set_person_groups;
use crate::api::invitations::ChangeInviteEmail;
use crate::api::members::{change_member, MemberAction};
use crate::api::users::{PersonId, PersonRow};
use crate::domain::Role;
use leptos::html;
use leptos::prelude::*;

/// Which form the dialog shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PersonForm {
    ChangeRole,
    EditGroups,
    ChangeEmail,
    /// The link, shown to copy by hand; `copied` when the clipboard has it too.
    InviteLink {
        url: String,
        copied: bool,
    },
}

#[derive(Debug, Clone)]
struct Opened {
    form: PersonForm,
    row: PersonRow,
    /// The element that gets focus back when the dialog closes.
    return_to: String,
}

/// Opens the page's person dialog (provided by `PersonDialog`).
#[derive(Clone, Copy)]
pub struct PersonDialogs(RwSignal<Option<Opened>>);

impl PersonDialogs {
    pub fn new() -> Self {
        Self(RwSignal::new(None))
    }

    pub fn open(&self, form: PersonForm, row: PersonRow, return_to: String) {
        self.0.set(Some(Opened {
            form,
            row,
            return_to,
        }));
    }
}

impl Default for PersonDialogs {
    fn default() -> Self {
        Self::new()
    }
}

#[component]
pub fn PersonDialog(slug: String, dialogs: PersonDialogs) -> impl IntoView {
    let events = expect_context::<UsersPageEvents>();
    let dialog = NodeRef::<html::Dialog>::new();
    let opened = dialogs.0;
    Effect::new(move |_| {
        let is_open = opened.with(Option::is_some);
        #[cfg(feature = "hydrate")]
        if let Some(dialog) = dialog.get() {
            if is_open && !dialog.open() {
                let _ = dialog.show_modal();
            } else if !is_open && dialog.open() {
                dialog.close();
            }
        }
        let _ = is_open;
    });
    // Escape, the Close button or a saved form: focus goes back to the row.
    let on_close = move |_| {
        if let Some(done) = opened.get_untracked() {
            events.refocus.set(Some(done.return_to));
            events.restore_focus();
        }
        opened.set(None);
    };
    let close = move || {
        #[cfg(feature = "hydrate")]
        if let Some(dialog) = dialog.get_untracked() {
            dialog.close();
        }
    };
    let saved = Callback::new(move |message: String| {
        close();
        events.done(message);
    });
    view! {
        <dialog node_ref=dialog class="dialog person-dialog" aria-labelledby="person-dialog-heading" on:close=on_close>
            {move || opened.get().map(|Opened { form, row, .. }| {
                let heading = match &form {
                    PersonForm::ChangeRole => format!("Change the role of {}", row.display_name()),
                    PersonForm::EditGroups => format!("Groups of {}", row.display_name()),
                    PersonForm::ChangeEmail => format!("Change the email address of {}", row.display_name()),
                    PersonForm::InviteLink { .. } => format!("Invite link for {}", row.display_name()),
                };
                let slug = slug.clone();
                view! {
                    <div class="dialog-header">
                        <h2 id="person-dialog-heading">{heading}</h2>
                        <button type="button" class="secondary" on:click=move |_| close()>"Close"</button>
                    </div>
                    {match form {
                        PersonForm::ChangeRole => view! { <RoleForm slug row saved/> }.into_any(),
                        PersonForm::EditGroups => view! { <GroupsForm slug row saved/> }.into_any(),
                        PersonForm::ChangeEmail => view! { <AddressForm slug row saved/> }.into_any(),
                        PersonForm::InviteLink { url, copied } => view! { <LinkView row url copied/> }.into_any(),
                    }}
                }
            })}
        </dialog>
    }
}

#[component]
fn RoleForm(slug: String, row: PersonRow, saved: Callback<String>) -> impl IntoView {
    let chosen = RwSignal::new(row.role.as_str().to_owned());
    let error = RwSignal::new(None::<crate::error::AppError>);
    let email = row.email.clone();
    let save = Action::new(move |_: &()| {
        let (slug, email, role) = (slug.clone(), email.clone(), chosen.get_untracked());
        let person = row.id;
        async move {
            let result = match person {
                PersonId::Member(user_id) => {
                    change_member(slug, user_id, MemberAction::ChangeRole, Some(role.clone())).await
                }
                PersonId::Invitation(id) => {
                    crate::api::invitations::change_invite_role(slug, id, role.clone()).await
                }
            };
            match result {
                Ok(()) => saved.run(format!(
                    "{email} is now {}.",
                    Role::parse(&role).map(Role::label).unwrap_or("changed")
                )),
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let field_id = "person-role";
    view! {
        <form class="stack" on:submit=move |ev| { ev.prevent_default(); save.dispatch(()); }>
            <FormAlert error=Signal::derive(move || error.get())/>
            <div class="field">
                <label for=field_id>{format!("Role for {}", row.email)}</label>
                <select id=field_id on:change=move |ev| chosen.set(event_target_value(&ev))>
                    {Role::ALL.into_iter().map(|r| view! {
                        <option value=r.as_str() selected=r == row.role>{r.label()}</option>
                    }).collect_view()}
                </select>
            </div>
            <button type="submit" class="primary" disabled=move || save.pending().get()>"Save role"</button>
        </form>
    }
}

/// The person's groups as one comma-separated field; names not yet known
/// become new groups.
#[component]
fn GroupsForm(slug: String, row: PersonRow, saved: Callback<String>) -> impl IntoView {
    let text = RwSignal::new(row.groups.join(", "));
    let error = RwSignal::new(None::<crate::error::AppError>);
    let email = row.email.clone();
    let person = row.id;
    let save = Action::new(move |_: &()| {
        let (slug, email, wanted) = (slug.clone(), email.clone(), text.get_untracked());
        async move {
            match set_person_groups(slug, person, wanted).await {
                Ok(groups) if groups.is_empty() => {
                    saved.run(format!("{email} is in no group now."))
                }
                Ok(groups) => saved.run(format!("{email} is now in: {}.", groups.join(", "))),
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let field_id = "person-groups";
    view! {
        <form class="stack" on:submit=move |ev| { ev.prevent_default(); save.dispatch(()); }>
            <FormAlert error=Signal::derive(move || error.get())/>
            <div class="field">
                <label for=field_id>{format!("Groups for {}", row.email)}</label>
                <p class="hint" id="person-groups-hint">"Separate groups with commas. New names become new groups."</p>
                <input id=field_id type="text" list=GROUP_CHOICES autocomplete="off"
                    aria-describedby="person-groups-hint"
                    prop:value=move || text.get()
                    on:input=move |ev| text.set(event_target_value(&ev))/>
            </div>
            <button type="submit" class="primary" disabled=move || save.pending().get()>"Save groups"</button>
        </form>
    }
}

/// A new address for an invitation not yet accepted: a new link goes there.
#[component]
fn AddressForm(slug: String, row: PersonRow, saved: Callback<String>) -> impl IntoView {
    let change = ServerAction::<ChangeInviteEmail>::new();
    let error = Signal::derive(move || change.value().get().and_then(Result::err));
    Effect::new(move |_| {
        if let Some(Ok(())) = change.value().get() {
            saved.run(
                "Changed the address and sent a new link. The old link no longer works.".into(),
            );
        }
    });
    let PersonId::Invitation(invitation_id) = row.id else {
        return view! { <p>"Only an invitation's address can be changed."</p> }.into_any();
    };
    let field_id = "person-new-address";
    view! {
        <ActionForm action=change attr:class="stack">
            <input type="hidden" name="slug" value=slug/>
            <input type="hidden" name="invitation_id" value=invitation_id.to_string()/>
            <FormAlert error/>
            <div class="field">
                <label for=field_id>{format!("New email address for {}", row.email)}</label>
                <input id=field_id type="email" name="email" required autocomplete="off" value=row.email.clone()/>
            </div>
            <button type="submit" class="primary" disabled=move || change.pending().get()>"Save address"</button>
        </ActionForm>
    }
    .into_any()
}

#[component]
fn LinkView(row: PersonRow, url: String, copied: bool) -> impl IntoView {
    let field_id = "person-invite-link";
    view! {
        <p>{if copied {
            "Copied to the clipboard. It works once, until the invitation expires."
        } else {
            "Copy this link and send it yourself. It works once, until the invitation expires."
        }}</p>
        <div class="field">
            <label for=field_id>{format!("Invite link for {}", row.email)}</label>
            <input id=field_id type="text" readonly value=url/>
        </div>
    }
}
