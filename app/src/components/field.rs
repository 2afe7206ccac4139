use crate::error::AppError;
use leptos::either::Either;
use leptos::prelude::*;

/// A labelled input (or textarea) whose error — an `AppError::Invalid` naming
/// this label — is shown beside it and announced.
#[component]
pub fn Field(
    label: &'static str,
    name: &'static str,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional, into)] value: Option<String>,
    #[prop(into)] error: Signal<Option<AppError>>,
    /// A textarea instead of an input.
    #[prop(optional)]
    multiline: bool,
    #[prop(optional)] optional: bool,
    /// File types a file input takes.
    #[prop(optional)]
    accept: Option<&'static str>,
    /// The id of a `<datalist>` of suggestions.
    #[prop(optional)]
    list: Option<&'static str>,
    /// Called with the text on every keystroke (for validation as you type).
    #[prop(optional, into)]
    on_input: Option<Callback<String>>,
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
    let input_handler = move |ev: leptos::ev::Event| {
        if let Some(callback) = on_input {
            callback.run(event_target_value(&ev));
        }
    };
    let control = if multiline {
        Either::Left(view! {
            <textarea
                id=id.clone()
                name=name
                rows="3"
                autocomplete=autocomplete
                required=!optional
                aria-invalid=move || message.get().map(|_| "true")
                aria-describedby=described_by.clone()
                on:input=input_handler
            >
                {value.clone().unwrap_or_default()}
            </textarea>
        })
    } else {
        Either::Right(view! {
            <input
                id=id.clone()
                name=name
                type=input_type
                list=list
                accept=accept
                autocomplete=autocomplete
                value=value
                required=!optional
                aria-invalid=move || message.get().map(|_| "true")
                aria-describedby=described_by
                on:input=input_handler
            />
        })
    };
    view! {
        <div class="field" class:invalid=move || message.get().is_some()>
            <label for=id>{label}</label>
            {hint.map(|text| view! { <p class="hint" id=hint_id>{text}</p> })}
            {control}
            {move || {
                message.get().map(|text| view! { <p class="field-error" id=error_id.clone() role="alert">{text}</p> })
            }}
        </div>
    }
}
