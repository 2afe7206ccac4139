//! Each page is a route whose code loads with the page: in the browser's
//! build (`split-pages`, which only `frontend` turns on) its views sit in a
//! WASM module of their own, split out by `cargo xtask site`, so the sign-in
//! and sign-up pages download only what they need. The workspace's pages
//! share one module: an admin moves between them, and one download on the
//! way in beats a wait on every page (and the dozens of small shared chunks
//! that a module per page cuts the code into).
//!
//! Not `#[lazy_route]`: a module that fails to download (offline, or a deploy
//! replaced it) would panic and take the whole app down with it. Here the
//! split is `fallible`, and such a page says what happened instead.
use super::{
    ActivityLogPage, ApiTokensPage, GroupsPage, ImportsPage, LandingPage, LoginPage, SetupPage,
    SignupPage, UsersPage, WorkspaceHome, WorkspaceSettingsPage,
};
use crate::components::PageNotLoaded;
#[cfg(feature = "split-pages")]
use crate::components::PageNotLoadedAlert;
use leptos::prelude::*;
use leptos_router::LazyRoute;

/// A page's module did not download.
pub struct NotLoaded;

impl From<leptos::wasm_split::SplitLoaderError> for NotLoaded {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        NotLoaded
    }
}

/// Loads a page's module before the router shows the page. On a page opened
/// from the server, a failure cannot be shown by the page's view: the
/// server's page is on screen and the router hydrates it once this is done,
/// which needs the page's code. So the load is tried again, and if it still
/// fails, an alert says so and the page stays as the server rendered it
/// (this never returns). Later, a failure is left to the page's own load,
/// which shows it in place of the page.
#[cfg(feature = "split-pages")]
async fn preload_page<Load, Failed>(load: impl Fn() -> Load)
where
    Load: std::future::Future<Output = Result<(), Failed>>,
{
    if load().await.is_ok() || hydrated() {
        return;
    }
    for wait_ms in [300, 1_500] {
        gloo_timers::future::TimeoutFuture::new(wait_ms).await;
        if load().await.is_ok() {
            return;
        }
    }
    leptos::mount::mount_to_body(|| view! { <PageNotLoadedAlert/> });
    std::future::pending().await
}

#[cfg(not(feature = "split-pages"))]
async fn preload_page<Load, Failed>(load: impl Fn() -> Load)
where
    Load: std::future::Future<Output = Result<(), Failed>>,
{
    let _ = load().await;
}

/// Whether the page has come alive (`frontend` marks the body when it has).
#[cfg(feature = "split-pages")]
fn hydrated() -> bool {
    document()
        .body()
        .is_some_and(|body| body.has_attribute("data-hydrated"))
}

macro_rules! lazy_pages {
    ($($route:ident: $page:ident as $view:ident in $module:ident, preloaded by $preload:ident, framed: $framed:literal;)*) => {$(
        #[doc = concat!("The route of [`", stringify!($page), "`], loaded with the page.")]
        pub struct $route;

        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            async fn view(_: Self) -> AnyView {
                match $view().await {
                    Ok(page) => page,
                    Err(NotLoaded) => view! { <PageNotLoaded framed=$framed/> }.into_any(),
                }
            }

            async fn preload() {
                preload_page($preload).await
            }
        }

        #[cfg(feature = "split-pages")]
        #[leptos::wasm_split::wasm_split(
            $module,
            wasm_split_path = ::leptos::wasm_split,
            fallible,
            preload(#[doc(hidden)] $preload)
        )]
        fn $view() -> Result<AnyView, NotLoaded> {
            Ok(view! { <$page/> }.into_any())
        }

        // The server's build, and the file worker's: the page is at hand. The
        // server reports the page's module, whose files the response then
        // names for preloading (`ssr::page_modules`).
        #[cfg(not(feature = "split-pages"))]
        async fn $view() -> Result<AnyView, NotLoaded> {
            #[cfg(feature = "ssr")]
            crate::ssr::render_report::report_page_module(stringify!($module));
            Ok(view! { <$page/> }.into_any())
        }

        #[cfg(not(feature = "split-pages"))]
        async fn $preload() -> Result<(), NotLoaded> {
            Ok(())
        }
    )*};
}

lazy_pages! {
    LandingRoute: LandingPage as landing_page in landing_pages, preloaded by preload_landing_page, framed: false;
    SetupRoute: SetupPage as setup_page in setup_pages, preloaded by preload_setup_page, framed: false;
    LoginRoute: LoginPage as login_page in login_pages, preloaded by preload_login_page, framed: false;
    SignupRoute: SignupPage as signup_page in signup_pages, preloaded by preload_signup_page, framed: false;
    WorkspaceHomeRoute: WorkspaceHome as workspace_home_page in workspace_pages, preloaded by preload_workspace_home_page, framed: true;
    UsersRoute: UsersPage as users_page in workspace_pages, preloaded by preload_users_page, framed: true;
    GroupsRoute: GroupsPage as groups_page in workspace_pages, preloaded by preload_groups_page, framed: true;
    ImportsRoute: ImportsPage as imports_page in workspace_pages, preloaded by preload_imports_page, framed: true;
    ActivityRoute: ActivityLogPage as activity_page in workspace_pages, preloaded by preload_activity_page, framed: true;
    ApiTokensRoute: ApiTokensPage as api_tokens_page in workspace_pages, preloaded by preload_api_tokens_page, framed: true;
    WorkspaceSettingsRoute: WorkspaceSettingsPage as workspace_settings_page in workspace_pages, preloaded by preload_workspace_settings_page, framed: true;
}
