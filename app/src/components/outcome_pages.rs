use crate::error::AppError;
use leptos::either::{Either, EitherOf4};
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

/// What a page shows when its code could not be downloaded (offline, or a
/// newer deploy replaced it): the app stays up, and a reload fetches it again.
/// `framed`: inside the workspace frame, which holds the page's `main`.
#[component]
pub fn PageNotLoaded(framed: bool) -> impl IntoView {
    let content = view! {
        <Title text="Page not loaded · Muster"/>
        <h1 id="outcome-heading">"This page could not be loaded"</h1>
        <p role="alert">"Its code did not download. Check your connection, then reload the page."</p>
        <p><button type="button" on:click=reload>"Reload"</button></p>
    };
    if framed {
        Either::Left(
            view! { <section class="outcome" aria-labelledby="outcome-heading">{content}</section> },
        )
    } else {
        Either::Right(
            view! { <main id="main" class="outcome" aria-labelledby="outcome-heading">{content}</main> },
        )
    }
}

/// Shown over a page opened from the server whose code did not download:
/// the page stays readable as the server rendered it, but cannot respond.
#[component]
pub fn PageNotLoadedAlert() -> impl IntoView {
    view! {
        <div class="load-failure" role="alert">
            <p>"This page's code did not download, so the page cannot respond. Check your connection, then reload the page."</p>
            <button type="button" on:click=reload>"Reload"</button>
        </div>
    }
}

fn reload(_: leptos::ev::MouseEvent) {
    #[cfg(feature = "hydrate")]
    let _ = window().location().reload();
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
