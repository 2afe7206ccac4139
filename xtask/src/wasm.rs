//! The browser bundle: cargo builds `frontend` for wasm32, wasm-split cuts the
//! `#[lazy]` functions (the file readers) out into chunks, wasm-bindgen writes
//! the JS that loads the main module; release builds then shrink every module
//! with wasm-opt. The same steps, flags and file names as cargo-leptos 0.3's
//! `--split` build, which Leptos' `HydrationScripts` expects.
use crate::settings::Settings;
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The JS file wasm-split writes for loading chunks; Leptos links this name.
const SPLIT_LINK_NAME: &str = "./__wasm_split.______________________.js";
const SPLIT_MANIFEST: &str = "__wasm_split_manifest.json";

/// The file worker's own module (release builds): this package, built with
/// this cargo profile, into `pkg/worker/`.
///
/// The page's bundle is built small (`opt-level = "z"`): it is downloaded
/// before anything shows. The file worker runs the import pipeline over
/// 100,000 rows, where speed shows, and starts when the Upload tab shows.
/// So release builds give the worker a module of its own, built for speed,
/// holding the pipeline and not the page's interface (measured, 100,000 rows
/// in Chromium: the whole pipeline 368–389 ms → 144–216 ms, an XLSX read
/// 586–762 → 320–427 ms; the page's initial module would have grown by
/// 160 KB brotli had it been built so).
pub const WORKER_PACKAGE: &str = "file-worker";
pub const WORKER_PROFILE: &str = "wasm-worker";

/// Where the worker's module goes, inside `pkg/`.
pub const WORKER_DIR: &str = "worker";

pub fn compile(settings: &Settings, package: &str, profile: &str) -> Result<PathBuf> {
    let mut cargo = Command::new(settings.cargo());
    cargo.args(["build", "--package", package, "--lib"]);
    cargo.args(["--target", "wasm32-unknown-unknown", "--profile", profile]);
    crate::run(&mut cargo)?;
    Ok(settings.wasm_artifact_of(package, profile))
}

/// Writes `{name}.js`, `{name}.wasm`, the chunks and their manifest into `pkg`.
/// Returns every WASM module written.
pub fn split_and_bind(settings: &Settings, wasm: &Path, pkg: &Path) -> Result<Vec<PathBuf>> {
    let input = std::fs::read(wasm).with_context(|| format!("reading {}", wasm.display()))?;
    let main_module = format!("./{}.js", settings.output_name);
    let split_main = wasm.with_file_name(format!(
        "{}_split.wasm",
        wasm.file_stem().unwrap_or_default().to_string_lossy()
    ));
    let split = wasm_split_cli_support::transform({
        let mut options = wasm_split_cli_support::Options::new(&input);
        options.output_dir = pkg;
        options.main_out_path = &split_main;
        options.main_module = &main_module;
        options.link_name = SPLIT_LINK_NAME;
        options
    })
    .map_err(|e| anyhow::anyhow!("wasm-split: {e:?}"))?;
    drop(input);
    std::fs::write(
        pkg.join(SPLIT_MANIFEST),
        serde_json::to_string_pretty(&split.prefetch_map)?,
    )?;

    wasm_bindgen_cli_support::Bindgen::new()
        .input_path(&split_main)
        .web(true)?
        .out_name(&settings.output_name)
        // The split main module keeps the symbols the chunks link against.
        .keep_lld_exports(true)
        .demangle(false)
        .typescript(false)
        .generate(pkg)
        .context("wasm-bindgen")?;
    // Leptos' HydrationScripts links `{name}.wasm`, not wasm-bindgen's `_bg` name.
    let main = pkg.join(format!("{}.wasm", settings.output_name));
    std::fs::rename(pkg.join(format!("{}_bg.wasm", settings.output_name)), &main)?;

    let mut modules = vec![main];
    modules.extend(split.split_modules);
    Ok(modules)
}

/// The file worker's script (app/src/file_worker): the app's module, run in
/// a dedicated Web Worker. The page starts it by this name.
const WORKER_SCRIPT: &str = "file_worker.js";

/// Writes the worker's script into `pkg/`: it loads the worker's own module
/// (`pkg/worker/`) when there is one, else the page's. When the
/// module cannot load, it says so, and the page reads files itself.
pub fn write_worker_script(settings: &Settings, pkg: &Path) -> Result<()> {
    let dir = if pkg.join(WORKER_DIR).is_dir() {
        format!("./{WORKER_DIR}/")
    } else {
        "./".to_owned()
    };
    let name = format!("{dir}{}", settings.output_name);
    let script = format!(
        r#"// Muster's file worker (app/src/file_worker), written by `cargo xtask`.
import init, {{ start_file_worker }} from "{name}.js";
init({{ module_or_path: new URL("{name}.wasm", import.meta.url) }})
  .then(() => start_file_worker())
  .catch((error) => {{
    console.error(error);
    postMessage(JSON.stringify("Unavailable"));
  }});
"#
    );
    std::fs::write(pkg.join(WORKER_SCRIPT), script)?;
    Ok(())
}

/// `wasm-opt` at this level (`-Oz` for the page, `-O3` for the worker's
/// module) on every module, as many at a time as there are cores.
/// With `MUSTER_WASM_NAMES=1` the functions keep their names, so a profile
/// of the optimised build (Chromium's Performance panel, the bench) names
/// them (the modules are larger: not for shipping).
pub fn optimise(modules: &[PathBuf], level: &str) -> Result<()> {
    let parallel = std::thread::available_parallelism().map_or(1, |n| n.get());
    let keep_names = std::env::var_os("MUSTER_WASM_NAMES").is_some_and(|v| v == "1");
    for batch in modules.chunks(parallel) {
        let children = batch
            .iter()
            .map(|module| {
                Command::new("wasm-opt")
                    .args([
                        level,
                        "--enable-bulk-memory",
                        "--enable-nontrapping-float-to-int",
                    ])
                    .args(keep_names.then_some("--debuginfo"))
                    .arg(module)
                    .arg("-o")
                    .arg(module)
                    .spawn()
                    .context("could not start wasm-opt (from npm binaryen in tools/: run `make`)")
            })
            .collect::<Result<Vec<_>>>()?;
        for (mut child, module) in children.into_iter().zip(batch) {
            let status = child.wait()?;
            anyhow::ensure!(
                status.success(),
                "wasm-opt failed on {} ({status})",
                module.display()
            );
        }
    }
    Ok(())
}
