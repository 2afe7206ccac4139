//! The Content-Security-Policy of every page. Scripts run only with this
//! response's nonce, which Leptos puts on the hydration script and on the
//! inline scripts that stream resources; what those scripts load (the app's
//! JS, the WASM and its on-demand chunks) is trusted through 'strict-dynamic'.
//! Workers (the file worker) start from our own scripts only.
//! Styles come from our stylesheet only: inline `style` attributes are
//! refused, so views set sizes through the style object (`style:height`).
//!
//! The policy is set by the server's middleware from the nonce the render
//! reports (`render_report`).

pub fn content_security_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; \
         script-src 'nonce-{nonce}' 'strict-dynamic' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' blob: data:; connect-src 'self'; worker-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
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
