use crate::api::auth::Login;
use crate::components::{Field, FormAlert};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn LoginPage() -> impl IntoView {
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let action = ServerAction::<Login>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    view! {
        <Title text="Log in · Muster"/>
        <main id="main" class="auth-page">
            <section class="card" aria-labelledby="login-heading">
                <h1 id="login-heading">"Log in to Muster"</h1>
                <ActionForm action>
                    <input type="hidden" name="next" value=next/>
                    <FormAlert error/>
                    <Field label="Email address" name="email" input_type="email" autocomplete="username" error/>
                    <Field label="Password" name="password" input_type="password" autocomplete="current-password" error/>
                    <button type="submit" class="primary" disabled=move || action.pending().get()>
                        "Log in"
                    </button>
                </ActionForm>
            </section>
        </main>
    }
}
