use crate::components::{NotFound, WorkspaceLayout};
use crate::pages::{
    ActivityRoute, ApiTokensRoute, GroupsRoute, ImportsRoute, LandingRoute, LoginRoute, SetupRoute,
    SignupRoute, UsersRoute, WorkspaceHomeRoute, WorkspaceSettingsRoute,
};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{path, Lazy, SsrMode};

pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light dark"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <link rel="stylesheet" id="leptos" href="/pkg/muster.css"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // Pages whose status code or redirect depends on data render fully before
    // the response starts (SsrMode::Async), so 302/403/404 reach the browser.
    view! {
        <Title text="Muster"/>
        <Router>
            <Routes fallback=NotFound>
                <Route path=path!("/") view={Lazy::<LandingRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/setup") view={Lazy::<SetupRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/login") view={Lazy::<LoginRoute>::new()}/>
                <Route path=path!("/invite/:token") view={Lazy::<SignupRoute>::new()} ssr=SsrMode::Async/>
                <ParentRoute path=path!("/w/:slug") view=WorkspaceLayout ssr=SsrMode::Async>
                    <Route path=path!("") view={Lazy::<WorkspaceHomeRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("settings/users") view={Lazy::<UsersRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("settings/groups") view={Lazy::<GroupsRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("settings/imports") view={Lazy::<ImportsRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("settings/activity") view={Lazy::<ActivityRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("settings/api-tokens") view={Lazy::<ApiTokensRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("settings/workspace") view={Lazy::<WorkspaceSettingsRoute>::new()} ssr=SsrMode::Async/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}
