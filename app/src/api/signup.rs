//! The sign-up page behind an invitation link. No session needed.
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::{MultipartData, MultipartFormData};
use serde::{Deserialize, Serialize};

/// Why a link does not work. Each gets its own page; none reveals whether an account exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LinkProblem {
    Expired,
    Used,
    Revoked,
    Unknown,
}

impl LinkProblem {
    pub fn heading(self) -> &'static str {
        match self {
            LinkProblem::Expired => "This invitation has expired",
            LinkProblem::Used => "This invitation has already been used",
            LinkProblem::Revoked => "This invitation was withdrawn",
            LinkProblem::Unknown => "This invitation link does not work",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationView {
    pub workspace_name: String,
    pub email: String,
    pub display_name: String,
    /// The invitee already has a Muster account: they log in to join.
    pub has_account: bool,
    /// Someone else is signed in in this browser: joining signs them in as
    /// the invited address instead, so the page says so first.
    pub signed_in_as: Option<String>,
}

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
