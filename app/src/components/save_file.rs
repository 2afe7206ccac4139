//! Hands bytes made in the browser to the user as a downloaded file.

/// Runs in the browser; a no-op on the server (nothing to download there).
pub fn save_file(name: &str, mime: &str, bytes: &[u8]) {
    #[cfg(feature = "hydrate")]
    {
        use web_sys::wasm_bindgen::JsCast;
        let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
        let options = web_sys::BlobPropertyBag::new();
        options.set_type(mime);
        let Ok(blob) = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)
        else {
            return;
        };
        let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
            return;
        };
        let document = leptos::prelude::document();
        if let Some(link) = document
            .create_element("a")
            .ok()
            .and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok())
        {
            link.set_href(&url);
            link.set_download(name);
            link.click();
        }
        // Revoked a little later: revoking at once can cancel the download.
        leptos::prelude::set_timeout(
            move || {
                let _ = web_sys::Url::revoke_object_url(&url);
            },
            std::time::Duration::from_secs(30),
        );
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (name, mime, bytes);
}
