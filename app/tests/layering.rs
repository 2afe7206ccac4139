//! The layers of `app` (see lib.rs) only ever use the ones below them: the
//! services and the error type never reach up into the server functions.
use std::path::Path;

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn files_naming(layer: &str, needle: &str) -> Vec<String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    let root = src.join(layer);
    if root.is_dir() {
        rust_files(&root, &mut files);
    } else {
        files.push(root);
    }
    files
        .into_iter()
        .filter(|f| std::fs::read_to_string(f).unwrap().contains(needle))
        .map(|f| f.strip_prefix(&src).unwrap().display().to_string())
        .collect()
}

#[test]
fn services_and_the_database_use_nothing_from_the_server_functions() {
    assert_eq!(files_naming("ssr", "crate::api"), Vec::<String>::new());
}

#[test]
fn the_error_type_and_the_shared_types_use_nothing_from_the_server_functions() {
    assert_eq!(files_naming("error.rs", "crate::api"), Vec::<String>::new());
    assert_eq!(files_naming("model", "crate::api"), Vec::<String>::new());
    assert_eq!(files_naming("model", "crate::ssr"), Vec::<String>::new());
}
