use crate::error::AppError;
use leptos::prelude::*;

/// A labelled input whose error (an `AppError::Invalid` naming this label) is
/// shown beside it and announced.
#[component]
pub fn Field(
    label: &'static str,
    name: &'static str,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional, into)] value: Option<String>,
    #[prop(into)] error: Signal<Option<AppError>>,
) -> impl IntoView {
    let id = format!("field-{name}");
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let message = Memo::new(move |_| error.get().and_then(|e| e.for_field(label)));
    let described_by = {
        let (hint_id, error_id) = (hint_id.clone(), error_id.clone());
        move || {
            let ids: Vec<&str> = [
                hint.map(|_| hint_id.as_str()),
                message.get().map(|_| error_id.as_str()),
            ]
            .into_iter()
            .flatten()
            .collect();
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <div class="field" class:invalid=move || message.get().is_some()>
            <label for=id.clone()>{label}</label>
            {hint.map(|text| view! { <p class="hint" id=hint_id.clone()>{text}</p> })}
            <input
                id=id
                name=name
                type=input_type
                autocomplete=autocomplete
                value=value
                required
                aria-invalid=move || message.get().map(|_| "true")
                aria-describedby=described_by
            />
            {move || {
                message
                    .get()
                    .map(|text| {
                        view! {
                            <p class="field-error" id=error_id.clone() role="alert">
                                {text}
                            </p>
                        }
                    })
            }}
        </div>
    }
}
