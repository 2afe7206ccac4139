use crate::api::auth::landing;
use crate::components::ErrorPage;
use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::components::Redirect;

/// `/`: sends the visitor to setup, login or their workspace.
#[component]
pub fn LandingPage() -> impl IntoView {
    let target = Resource::new(|| (), |_| landing());
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match target.await {
                    Ok(path) => Either::Left(view! { <Redirect path/> }),
                    Err(error) => Either::Right(view! { <main id="main"><ErrorPage error/></main> }),
                }
            })}
        </Suspense>
    }
}
