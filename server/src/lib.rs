//! The Muster server: configuration, command line, router and startup.
pub mod api_v1;
pub mod cli;
pub mod config;
pub mod operations;
pub mod page_preloads;
pub mod request_span;
pub mod router;
pub mod security;
pub mod settings_reference;
pub mod startup;
pub mod telemetry;
