//! Muster's shared crate: domain types, pages, components and server functions.
//! Everything outside `ssr` compiles to WASM for the browser as well.
//!
//! Layers, each using only those below it: `pages`/`components` → `api`
//! (server functions) → `ssr` (services, database) → `model` (the types they
//! exchange) → `domain` and `import`.
#![recursion_limit = "256"]

pub mod api;
pub mod app;
pub mod components;
pub mod domain;
pub mod error;
#[cfg(feature = "hydrate")]
pub mod file_worker;
pub mod import;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use app::{shell, App};
