//! What a page's render tells the middleware that answers its request: the
//! nonce of its scripts (for the Content-Security-Policy) and the WASM module
//! that holds the page's code (to preload it).
//!
//! Not through Leptos' `ResponseOptions`: headers put there while the shell
//! renders were missing from about one page response in thirty (measured;
//! such a page showed but never came alive, its scripts refused by the policy
//! that allows nothing). Leptos' own preloading of lazy code lost its links
//! as often. A slot in the request's extensions, filled during the render
//! and read by the middleware once the response is made, is not lost.
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

/// The slot a request's render reports into (a request extension).
#[derive(Clone, Default)]
pub struct RenderReport(Arc<Mutex<Report>>);

#[derive(Default)]
struct Report {
    nonce: Option<String>,
    page_module: Option<&'static str>,
}

impl RenderReport {
    /// The request's slot, put there by the first middleware that asks, so
    /// that the middlewares reading it may be layered in any order.
    pub fn of<B>(request: &mut http::Request<B>) -> Self {
        request
            .extensions_mut()
            .get_or_insert_with(RenderReport::default)
            .clone()
    }

    fn report(&self) -> MutexGuard<'_, Report> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The nonce of the page rendered for this request, if a page was.
    pub fn nonce(&self) -> Option<String> {
        self.report().nonce.clone()
    }

    /// The module of the page rendered, if its code is split out.
    pub fn page_module(&self) -> Option<&'static str> {
        self.report().page_module
    }
}

fn with_slot(fill: impl FnOnce(&mut Report)) {
    if let Some(parts) = leptos::prelude::use_context::<http::request::Parts>() {
        if let Some(slot) = parts.extensions.get::<RenderReport>() {
            fill(&mut slot.report());
        }
    }
}

/// Reports the page's nonce. Called from the context every render starts with.
pub fn report_nonce() {
    if let Some(nonce) = leptos::nonce::use_nonce() {
        with_slot(|report| report.nonce = Some(nonce.to_string()));
    }
}

/// Reports the module of the page being rendered (see `pages/lazy.rs`).
pub fn report_page_module(module: &'static str) {
    with_slot(|report| report.page_module = Some(module));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_middleware_of_a_request_reads_the_one_slot_its_render_fills() {
        let mut request = http::Request::new(());
        let policy = RenderReport::of(&mut request);
        let preloads = RenderReport::of(&mut request);
        let (parts, ()) = request.into_parts();
        let owner = leptos::prelude::Owner::new();
        owner.with(|| {
            leptos::prelude::provide_context(parts);
            report_page_module("workspace_pages");
        });
        assert_eq!(policy.page_module(), Some("workspace_pages"));
        assert_eq!(preloads.page_module(), Some("workspace_pages"));
        assert_eq!(policy.nonce(), None);
    }
}
