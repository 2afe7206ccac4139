//! The sign-up page behind an invitation link. No session needed.
use crate::error::AppError;
pub use crate::model::signup::*;
use leptos::prelude::*;
use leptos::server_fn::codec::{MultipartData, MultipartFormData};

#[server(prefix = "/api", endpoint = "invitation")]
pub async fn open_invitation(
    token: String,
) -> Result<Result<InvitationView, LinkProblem>, AppError> {
    use crate::ssr::{request, respond, services::acceptance, AppState};
    respond(
        async {
            let state = AppState::current()?;
            let viewer = request::current_user(&state).await?;
            acceptance::view(&state, &token, viewer.as_ref()).await
        }
        .await,
    )
}

/// "Join workspace": a multipart form, because it may carry a picture.
/// Fields: token, display_name, password, avatar (optional file).
#[server(prefix = "/api", endpoint = "accept_invitation", input = MultipartFormData)]
pub async fn accept_invitation(data: MultipartData) -> Result<(), AppError> {
    use crate::ssr::multipart_form::MultipartForm;
    use crate::ssr::services::acceptance::{self, Acceptance};
    use crate::ssr::services::{avatars, rate_limits::Action};
    use crate::ssr::{request, respond, AppState};
    respond(
        async {
            let state = AppState::current()?;
            let mut form = MultipartForm::read(
                data,
                ("avatar", "Avatar"),
                avatars::MAX_UPLOAD_BYTES,
                "The picture is larger than 2 MB.",
            )
            .await?;
            let token = form.text("token");
            request::rate_limit(&state, Action::AcceptInvitation, &token).await?;
            let (account, slug) = acceptance::accept(
                &state,
                &token,
                Acceptance {
                    display_name: form.text("display_name"),
                    password: form.text("password"),
                    avatar: form.file("avatar"),
                },
            )
            .await?;
            request::sign_in(&state, account.user_id).await?;
            leptos_axum::redirect(&format!("/w/{slug}"));
            Ok(())
        }
        .await,
    )
}
