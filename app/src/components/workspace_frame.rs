use crate::api::auth::Logout;
use crate::api::workspace::{load_workspace_frame, WorkspaceFrame};
use crate::error::AppError;
use leptos::prelude::*;
use leptos_router::components::{Outlet, A};
use leptos_router::hooks::use_params_map;

/// The workspace frame's data, shared with the pages inside it.
pub type FrameResource = Resource<Result<WorkspaceFrame, AppError>>;

/// How new invitations start out here, once the frame is loaded.
pub fn invite_defaults() -> Signal<Option<crate::api::workspace::InviteDefaults>> {
    let frame = expect_context::<FrameResource>();
    Signal::derive(move || {
        frame
            .get()
            .and_then(Result::ok)
            .map(|frame| frame.invite_defaults)
    })
}

/// Top bar (workspace name, account menu), left navigation, and the page.
#[component]
pub fn WorkspaceLayout() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let frame: FrameResource = Resource::new(slug, load_workspace_frame);
    provide_context(frame);

    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="top-bar">
            <Suspense fallback=|| view! { <span class="workspace-name">"Muster"</span> }>
                {move || Suspend::new(async move {
                    frame.await.ok().map(|frame| view! { <TopBar frame/> })
                })}
            </Suspense>
        </header>
        <div class="workspace">
            <nav class="side-nav" aria-label="Workspace">
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        frame.await.ok().map(|frame| view! { <SideNav frame/> })
                    })}
                </Suspense>
            </nav>
            <main id="main" class="page" tabindex="-1">
                <Outlet/>
            </main>
        </div>
    }
}

#[component]
fn TopBar(frame: WorkspaceFrame) -> impl IntoView {
    let logout = ServerAction::<Logout>::new();
    view! {
        <a class="workspace-name" href=format!("/w/{}", frame.slug)>{frame.workspace_name}</a>
        <div class="account">
            <span class="account-name" title=frame.viewer_email>{frame.viewer_name}</span>
            <ActionForm action=logout>
                <button type="submit" class="secondary">"Log out"</button>
            </ActionForm>
        </div>
    }
}

#[component]
fn SideNav(frame: WorkspaceFrame) -> impl IntoView {
    let base = format!("/w/{}", frame.slug);
    view! {
        <ul>
            <li><A href=base.clone() exact=true>"Home"</A></li>
            {frame.viewer_is_admin.then(|| view! {
                <li><A href=format!("{base}/settings/users")>"Users"</A></li>
                <li><A href=format!("{base}/settings/groups")>"Groups"</A></li>
                <li><A href=format!("{base}/settings/imports")>"Imports"</A></li>
                <li><A href=format!("{base}/settings/activity")>"Activity"</A></li>
                <li><A href=format!("{base}/settings/api-tokens")>"API tokens"</A></li>
                <li><A href=format!("{base}/settings/workspace")>"Settings"</A></li>
            })}
        </ul>
    }
}
