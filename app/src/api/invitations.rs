//! Admin actions on invitations.
use crate::error::AppError;
pub use crate::model::invitations::*;
use leptos::prelude::*;

/// "Invite users": one address or several (comma or line separated).
// A server function's arguments are its form's fields.
#[allow(clippy::too_many_arguments)]
#[server(prefix = "/api", endpoint = "invite_users")]
pub async fn invite_users(
    slug: String,
    emails: String,
    name: String,
    role: String,
    #[server(default)] groups: String,
    metadata: String,
    /// Days the links live; empty: the workspace's default.
    #[server(default)]
    expiry_days: String,
    /// The admin's own words in the mail; empty: none.
    #[server(default)]
    message: String,
) -> Result<Vec<InviteOutcome>, AppError> {
    use crate::domain::{
        DisplayName, Email, ExpiryDays, GroupName, Metadata, PersonalMessage, Role,
    };
    use crate::ssr::services::invitations::{self, InviteRequest};
    use crate::ssr::services::rate_limits::Action;
    use crate::ssr::{request, respond, AppState};
    respond(
        async {
            let state = AppState::current()?;
            let (admin, access) = request::require_admin(&state, &slug).await?;
            let admin_key = admin.user_id.to_string();
            request::rate_limit(&state, Action::CreateInvitations, &admin_key).await?;
            let emails =
                Email::parse_list(&emails).map_err(|e| AppError::invalid("Email address", e))?;
            let name = match name.trim() {
                "" => None,
                _ if emails.len() > 1 => {
                    return Err(AppError::Invalid {
                        field: "Name".into(),
                        message: "Leave Name empty when inviting several people at once.".into(),
                    })
                }
                given => Some(DisplayName::parse(given).map_err(|e| AppError::invalid("Name", e))?),
            };
            let request = InviteRequest {
                emails,
                name,
                role: Role::parse(&role).map_err(|e| AppError::invalid("Role", e))?,
                groups: GroupName::parse_list(&groups)
                    .map_err(|e| AppError::invalid("Groups", e))?,
                metadata: Metadata::parse(&metadata)
                    .map_err(|e| AppError::invalid("Metadata", e))?,
                send_email: true,
                expiry: ExpiryDays::parse_choice(&expiry_days)
                    .map_err(|e| AppError::invalid("Invitations expire after", e))?,
                message: PersonalMessage::parse(&message)
                    .map_err(|e| AppError::invalid("Personal message", e))?,
            };
            let by = access.actor(admin.user_id);
            invitations::invite(&state, by, request).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "resend_invite")]
pub async fn resend_invite(slug: String, invitation_id: i32) -> Result<(), AppError> {
    use crate::ssr::services::{invitations, rate_limits::Action};
    use crate::ssr::{request, respond, AppState};
    respond(
        async {
            let state = AppState::current()?;
            let (admin, access) = request::require_admin(&state, &slug).await?;
            let admin_key = admin.user_id.to_string();
            request::rate_limit(&state, Action::CreateInvitations, &admin_key).await?;
            invitations::resend_one(&state, access.actor(admin.user_id), invitation_id).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "revoke_invite")]
pub async fn revoke_invite(slug: String, invitation_id: i32) -> Result<(), AppError> {
    use crate::ssr::services::invitations;
    use crate::ssr::{request, respond, AppState};
    respond(
        async {
            let state = AppState::current()?;
            let (admin, access) = request::require_admin(&state, &slug).await?;
            invitations::revoke_one(&state, access.actor(admin.user_id), invitation_id).await
        }
        .await,
    )
}

/// The working link of an invitation, for sharing without mail.
#[server(prefix = "/api", endpoint = "invite_link")]
pub async fn invite_link(slug: String, invitation_id: i32) -> Result<String, AppError> {
    use crate::ssr::services::invitations;
    use crate::ssr::{request, respond, AppState};
    respond(
        async {
            let state = AppState::current()?;
            let (admin, access) = request::require_admin(&state, &slug).await?;
            invitations::link(&state, access.actor(admin.user_id), invitation_id).await
        }
        .await,
    )
}

/// Corrects the address of an invitation not yet accepted: a new link goes to
/// the new address and the old one stops working.
#[server(prefix = "/api", endpoint = "change_invite_email")]
pub async fn change_invite_email(
    slug: String,
    invitation_id: i32,
    email: String,
) -> Result<(), AppError> {
    use crate::domain::Email;
    use crate::ssr::services::{invitations, rate_limits::Action};
    use crate::ssr::{request, respond, AppState};
    respond(
        async {
            let state = AppState::current()?;
            let (admin, access) = request::require_admin(&state, &slug).await?;
            let admin_key = admin.user_id.to_string();
            request::rate_limit(&state, Action::CreateInvitations, &admin_key).await?;
            let email =
                Email::parse(&email).map_err(|e| AppError::invalid("New email address", e))?;
            invitations::change_email(&state, access.actor(admin.user_id), invitation_id, email)
                .await
        }
        .await,
    )
}

/// The role an invitation not yet accepted gives on joining.
#[server(prefix = "/api", endpoint = "change_invite_role")]
pub async fn change_invite_role(
    slug: String,
    invitation_id: i32,
    role: String,
) -> Result<(), AppError> {
    use crate::domain::Role;
    use crate::ssr::services::invitations;
    use crate::ssr::{request, respond, AppState};
    respond(
        async {
            let state = AppState::current()?;
            let (admin, access) = request::require_admin(&state, &slug).await?;
            let role = Role::parse(&role).map_err(|e| AppError::invalid("Role", e))?;
            invitations::change_role_one(&state, access.actor(admin.user_id), invitation_id, role)
                .await
        }
        .await,
    )
}
