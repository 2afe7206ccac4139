//! Server-only code: settings, database, services and request context.
pub mod avatar_route;
pub mod client_address;
pub mod db;
pub mod multipart_form;
pub mod page_modules;
pub mod page_policy;
pub mod render_report;
pub mod request;
pub mod services;
pub mod settings;
pub mod state;
pub mod template_route;
pub mod time;

pub use request::respond;
pub use settings::Settings;
pub use state::AppState;
