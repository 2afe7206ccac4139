use crate::error::AppError;
use leptos::prelude::*;

/// Announces a form's error, unless it belongs to a field (shown there instead).
#[component]
pub fn FormAlert(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    move || {
        error
            .get()
            .filter(|e| !matches!(e, AppError::Invalid { .. }))
            .map(|e| view! { <p class="alert" role="alert">{e.to_string()}</p> })
    }
}
