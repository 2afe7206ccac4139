//! The one application error type. Server functions return it; the browser
//! shows its message. Internal details are logged on the server, never sent.
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("Please log in to continue.")]
    Unauthenticated,
    #[error("You're not allowed to do that.")]
    Forbidden,
    #[error("Not found.")]
    NotFound,
    #[error("That email address and password don't match an account.")]
    InvalidCredentials,
    /// A value the person entered was refused; `field` is the label of the field.
    #[error("{message}")]
    Invalid { field: String, message: String },
    #[error("{0}")]
    Conflict(String),
    #[error("This setup link is not valid. Use the link printed in the server console when Muster started.")]
    InvalidSetupToken,
    #[error("Muster is already set up. Log in instead.")]
    SetupClosed,
    /// An invitation link that does not work (expired, used, revoked or unknown).
    #[error("{}", .0.heading())]
    InvalidLink(crate::model::signup::LinkProblem),
    #[error("Too many attempts. Try again in {retry_after_secs} seconds.")]
    RateLimited { retry_after_secs: u64 },
    #[error("Something went wrong on our side. Please try again.")]
    Internal,
    /// The request never got a proper answer (network down, server restarting…).
    #[error("Could not reach the server. Check your connection and try again.")]
    Transport(String),
}

impl AppError {
    pub fn invalid(field: &str, error: crate::domain::Invalid) -> Self {
        AppError::Invalid {
            field: field.to_owned(),
            message: error.0,
        }
    }

    /// The message for one form field, if this error is about it.
    pub fn for_field(&self, field: &str) -> Option<String> {
        match self {
            AppError::Invalid { field: f, message } if f == field => Some(message.clone()),
            _ => None,
        }
    }

    /// HTTP status for this error. Used once, where server function results are turned into responses.
    pub fn status(&self) -> http::StatusCode {
        use http::StatusCode;
        match self {
            AppError::Unauthenticated | AppError::InvalidCredentials => StatusCode::UNAUTHORIZED,
            AppError::Forbidden | AppError::InvalidSetupToken => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::InvalidLink(_) => StatusCode::GONE,
            AppError::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Conflict(_) | AppError::SetupClosed => StatusCode::CONFLICT,
            AppError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            AppError::Transport(_) => StatusCode::BAD_REQUEST,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::Transport(value.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_errors_say_nothing_about_internals() {
        assert_eq!(
            AppError::Internal.to_string(),
            "Something went wrong on our side. Please try again."
        );
    }

    #[test]
    fn field_errors_are_found_by_label() {
        let err = AppError::invalid(
            "Email address",
            crate::domain::Invalid::new("Enter an email address."),
        );
        assert_eq!(
            err.for_field("Email address").as_deref(),
            Some("Enter an email address.")
        );
        assert_eq!(err.for_field("Password"), None);
        assert_eq!(err.status(), http::StatusCode::UNPROCESSABLE_ENTITY);
    }
}
