//! "Change email address" for an invitation not yet accepted: a small form
//! that opens under the row's actions.
use super::{FormAlert, UsersPageEvents};
use crate::api::invitations::ChangeInviteEmail;
use leptos::prelude::*;

#[component]
pub fn ChangeAddress(slug: String, invitation_id: i32, email: String) -> impl IntoView {
    let events = expect_context::<UsersPageEvents>();
    let open = RwSignal::new(false);
    let change = ServerAction::<ChangeInviteEmail>::new();
    let error = Signal::derive(move || change.value().get().and_then(Result::err));
    let field_id = format!("new-address-{invitation_id}");
    Effect::new(move |_| {
        if let Some(Ok(())) = change.value().get() {
            open.set(false);
            events.done(
                "Changed the address and sent a new link. The old link no longer works.".into(),
            );
        }
    });
    view! {
        <button type="button" aria-expanded=move || open.get().to_string()
            on:click=move |_| open.update(|o| *o = !*o)>
            "Change email address"
        </button>
        {move || open.get().then(|| {
            let (slug, email, field_id) = (slug.clone(), email.clone(), field_id.clone());
            view! {
                <ActionForm action=change attr:class="inline-form change-address">
                    <input type="hidden" name="slug" value=slug/>
                    <input type="hidden" name="invitation_id" value=invitation_id.to_string()/>
                    <FormAlert error/>
                    <div class="field">
                        <label for=field_id.clone()>{format!("New email address for {email}")}</label>
                        <input id=field_id type="email" name="email" required autocomplete="off" value=email/>
                    </div>
                    <button type="submit" class="primary" disabled=move || change.pending().get()>"Save address"</button>
                </ActionForm>
            }
        })}
    }
}
