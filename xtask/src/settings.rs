//! What to build and where: the `[[workspace.metadata.leptos]]` table of the
//! workspace's Cargo.toml (the one cargo-leptos reads) and cargo's target dir.
use anyhow::{bail, Context, Result};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::process::Command;

pub struct Settings {
    pub release: bool,
    /// Cargo's target dir (honours `CARGO_TARGET_DIR`).
    pub target_dir: PathBuf,
    pub output_name: String,
    pub bin_package: String,
    pub lib_package: String,
    lib_profile_release: String,
    site_root: PathBuf,
    site_pkg_dir: PathBuf,
    pub style_file: PathBuf,
    pub assets_dir: PathBuf,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
struct LeptosTable {
    name: String,
    bin_package: String,
    lib_package: String,
    #[serde(default = "release")]
    lib_profile_release: String,
    site_root: PathBuf,
    site_pkg_dir: PathBuf,
    style_file: PathBuf,
    assets_dir: PathBuf,
}

fn release() -> String {
    "release".into()
}

#[derive(Deserialize)]
struct Manifest {
    workspace: Workspace,
}
#[derive(Deserialize)]
struct Workspace {
    metadata: Metadata,
}
#[derive(Deserialize)]
struct Metadata {
    leptos: Vec<LeptosTable>,
}

impl Settings {
    pub fn load(release: bool) -> Result<Self> {
        let root = workspace_root()?;
        let manifest: Manifest = read_toml(&root.join("Cargo.toml"))?;
        let leptos = manifest
            .workspace
            .metadata
            .leptos
            .into_iter()
            .next()
            .context("Cargo.toml has no [[workspace.metadata.leptos]] table")?;
        check_wasm_split_versions(&root)?;
        Ok(Settings {
            release,
            target_dir: target_dir(&root)?,
            output_name: leptos.name,
            bin_package: leptos.bin_package,
            lib_package: leptos.lib_package,
            lib_profile_release: leptos.lib_profile_release,
            site_root: root.join(leptos.site_root),
            site_pkg_dir: leptos.site_pkg_dir,
            style_file: root.join(leptos.style_file),
            assets_dir: root.join(leptos.assets_dir),
        })
    }

    pub fn cargo(&self) -> PathBuf {
        std::env::var_os("CARGO").map_or_else(|| "cargo".into(), PathBuf::from)
    }

    pub fn site_root(&self) -> &Path {
        &self.site_root
    }

    pub fn pkg_dir(&self) -> PathBuf {
        self.site_root.join(&self.site_pkg_dir)
    }

    /// The cargo profile the WASM bundle is built with.
    pub fn wasm_profile(&self) -> &str {
        if self.release {
            &self.lib_profile_release
        } else {
            "dev"
        }
    }

    /// Where cargo leaves this package's WASM built with this profile.
    pub fn wasm_artifact_of(&self, package: &str, profile: &str) -> PathBuf {
        let dir = if profile == "dev" { "debug" } else { profile };
        self.target_dir
            .join("wasm32-unknown-unknown")
            .join(dir)
            .join(format!("{}.wasm", package.replace('-', "_")))
    }

    pub fn server_binary(&self) -> PathBuf {
        let dir = if self.release { "release" } else { "debug" };
        self.target_dir.join(dir).join(&self.bin_package)
    }
}

fn read_toml<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    toml::from_str(&text).with_context(|| format!("reading {}", path.display()))
}

/// The workspace this run is in, asked of cargo at run time: a path compiled
/// in (`env!("CARGO_MANIFEST_DIR")`) names the clone that built the binary,
/// and clones sharing one target dir reuse it, so a second clone's site went
/// into the first clone's `target/site`.
fn workspace_root() -> Result<PathBuf> {
    let output = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .args(["locate-project", "--workspace", "--message-format", "plain"])
        .output()
        .context("running cargo locate-project")?;
    anyhow::ensure!(
        output.status.success(),
        "cargo locate-project: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let manifest = PathBuf::from(String::from_utf8(output.stdout)?.trim());
    Ok(manifest
        .parent()
        .context("the workspace manifest has no folder")?
        .to_path_buf())
}

fn target_dir(root: &Path) -> Result<PathBuf> {
    #[derive(Deserialize)]
    struct CargoMetadata {
        target_directory: PathBuf,
    }
    let output = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(root)
        .output()
        .context("running cargo metadata")?;
    if !output.status.success() {
        bail!(
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let metadata: CargoMetadata = serde_json::from_slice(&output.stdout)?;
    Ok(metadata.target_directory)
}

/// The splitter writes chunks the way the app's runtime loads them: the two
/// crates must be one release. (wasm-bindgen needs no check: cargo cannot
/// lock two versions of `wasm-bindgen-shared`.)
fn check_wasm_split_versions(root: &Path) -> Result<()> {
    #[derive(Deserialize)]
    struct Lock {
        package: Vec<Package>,
    }
    #[derive(Deserialize)]
    struct Package {
        name: String,
        version: String,
    }
    let lock: Lock = read_toml(&root.join("Cargo.lock"))?;
    let version = |name: &str| {
        lock.package
            .iter()
            .find(|p| p.name == name)
            .map(|p| p.version.clone())
            .with_context(|| format!("{name} is not in Cargo.lock"))
    };
    let (runtime, splitter) = (
        version("wasm_split_helpers")?,
        version("wasm_split_cli_support")?,
    );
    if runtime != splitter {
        bail!(
            "wasm_split_helpers {runtime} (used by Leptos) and wasm_split_cli_support {splitter} \
             (xtask/Cargo.toml) must be the same version"
        );
    }
    Ok(())
}
