use crate::api::invitations::{invite_link, resend_invite, revoke_invite};
use crate::api::users::{PersonId, PersonRow};
use crate::domain::PersonStatus;
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
    let PersonId::Invitation(id) = row.id else {
        return ().into_any();
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
fn copy_to_clipboard(text: &str) -> bool {
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
