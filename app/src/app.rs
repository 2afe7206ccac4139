use crate::components::{NotFound, WorkspaceLayout};
use crate::pages::{
    ActivityLogPage, ApiTokensPage, GroupsPage, ImportsPage, LandingPage, LoginPage, SetupPage,
    SignupPage, UsersPage, WorkspaceHome, WorkspaceSettingsPage,
};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{path, SsrMode};

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
                <Route path=path!("/") view=LandingPage ssr=SsrMode::Async/>
                <Route path=path!("/setup") view=SetupPage ssr=SsrMode::Async/>
                <Route path=path!("/login") view=LoginPage/>
                <Route path=path!("/invite/:token") view=SignupPage ssr=SsrMode::Async/>
                <ParentRoute path=path!("/w/:slug") view=WorkspaceLayout ssr=SsrMode::Async>
                    <Route path=path!("") view=WorkspaceHome ssr=SsrMode::Async/>
                    <Route path=path!("settings/users") view=UsersPage ssr=SsrMode::Async/>
                    <Route path=path!("settings/groups") view=GroupsPage ssr=SsrMode::Async/>
                    <Route path=path!("settings/imports") view=ImportsPage ssr=SsrMode::Async/>
                    <Route path=path!("settings/activity") view=ActivityLogPage ssr=SsrMode::Async/>
                    <Route path=path!("settings/api-tokens") view=ApiTokensPage ssr=SsrMode::Async/>
                    <Route path=path!("settings/workspace") view=WorkspaceSettingsPage ssr=SsrMode::Async/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}
