//! Errors of the JSON API: the application's one error type, answered as
//! JSON with its status; malformed requests as `bad_request`.
use super::types::{ErrorBody, ErrorDetail};
use app::error::AppError;
use axum::response::{IntoResponse, Response};
use axum::Json;
use http::{header, StatusCode};

#[derive(Debug)]
pub enum ApiError {
    App(AppError),
    /// The request could not be read (JSON, query string, encoding).
    BadRequest(String),
    /// The body is over the endpoint's limit.
    TooLarge(String),
    /// The client stopped sending the body part way.
    Stalled(String),
}

impl From<AppError> for ApiError {
    fn from(error: AppError) -> Self {
        ApiError::App(error)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code, message, field) = match &self {
            ApiError::BadRequest(message) => (
                StatusCode::BAD_REQUEST,
                "bad_request",
                message.clone(),
                None,
            ),
            ApiError::TooLarge(message) => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                message.clone(),
                None,
            ),
            ApiError::Stalled(message) => (
                StatusCode::REQUEST_TIMEOUT,
                "bad_request",
                message.clone(),
                None,
            ),
            ApiError::App(error) => {
                app::ssr::request::log_failure(error);
                let code = match error {
                    AppError::Unauthenticated | AppError::InvalidCredentials => "unauthenticated",
                    AppError::Forbidden | AppError::InvalidSetupToken => "forbidden",
                    AppError::NotFound | AppError::InvalidLink(_) => "not_found",
                    AppError::Invalid { .. } => "invalid",
                    AppError::Conflict(_) | AppError::SetupClosed => "conflict",
                    AppError::RateLimited { .. } => "rate_limited",
                    AppError::Transport(_) => "bad_request",
                    AppError::Internal { .. } => "internal",
                };
                let field = match error {
                    AppError::Invalid { field, .. } => Some(field.clone()),
                    _ => None,
                };
                let status = match error {
                    // An API caller is never "gone": a link problem is not theirs.
                    AppError::InvalidLink(_) => StatusCode::NOT_FOUND,
                    other => other.status(),
                };
                (status, code, message_of(error), field)
            }
        };
        let body = ErrorBody {
            error: ErrorDetail {
                code: code.to_owned(),
                message,
                field,
            },
        };
        let mut response = (status, Json(body)).into_response();
        match &self {
            ApiError::App(AppError::Unauthenticated) => {
                response.headers_mut().insert(
                    header::WWW_AUTHENTICATE,
                    header::HeaderValue::from_static("Bearer"),
                );
            }
            ApiError::App(AppError::RateLimited { retry_after_secs }) => {
                if let Ok(value) = header::HeaderValue::from_str(&retry_after_secs.to_string()) {
                    response.headers_mut().insert(header::RETRY_AFTER, value);
                }
            }
            _ => {}
        }
        response
    }
}

fn message_of(error: &AppError) -> String {
    match error {
        AppError::Invalid { message, .. } => message.clone(),
        AppError::Unauthenticated => {
            "Send a live API token as `Authorization: Bearer <token>`.".to_owned()
        }
        other => other.to_string(),
    }
}
