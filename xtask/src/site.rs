//! The static site the server serves: `{site-root}/{pkg}/` holds the bundle,
//! its JS and the stylesheet; the public files sit at the site root.
use crate::{settings::Settings, wasm};
use anyhow::{Context, Result};
use std::path::Path;
use std::process::Command;

/// Names the bundle the current `pkg/` was made from, so a rebuild whose WASM
/// did not change (a server-only edit) skips splitting, binding and wasm-opt.
const STAMP: &str = ".built-from";

pub fn build(settings: &Settings) -> Result<()> {
    let artifact = wasm::compile(settings, &settings.lib_package, settings.wasm_profile())?;
    // Release builds: the file worker's own module, built for speed (see WORKER_PACKAGE).
    let worker = if settings.release {
        Some(wasm::compile(
            settings,
            wasm::WORKER_PACKAGE,
            wasm::WORKER_PROFILE,
        )?)
    } else {
        None
    };
    let pkg = settings.pkg_dir();
    let mut stamp = stamp_of(&artifact, settings)?;
    if let Some(worker) = &worker {
        stamp.push_str(&stamp_of(worker, settings)?);
    }
    if std::fs::read_to_string(pkg.join(STAMP)).ok().as_deref() != Some(stamp.as_str()) {
        // Built aside and swapped in whole: a failed build leaves the old site.
        let fresh = pkg.with_extension("new");
        recreate(&fresh)?;
        let modules = wasm::split_and_bind(settings, &artifact, &fresh)?;
        if settings.release {
            wasm::optimise(&modules, "-Oz")?;
            minify(&fresh.join(format!("{}.js", settings.output_name)))?;
        }
        if let Some(worker) = &worker {
            let dir = fresh.join(wasm::WORKER_DIR);
            recreate(&dir)?;
            let modules = wasm::split_and_bind(settings, worker, &dir)?;
            wasm::optimise(&modules, "-O3")?;
            minify(&dir.join(format!("{}.js", settings.output_name)))?;
        }
        std::fs::write(fresh.join(STAMP), &stamp)?;
        if pkg.exists() {
            std::fs::remove_dir_all(&pkg)?;
        }
        std::fs::rename(&fresh, &pkg)?;
    }
    wasm::write_worker_script(settings, &pkg)?;
    let css = pkg.join(format!("{}.css", settings.output_name));
    std::fs::copy(&settings.style_file, &css)
        .with_context(|| format!("copying {}", settings.style_file.display()))?;
    if settings.release {
        minify(&css)?;
    }
    copy_dir(&settings.assets_dir, settings.site_root())
}

fn stamp_of(artifact: &Path, settings: &Settings) -> Result<String> {
    let meta =
        std::fs::metadata(artifact).with_context(|| format!("reading {}", artifact.display()))?;
    let modified = meta
        .modified()?
        .duration_since(std::time::UNIX_EPOCH)?
        .as_nanos();
    Ok(format!(
        "{} {} {modified} {}\n",
        artifact.display(),
        meta.len(),
        settings.release
    ))
}

fn recreate(dir: &Path) -> Result<()> {
    if dir.exists() {
        std::fs::remove_dir_all(dir)?;
    }
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))
}

/// esbuild (npm, in tools/), in place.
fn minify(file: &Path) -> Result<()> {
    crate::run(
        Command::new("esbuild")
            .arg(file)
            .args(["--minify", "--log-level=error", "--allow-overwrite"])
            .arg(format!("--outfile={}", file.display())),
    )
    .context("minifying with esbuild (from npm in tools/: run `make release`)")
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from).with_context(|| format!("reading {}", from.display()))? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}
