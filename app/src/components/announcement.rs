//! A page's live region: read out by screen readers when its text changes,
//! shown as a quiet bar only while it has something to say (an empty bar
//! stayed on screen after a reload: hydration leaves markers in the element,
//! so CSS `:empty` does not match it).
use leptos::prelude::*;

#[component]
pub fn Announcement(#[prop(into)] message: Signal<String>) -> impl IntoView {
    view! {
        <p class="announce" class:has-news=move || !message.with(String::is_empty) role="status">
            {move || message.get()}
        </p>
    }
}
