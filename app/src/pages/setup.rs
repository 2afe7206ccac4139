use crate::api::setup::{get_setup_status, CompleteSetup, SetupStatus};
use crate::components::{ErrorPage, Field, FormAlert};
use crate::domain::password::{MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS};
use leptos::either::{Either, EitherOf3};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

/// `/setup?token=…`: create the first workspace and its admin.
#[component]
pub fn SetupPage() -> impl IntoView {
    let query = use_query_map();
    let token = move || query.read().get("token");
    let status = Resource::new(token, get_setup_status);
    view! {
        <Title text="Set up Muster"/>
        <main id="main" class="auth-page">
            <section class="card" aria-labelledby="setup-heading">
                <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        match status.await {
                            Ok(status) => Either::Left(match status {
                                SetupStatus::Open => EitherOf3::A(view! { <SetupForm token=token().unwrap_or_default()/> }),
                                SetupStatus::InvalidLink => EitherOf3::B(view! {
                                    <h1 id="setup-heading">"Set up Muster"</h1>
                                    <p role="alert">
                                        "This setup link is not valid. Use the link printed in the server console when Muster started; restarting Muster prints a new one."
                                    </p>
                                }),
                                SetupStatus::Closed => EitherOf3::C(view! {
                                    <h1 id="setup-heading">"Muster is already set up"</h1>
                                    <p>"Setup can only be done once. " <A href="/login">"Log in"</A> " instead."</p>
                                }),
                            }),
                            Err(error) => Either::Right(view! { <ErrorPage error/> }),
                        }
                    })}
                </Suspense>
            </section>
        </main>
    }
}

#[component]
fn SetupForm(token: String) -> impl IntoView {
    let action = ServerAction::<CompleteSetup>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let password_hint = if MAX_PASSWORD_CHARS == 128 && MIN_PASSWORD_CHARS == 8 {
        "8 to 128 characters. A long phrase is easier to remember and harder to guess."
    } else {
        "Choose a long password."
    };
    view! {
        <h1 id="setup-heading">"Set up Muster"</h1>
        <p>"Create your workspace and your admin account. You can invite everyone else afterwards."</p>
        <ActionForm action>
            <input type="hidden" name="token" value=token/>
            <FormAlert error/>
            <Field label="Workspace name" name="workspace_name" autocomplete="organization" error/>
            <Field label="Your name" name="your_name" autocomplete="name" error/>
            <Field label="Email address" name="email" input_type="email" autocomplete="email" error/>
            <Field label="Password" name="password" input_type="password" autocomplete="new-password" hint=password_hint error/>
            <button type="submit" class="primary" disabled=move || action.pending().get()>
                "Create workspace"
            </button>
        </ActionForm>
    }
}
