//! "Invitations expire after": the workspace's default, or one of the usual
//! lifetimes. The value is a number of days, or empty for the default.
use crate::domain::{lifetime_label, ExpiryDays};
use leptos::prelude::*;

/// Shown under "Personal message", beside the expiry choice.
pub const MESSAGE_HINT: &str =
    "Optional, up to 500 characters. Shown in the invitation email, and in its reminder.";

#[component]
pub fn ExpirySelect(
    id: &'static str,
    /// The form field's name, when a form submits it.
    #[prop(optional)]
    name: Option<&'static str>,
    /// The default lifetime in hours, once known.
    #[prop(into)]
    default_hours: Signal<Option<u32>>,
    value: RwSignal<String>,
) -> impl IntoView {
    let default_label = move || match default_hours.get() {
        Some(hours) => format!("Workspace default ({})", lifetime_label(hours)),
        None => "Workspace default".to_owned(),
    };
    view! {
        <div class="field">
            <label for=id>"Invitations expire after"</label>
            <select id=id name=name prop:value=move || value.get()
                on:change=move |ev| value.set(event_target_value(&ev))>
                <option value="">{default_label}</option>
                {ExpiryDays::CHOICES
                    .into_iter()
                    .map(|days| view! { <option value=days.days().to_string()>{days.label()}</option> })
                    .collect_view()}
            </select>
        </div>
    }
}
