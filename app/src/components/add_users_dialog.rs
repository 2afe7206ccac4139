use super::{
    invite_defaults, ExpirySelect, Field, FormAlert, UploadTab, UsersPageEvents, GROUP_CHOICES,
    MESSAGE_HINT,
};
use crate::api::invitations::{resend_invite, InviteOutcome, InviteOutcomeKind, InviteUsers};
use crate::domain::{Metadata, Role};
use crate::error::AppError;
use leptos::html;
use leptos::prelude::*;

/// "Add users": a native `<dialog>` with the Invite and Upload file tabs.
#[component]
pub fn AddUsersDialog(slug: String) -> impl IntoView {
    let dialog = NodeRef::<html::Dialog>::new();
    let form = NodeRef::<html::Form>::new();
    let events = expect_context::<UsersPageEvents>();
    let invite = ServerAction::<InviteUsers>::new();
    let defaults = invite_defaults();
    let expiry = RwSignal::new(String::new());
    let live_metadata_error = RwSignal::new(None::<AppError>);
    let error = Signal::derive(move || {
        live_metadata_error
            .get()
            .or_else(|| invite.value().get().and_then(Result::err))
    });
    let outcomes = Signal::derive(move || {
        invite
            .value()
            .get()
            .and_then(Result::ok)
            .unwrap_or_default()
    });

    // After an invite: refresh the table, announce, and clear the form if everyone was invited.
    Effect::new(move |_| {
        if let Some(Ok(outcomes)) = invite.value().get() {
            events.done(summary(&outcomes));
            #[cfg(feature = "hydrate")]
            if outcomes
                .iter()
                .all(|o| matches!(o.kind, InviteOutcomeKind::Invited { .. }))
            {
                if let Some(form) = form.get() {
                    form.reset();
                }
            }
        }
    });

    let open = move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(dialog) = dialog.get() {
            let _ = dialog.show_modal();
        }
    };
    let close = move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(dialog) = dialog.get() {
            dialog.close();
        }
    };
    let tab = RwSignal::new(Tab::Invite);
    // Left and right arrows move between the two tabs (the ARIA tabs pattern).
    let switch_with_arrows = move |ev: leptos::ev::KeyboardEvent| {
        if matches!(ev.key().as_str(), "ArrowLeft" | "ArrowRight") {
            ev.prevent_default();
            let next = if tab.get_untracked() == Tab::Invite {
                Tab::Upload
            } else {
                Tab::Invite
            };
            tab.set(next);
            #[cfg(feature = "hydrate")]
            if let Some(button) = document().get_element_by_id(next.id()) {
                use web_sys::wasm_bindgen::JsCast;
                if let Ok(button) = button.dyn_into::<web_sys::HtmlElement>() {
                    let _ = button.focus();
                }
            }
        }
    };
    let check_metadata = Callback::new(move |text: String| {
        live_metadata_error.set(
            Metadata::parse(&text)
                .err()
                .map(|e| AppError::invalid("Metadata", e)),
        );
    });

    view! {
        <button type="button" class="primary" on:click=open>"Add users"</button>
        // The file upload takes the whole window: its preview needs the width.
        <dialog node_ref=dialog class="dialog" class:wide=move || tab.get() == Tab::Upload
            aria-labelledby="add-users-heading">
            <div class="dialog-header">
                <h2 id="add-users-heading">"Add users"</h2>
                <button type="button" class="secondary" on:click=close>"Close"</button>
            </div>
            <div role="tablist" aria-label="How to add users" class="tabs">
                <button type="button" role="tab" id="tab-invite" aria-controls="panel-invite"
                    aria-selected=move || (tab.get() == Tab::Invite).to_string()
                    tabindex=move || if tab.get() == Tab::Invite { "0" } else { "-1" }
                    on:click=move |_| tab.set(Tab::Invite) on:keydown=switch_with_arrows>
                    "Invite"
                </button>
                <button type="button" role="tab" id="tab-upload" aria-controls="panel-upload"
                    aria-selected=move || (tab.get() == Tab::Upload).to_string()
                    tabindex=move || if tab.get() == Tab::Upload { "0" } else { "-1" }
                    on:click=move |_| tab.set(Tab::Upload) on:keydown=switch_with_arrows>
                    "Upload file"
                </button>
            </div>
            <div role="tabpanel" id="panel-upload" aria-labelledby="tab-upload" hidden=move || tab.get() != Tab::Upload>
                <UploadTab slug=slug.clone() shown=Signal::derive(move || tab.get() == Tab::Upload)/>
            </div>
            <div role="tabpanel" id="panel-invite" aria-labelledby="tab-invite" hidden=move || tab.get() != Tab::Invite>
                <ActionForm action=invite node_ref=form>
                    <input type="hidden" name="slug" value=slug.clone()/>
                    <FormAlert error/>
                    <Field label="Name" name="name" autocomplete="off" optional=true error/>
                    <Field
                        label="Email address"
                        name="emails"
                        multiline=true
                        hint="Several people? Separate addresses with commas or new lines."
                        error
                    />
                    <InviteResults slug=slug.clone() outcomes/>
                    <div class="field">
                        <label for="field-role">"Role"</label>
                        <select id="field-role" name="role">
                            {Role::ALL
                                .into_iter()
                                .map(|role| view! {
                                    <option value=role.as_str()
                                        selected=move || role == defaults.get().map_or(Role::Member, |d| d.role)>
                                        {role.label()}
                                    </option>
                                })
                                .collect_view()}
                        </select>
                    </div>
                    <ExpirySelect id="field-expiry" name="expiry_days" value=expiry
                        default_hours=Signal::derive(move || defaults.get().map(|d| d.lifetime_hours))/>
                    <Field label="Personal message" name="message" multiline=true optional=true hint=MESSAGE_HINT error/>
                    <Field
                        label="Groups"
                        name="groups"
                        optional=true
                        autocomplete="off"
                        list=GROUP_CHOICES
                        hint="Optional. Separate groups with commas; new names create new groups."
                        error
                    />
                    <Field
                        label="Metadata"
                        name="metadata"
                        multiline=true
                        optional=true
                        hint="Optional. A JSON object, for example {\"site\": \"HQ\"}."
                        on_input=check_metadata
                        error
                    />
                    <button type="submit" class="primary" disabled=move || invite.pending().get() || live_metadata_error.get().is_some()>
                        "Invite users"
                    </button>
                </ActionForm>
            </div>
        </dialog>
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tab {
    Invite,
    Upload,
}

impl Tab {
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    fn id(self) -> &'static str {
        match self {
            Tab::Invite => "tab-invite",
            Tab::Upload => "tab-upload",
        }
    }
}

