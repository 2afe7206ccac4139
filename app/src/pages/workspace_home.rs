use crate::components::{ErrorPage, FrameResource};
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;

/// `/w/{slug}`: where members land.
#[component]
pub fn WorkspaceHome() -> impl IntoView {
    let frame = expect_context::<FrameResource>();
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match frame.await {
                    Ok(frame) => Either::Left(view! {
                        <Title text=format!("{} · Muster", frame.workspace_name)/>
                        <h1>{frame.workspace_name.clone()}</h1>
                        <p>"Welcome, " {frame.viewer_name.clone()} ". You're a member of this workspace."</p>
                        {frame.viewer_is_admin.then(|| view! {
                            <p><a href=format!("/w/{}/settings/users", frame.slug)>"Manage users"</a></p>
                        })}
                    }),
                    Err(error) => Either::Right(view! { <ErrorPage error/> }),
                }
            })}
        </Suspense>
    }
}
