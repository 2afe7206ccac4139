use crate::api::auth::{landing, Logout};
use crate::components::ErrorPage;
use leptos::either::EitherOf3;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;

/// `/`: sends the visitor to setup, login or their workspace.
#[component]
pub fn LandingPage() -> impl IntoView {
    let target = Resource::new(|| (), |_| landing());
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match target.await {
                    Ok(Some(path)) => EitherOf3::A(view! { <Redirect path/> }),
                    Ok(None) => EitherOf3::B(view! { <NoWorkspace/> }),
                    Err(error) => EitherOf3::C(view! { <main id="main"><ErrorPage error/></main> }),
                }
            })}
        </Suspense>
    }
}

/// Signed in, but no workspace to go to: every membership was archived or removed.
#[component]
fn NoWorkspace() -> impl IntoView {
    let logout = ServerAction::<Logout>::new();
    view! {
        <Title text="No workspace · Muster"/>
        <main id="main" class="outcome" aria-labelledby="outcome-heading">
            <h1 id="outcome-heading">"You're not in any workspace"</h1>
            <p>"You are signed in, but you are not an active member of any workspace. Ask an admin to invite you again, or log in with another account."</p>
            <ActionForm action=logout>
                <button type="submit">"Log out"</button>
            </ActionForm>
        </main>
    }
}