/// Per-address results, with "Resend" for people whose invitation is pending.
#[component]
fn InviteResults(
    slug: String,
    #[prop(into)] outcomes: Signal<Vec<InviteOutcome>>,
) -> impl IntoView {
    let events = expect_context::<UsersPageEvents>();
    view! {
        <ul class="invite-results" role="status">
            {move || {
                outcomes
                    .get()
                    .into_iter()
                    .map(|outcome| {
                        let slug = slug.clone();
                        let email = outcome.email.clone();
                        match outcome.kind {
                            InviteOutcomeKind::Invited { .. } => view! { <li class="ok">{format!("Invited {email}.")}</li> }.into_any(),
                            InviteOutcomeKind::AlreadyMember => {
                                view! { <li class="problem">{format!("{email} is already a member of this workspace.")}</li> }.into_any()
                            }
                            InviteOutcomeKind::AlreadyInvited { invitation_id } => {
                                let resend = Action::new(move |_: &()| {
                                    let (slug, email) = (slug.clone(), email.clone());
                                    async move {
                                        match resend_invite(slug, invitation_id).await {
                                            Ok(()) => events.done(format!("Sent a new invitation to {email}.")),
                                            Err(error) => events.announce.set(error.to_string()),
                                        }
                                    }
                                });
                                view! {
                                    <li class="problem">
                                        {format!("{} already has a pending invitation. ", outcome.email)}
                                        <button type="button" on:click=move |_| { resend.dispatch(()); }>"Resend"</button>
                                    </li>
                                }
                                .into_any()
                            }
                        }
                    })
                    .collect_view()
            }}
        </ul>
    }
}

fn summary(outcomes: &[InviteOutcome]) -> String {
    let invited = outcomes
        .iter()
        .filter(|o| matches!(o.kind, InviteOutcomeKind::Invited { .. }))
        .count();
    let skipped = outcomes.len() - invited;
    match (invited, skipped) {
        (0, _) => "Nobody was invited: see the messages in the form.".into(),
        (n, 0) => format!("Invited {n} {}.", if n == 1 { "person" } else { "people" }),
        (n, s) => format!("Invited {n}; {s} not invited, see the form."),
    }
}
