//! Which files a page's split-out code downloads as, from the manifest the
//! splitter writes beside the bundle (`cargo xtask site`), so that a page's
//! response can name them for preloading: the browser then fetches them
//! beside the main bundle, not after it has started.
use http::HeaderValue;
use leptos::config::LeptosOptions;
use std::collections::HashMap;

/// The splitter's manifest: each module, and the files it needs.
const MANIFEST: &str = "__wasm_split_manifest.json";

#[derive(Debug, Default)]
pub struct PageModules {
    preloads: HashMap<String, HeaderValue>,
}

impl PageModules {
    /// The site's modules; none when the site has no manifest (not built,
    /// or built without the split).
    pub fn load(options: &LeptosOptions) -> Self {
        let pkg = format!("/{}", options.site_pkg_dir);
        let path = std::path::Path::new(options.site_root.as_ref())
            .join(options.site_pkg_dir.as_ref())
            .join(MANIFEST);
        match std::fs::read_to_string(&path) {
            Ok(text) => Self::from_manifest(&pkg, &text).unwrap_or_else(|error| {
                tracing::error!(%error, path = %path.display(), "the split manifest is not readable; pages load their code without preloading");
                Self::default()
            }),
            Err(_) => Self::default(),
        }
    }

    fn from_manifest(pkg: &str, text: &str) -> Result<Self, serde_json::Error> {
        let modules: HashMap<String, Vec<String>> = serde_json::from_str(text)?;
        let preloads = modules
            .into_iter()
            .filter_map(|(module, files)| {
                let links: Vec<String> = files
                    .iter()
                    .map(|file| {
                        format!(
                            "<{pkg}/{file}.wasm>; rel=preload; as=fetch; type=\"application/wasm\"; crossorigin=anonymous"
                        )
                    })
                    .collect();
                // File names are the splitter's own (letters, digits, `_`).
                let value = HeaderValue::from_str(&links.join(", ")).ok()?;
                Some((module, value))
            })
            .collect();
        Ok(Self { preloads })
    }

    /// The `Link` header that preloads this module's files.
    pub fn preload_header(&self, module: &str) -> Option<&HeaderValue> {
        self.preloads.get(module)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_module_is_preloaded_as_the_splitter_listed_its_files() {
        let modules = PageModules::from_manifest(
            "/pkg",
            r#"{"login_pages": ["chunk_7", "split_login_pages"], "workspace_pages": ["split_workspace_pages"]}"#,
        )
        .expect("a manifest");
        assert_eq!(
            modules.preload_header("login_pages").map(|v| v.to_str().unwrap()),
            Some(
                "</pkg/chunk_7.wasm>; rel=preload; as=fetch; type=\"application/wasm\"; crossorigin=anonymous, \
                 </pkg/split_login_pages.wasm>; rel=preload; as=fetch; type=\"application/wasm\"; crossorigin=anonymous"
            )
        );
        assert!(modules.preload_header("signup_pages").is_none());
    }

    #[test]
    fn a_site_without_a_manifest_preloads_nothing() {
        let options = LeptosOptions::builder()
            .output_name("muster")
            .site_root("/nonexistent")
            .build();
        assert!(PageModules::load(&options)
            .preload_header("login_pages")
            .is_none());
    }
}
