//! The Muster server: configuration, command line, router and startup.
pub mod cli;
pub mod config;
pub mod router;
pub mod security;
pub mod startup;
pub mod telemetry;
