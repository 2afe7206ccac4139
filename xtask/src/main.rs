//! `cargo xtask build [--release]`: Muster's build, without a build tool to
//! install first. It does what `cargo leptos build --split` did, in this order:
//! the WASM bundle (`frontend`, cut into lazily loaded chunks by wasm-split and
//! bound to JS by wasm-bindgen, both linked in here as libraries), the static
//! site around it (`style/`, `public/`), then the server binary. Release builds
//! also run `wasm-opt` and minify JS and CSS with `esbuild` (both from npm,
//! in `tools/`; the Makefile puts them on PATH).
//!
//! The settings are the `[[workspace.metadata.leptos]]` table of Cargo.toml,
//! so `cargo leptos` still builds the same thing where someone has it.
mod settings;
mod site;
mod wasm;

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};
use settings::Settings;
use std::process::Command;
use std::time::Instant;

#[derive(Parser)]
#[command(about = "Builds Muster")]
struct Cli {
    #[command(subcommand)]
    command: Step,
}

#[derive(Subcommand)]
enum Step {
    /// The static site and the server binary.
    Build(Options),
    /// The static site only (the WASM bundle, its JS, CSS and public files).
    Site(Options),
    /// The server binary only.
    Server(Options),
    /// Prints where the server binary is (or will be) built.
    BinPath(Options),
}

#[derive(clap::Args)]
struct Options {
    /// Optimised build (release profiles, wasm-opt, minified JS and CSS).
    #[arg(long)]
    release: bool,
}

fn main() -> Result<()> {
    let cli = Cli::parse();
    let (site, server, options) = match &cli.command {
        Step::Build(o) => (true, true, o),
        Step::Site(o) => (true, false, o),
        Step::Server(o) => (false, true, o),
        Step::BinPath(o) => {
            let settings = Settings::load(o.release)?;
            println!("{}", settings.server_binary().display());
            return Ok(());
        }
    };
    let settings = Settings::load(options.release)?;
    if site {
        timed("site", || site::build(&settings))?;
    }
    if server {
        timed("server", || build_server(&settings))?;
    }
    Ok(())
}

fn build_server(settings: &Settings) -> Result<()> {
    let mut cargo = Command::new(settings.cargo());
    cargo.args([
        "build",
        "--package",
        &settings.bin_package,
        "--bin",
        &settings.bin_package,
    ]);
    if settings.release {
        cargo.arg("--release");
    }
    run(&mut cargo)
}

/// Runs a command to completion; its output goes straight to the terminal.
fn run(command: &mut Command) -> Result<()> {
    let status = command
        .status()
        .with_context(|| format!("could not start {command:?}"))?;
    if !status.success() {
        bail!("{command:?} failed ({status})");
    }
    Ok(())
}

fn timed(step: &str, work: impl FnOnce() -> Result<()>) -> Result<()> {
    let started = Instant::now();
    work()?;
    eprintln!(
        "xtask: {step} built in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
