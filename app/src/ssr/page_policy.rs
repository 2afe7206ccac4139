//! The Content-Security-Policy of every page. Scripts run only with this
//! response's nonce, which Leptos puts on the hydration script and on the
//! inline scripts that stream resources; what those scripts load (the app's
//! JS, the WASM and its on-demand chunks) is trusted through 'strict-dynamic'.
//! Workers (the file worker) start from our own scripts only.
//! Styles come from our stylesheet only: inline `style` attributes are
//! refused, so views set sizes through the style object (`style:height`).
use http::header::CONTENT_SECURITY_POLICY;
use http::HeaderValue;
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;

pub fn content_security_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; \
         script-src 'nonce-{nonce}' 'strict-dynamic' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' blob: data:; connect-src 'self'; worker-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// Sets the page's policy on the response being rendered. Called from the shell.
pub fn apply() {
    let (Some(nonce), Some(response)) =
        (leptos::nonce::use_nonce(), use_context::<ResponseOptions>())
    else {
        return;
    };
    match HeaderValue::from_str(&content_security_policy(&nonce)) {
        Ok(value) => response.insert_header(CONTENT_SECURITY_POLICY, value),
        Err(error) => {
            tracing::error!(%error, "Content-Security-Policy is not a valid header value")
        }
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
        assert!(HeaderValue::from_str(&policy).is_ok());
    }
}
