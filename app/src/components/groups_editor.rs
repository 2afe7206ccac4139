use super::UsersPageEvents;
use crate::api::groups::set_person_groups;
use crate::api::users::PersonId;
use leptos::either::Either;
use leptos::prelude::*;

/// The id of the page's `<datalist>` of existing groups, offered as you type.
pub const GROUP_CHOICES: &str = "group-choices";

/// "Edit groups" on a row of the Users table: the person's groups as one
/// comma-separated field; names not yet known become new groups.
#[component]
pub fn GroupsEditor(
    slug: String,
    person: PersonId,
    email: String,
    groups: Vec<String>,
) -> impl IntoView {
    let events = expect_context::<UsersPageEvents>();
    let editing = RwSignal::new(false);
    let text = RwSignal::new(groups.join(", "));
    let error = RwSignal::new(None::<String>);
    let save = {
        let (slug, email) = (slug.clone(), email.clone());
        Action::new(move |_: &()| {
            let (slug, email, wanted) = (slug.clone(), email.clone(), text.get_untracked());
            async move {
                match set_person_groups(slug, person, wanted).await {
                    Ok(groups) if groups.is_empty() => {
                        events.done(format!("{email} is in no group now."))
                    }
                    Ok(groups) => events.done(format!("{email} is now in: {}.", groups.join(", "))),
                    Err(e) => {
                        events.announce.set(e.to_string());
                        error.set(Some(e.to_string()));
                    }
                }
            }
        })
    };
    let input_id = match person {
        PersonId::Member(id) => format!("groups-for-member-{id}"),
        PersonId::Invitation(id) => format!("groups-for-invitation-{id}"),
    };
    let error_id = format!("{input_id}-error");
    view! {
        {move || if editing.get() {
            let (input_id, email) = (input_id.clone(), email.clone());
            let (described_by, error_id) = (error_id.clone(), error_id.clone());
            Either::Left(view! {
                <form class="inline-form groups-editor" on:submit=move |ev| { ev.prevent_default(); save.dispatch(()); }>
                    <label for=input_id.clone()>{format!("Groups for {email}")}</label>
                    <input id=input_id type="text" list=GROUP_CHOICES autocomplete="off"
                        aria-describedby=move || error.get().map(|_| described_by.clone())
                        prop:value=move || text.get()
                        on:input=move |ev| text.set(event_target_value(&ev))/>
                    <button type="submit" class="primary" disabled=move || save.pending().get()>"Save groups"</button>
                    <button type="button" on:click=move |_| editing.set(false)>"Cancel"</button>
                    {move || error.get().map(|message| view! { <p class="field-error" id=error_id.clone() role="alert">{message}</p> })}
                </form>
            })
        } else {
            Either::Right(view! {
                <button type="button" on:click=move |_| editing.set(true)>"Edit groups"</button>
            })
        }}
    }
}
