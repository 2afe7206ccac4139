use crate::error::AppError;
use leptos::either::EitherOf4;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Redirect, A};
use leptos_router::hooks::use_location;

/// Sets the HTTP status of the page being rendered on the server.
#[cfg(feature = "ssr")]
pub fn set_status(status: http::StatusCode) {
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(status);
    }
}
#[cfg(not(feature = "ssr"))]
pub fn set_status(_status: http::StatusCode) {}

#[component]
pub fn NotAllowed() -> impl IntoView {
    set_status(http::StatusCode::FORBIDDEN);
    view! {
        <Title text="Not allowed · Muster"/>
        <section class="outcome" aria-labelledby="outcome-heading">
            <h1 id="outcome-heading">"Not allowed"</h1>
            <p>"You're not allowed to see this page. Ask an admin of this workspace if you need access."</p>
            <p><A href="/">"Go to your workspace"</A></p>
        </section>
    }
}

#[component]
pub fn NotFound() -> impl IntoView {
    set_status(http::StatusCode::NOT_FOUND);
    view! {
        <Title text="Not found · Muster"/>
        <main id="main" class="outcome" aria-labelledby="outcome-heading">
            <h1 id="outcome-heading">"Page not found"</h1>
            <p>"There is nothing at this address."</p>
            <p><A href="/">"Go to the start page"</A></p>
        </main>
    }
}

/// What a page shows when its data could not be loaded.
#[component]
pub fn ErrorPage(error: AppError) -> impl IntoView {
    match error {
        AppError::Unauthenticated => {
            let here = use_location().pathname.get_untracked();
            let next: String = url_escape(&here);
            EitherOf4::A(view! { <Redirect path=format!("/login?next={next}")/> })
        }
        AppError::Forbidden => EitherOf4::B(view! { <NotAllowed/> }),
        AppError::NotFound => EitherOf4::C(view! {
            <section class="outcome">
                <h1>"Not found"</h1>
                <p>"There is no workspace at this address, or it is not yours to see."</p>
            </section>
        }),
        other => EitherOf4::D(view! {
            <section class="outcome">
                <h1>"Something went wrong"</h1>
                <p role="alert">{other.to_string()}</p>
            </section>
        }),
    }
}

fn url_escape(path: &str) -> String {
    path.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
