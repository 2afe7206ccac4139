//! A page whose code is split out names its module's files in a `Link`
//! header, so the browser fetches them beside the main bundle instead of
//! after the bundle has started and asked for them.
use app::ssr::page_modules::PageModules;
use app::ssr::render_report::RenderReport;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use http::header::LINK;
use std::sync::Arc;

pub async fn preload_page_module(
    State(modules): State<Arc<PageModules>>,
    mut request: Request,
    next: Next,
) -> Response {
    let report = RenderReport::of(&mut request);
    let mut response = next.run(request).await;
    if let Some(links) = report
        .page_module()
        .and_then(|module| modules.preload_header(module))
    {
        response.headers_mut().append(LINK, links.clone());
    }
    response
}
