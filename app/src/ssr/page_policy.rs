//! The Content-Security-Policy of every page. Scripts run only with this
//! response's nonce, which Leptos puts on the hydration script and on the
//! inline scripts that stream resources; what those scripts load (the app's
//! JS, the WASM and its on-demand chunks) is trusted through 'strict-dynamic'.
//! Workers (the file worker) start from our own scripts only.
//! Styles come from our stylesheet only: inline `style` attributes are
//! refused, so views set sizes through the style object (`style:height`).
//!
//! The policy is set by the server's middleware, not through Leptos'
//! `ResponseOptions`: headers put there while the shell renders were missing
//! from about one page response in thirty (measured; such a page showed but
//! never came alive, its scripts refused by the policy that allows nothing).
//! The render only reports its nonce, through a slot the middleware put in
//! the request.
use std::sync::{Arc, Mutex, PoisonError};

pub fn content_security_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; \
         script-src 'nonce-{nonce}' 'strict-dynamic' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' blob: data:; connect-src 'self'; worker-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// Where a page's render leaves the nonce of its scripts for the middleware
/// that answers the request (a request extension).
#[derive(Clone, Default)]
pub struct NonceSlot(Arc<Mutex<Option<String>>>);

impl NonceSlot {
    /// The nonce of the page rendered for this request, if a page was.
    pub fn nonce(&self) -> Option<String> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

/// Reports the page's nonce to the request's slot. Called from the context
/// every page render starts with.
pub fn report_nonce() {
    use leptos::prelude::use_context;
    let (Some(nonce), Some(parts)) = (
        leptos::nonce::use_nonce(),
        use_context::<http::request::Parts>(),
    ) else {
        return;
    };
    if let Some(slot) = parts.extensions.get::<NonceSlot>() {
        *slot.0.lock().unwrap_or_else(PoisonError::into_inner) = Some(nonce.to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_need_the_nonce_and_nothing_may_frame_the_page() {
        let policy = content_security_policy("abc123");
        assert!(policy.contains("script-src 'nonce-abc123' 'strict-dynamic' 'wasm-unsafe-eval';"));
        assert!(!policy.contains("unsafe-inline"));
        assert!(policy.contains("frame-ancestors 'none'"));
        // The file worker's script, from our origin only (not blob: URLs).
        assert!(policy.contains("worker-src 'self';"));
        assert!(http::HeaderValue::from_str(&policy).is_ok());
    }
}
