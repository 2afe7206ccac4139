//! The one application error type. Server functions return it; the browser
//! shows its message. An internal error carries its cause on the server, where
//! it is logged once, as the error becomes a response; the cause is never sent.
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
    Internal {
        #[serde(skip)]
        cause: Cause,
    },
    /// The request never got a proper answer (network down, server restarting…).
    #[error("Could not reach the server. Check your connection and try again.")]
    Transport(String),
}

/// Why an internal error happened: what was being done, the error behind it
/// (with its own sources) and where. Server-side only in practice: skipped on
/// the wire, and never part of an error's equality.
#[derive(Clone, Default)]
pub struct Cause(Option<std::sync::Arc<CauseInner>>);

struct CauseInner {
    context: &'static str,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
    location: &'static std::panic::Location<'static>,
}

impl Cause {
    /// "context: source: its source… (at file:line)", or "" when unknown.
    pub fn chain(&self) -> String {
        let Some(inner) = &self.0 else {
            return String::new();
        };
        let mut text = inner.context.to_owned();
        let mut next: Option<&(dyn std::error::Error + 'static)> = inner
            .source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static));
        while let Some(error) = next {
            text.push_str(": ");
            text.push_str(&error.to_string());
            next = error.source();
        }
        text.push_str(&format!(" (at {})", inner.location));
        text
    }
}

impl Cause {
    /// The error behind this one, if any (to tell a database's kinds apart).
    pub fn source(&self) -> Option<&(dyn std::error::Error + Send + Sync + 'static)> {
        self.0.as_ref()?.source.as_deref()
    }
}

impl PartialEq for Cause {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}
impl Eq for Cause {}

impl std::fmt::Debug for Cause {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.chain())
    }
}

impl AppError {
    /// Something failed inside: what was being done, and the error behind it.
    #[track_caller]
    pub fn internal(
        context: &'static str,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        Self::internal_from(context, Some(Box::new(source)))
    }

    /// Like `internal`, for errors that only implement Display.
    #[track_caller]
    pub fn internal_text(context: &'static str, source: impl std::fmt::Display) -> Self {
        Self::internal_from(context, Some(source.to_string().into()))
    }

    /// Something that cannot happen did (a broken invariant): what it was.
    #[track_caller]
    pub fn unexpected(context: &'static str) -> Self {
        Self::internal_from(context, None)
    }

    #[track_caller]
    fn internal_from(
        context: &'static str,
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        AppError::Internal {
            cause: Cause(Some(std::sync::Arc::new(CauseInner {
                context,
                source,
                location: std::panic::Location::caller(),
            }))),
        }
    }

    /// The cause of an internal error, for the log; None for the others.
    pub fn cause(&self) -> Option<String> {
        match self {
            AppError::Internal { cause } => Some(cause.chain()),
            _ => None,
        }
    }

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
            AppError::Internal { .. } => StatusCode::INTERNAL_SERVER_ERROR,
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
        #[derive(Debug, thiserror::Error)]
        #[error("disk full")]
        struct DiskFull;
        let error = AppError::internal("saving the avatar", DiskFull);
        assert_eq!(
            error.to_string(),
            "Something went wrong on our side. Please try again."
        );
        let cause = error.cause().unwrap();
        assert!(
            cause.starts_with("saving the avatar: disk full (at app/src/error.rs:"),
            "{cause}"
        );
        let wire = serde_json::to_string(&error).unwrap();
        assert!(
            !wire.contains("disk full") && !wire.contains("avatar"),
            "{wire}"
        );
        assert_eq!(serde_json::from_str::<AppError>(&wire).unwrap(), error);
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
