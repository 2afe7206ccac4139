//! Opening and accepting an invitation link. Single use is enforced by the
//! writer's claim (a conditional update) in the transaction that creates the
//! account.
use super::link_signer::LinkSigner;
use super::{accounts, avatars, groups, invitations, sessions::SessionUser};
use crate::domain::{DisplayName, Email, MembershipStatus};
use crate::error::AppError;
use crate::model::signup::{InvitationView, LinkProblem};
use crate::ssr::db::entities::{invitation, membership, user, workspace};
use crate::ssr::AppState;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

/// The invitation behind a link, if the link works right now.
async fn open(
    state: &AppState,
    token: &str,
) -> Result<Result<(invitation::Model, workspace::Model), LinkProblem>, AppError> {
    let Some(parsed) = LinkSigner::parse(token) else {
        return Ok(Err(LinkProblem::Unknown));
    };
    let Some(found) = invitation::Entity::find_by_id(parsed.invitation_id)
        .one(&state.db)
        .await?
    else {
        return Ok(Err(LinkProblem::Unknown));
    };
    // Checked first: an old link (before a resend) or a forged one says nothing more.
    if !state.links.verify(&parsed, &found.nonce) {
        return Ok(Err(LinkProblem::Unknown));
    }
    if found.accepted_at.is_some() {
        return Ok(Err(LinkProblem::Used));
    }
    if found.revoked_at.is_some() {
        return Ok(Err(LinkProblem::Revoked));
    }
    if found.expires_at <= state.clock.now_millis() {
        return Ok(Err(LinkProblem::Expired));
    }
    let Some(ws) = workspace::Entity::find_by_id(found.workspace_id)
        .one(&state.db)
        .await?
    else {
        return Ok(Err(LinkProblem::Unknown));
    };
    Ok(Ok((found, ws)))
}

/// The sign-up page's content; `viewer` is whoever is signed in in that browser.
pub async fn view(
    state: &AppState,
    token: &str,
    viewer: Option<&SessionUser>,
) -> Result<Result<InvitationView, LinkProblem>, AppError> {
    let (found, ws) = match open(state, token).await? {
        Ok(found) => found,
        Err(problem) => return Ok(Err(problem)),
    };
    let has_account = user::Entity::find()
        .filter(user::Column::EmailKey.eq(&found.email_key))
        .one(&state.db)
        .await?
        .is_some();
    let signed_in_as = viewer
        .filter(|viewer| {
            Email::parse(&viewer.email)
                .ok()
                .is_none_or(|e| e.key() != found.email_key)
        })
        .map(|viewer| viewer.email.clone());
    Ok(Ok(InvitationView {
        workspace_name: ws.name,
        email: found.email,
        display_name: found.display_name.unwrap_or_default(),
        has_account,
        signed_in_as,
    }))
}

/// What the sign-up form sent.
pub struct Acceptance {
    pub display_name: String,
    pub password: String,
    /// An uploaded picture, as sent.
    pub avatar: Option<Vec<u8>>,
}

/// Accepts the invitation: creates the account (or checks the existing
/// account's password) and the membership, in one transaction. Returns the
/// account and the workspace slug to land on.
pub async fn accept(
    state: &AppState,
    token: &str,
    form: Acceptance,
) -> Result<(SessionUser, String), AppError> {
    let (found, ws) = open(state, token).await?.map_err(AppError::InvalidLink)?;
    let existing = user::Entity::find()
        .filter(user::Column::EmailKey.eq(&found.email_key))
        .one(&state.db)
        .await?;
    // Work that takes time happens before the transaction.
    let new_account = match &existing {
        Some(account) => {
            if !state
                .passwords
                .verify(&form.password, Some(&account.password_hash))
                .await?
            {
                // Lost a race to someone who just accepted this very link (and so created the account)?
                open(state, token).await?.map_err(AppError::InvalidLink)?;
                return Err(AppError::Invalid {
                    field: "Password".into(),
                    message: "That is not the password of your Muster account.".into(),
                });
            }
            None
        }
        None => {
            let name = DisplayName::parse(&form.display_name)
                .map_err(|e| AppError::invalid("Display name", e))?;
            let password = super::common_passwords::new_account_password(&form.password)
                .map_err(|e| AppError::invalid("Password", e))?;
            Some((name, state.passwords.hash(&password).await?))
        }
    };

    let avatar = match form.avatar {
        Some(upload) => Some(avatars::process_upload(upload).await?),
        None => None,
    };

    let txn = crate::ssr::db::begin_write(&state.db).await?;
    let now = state.clock.now_millis();
    let [claimed] = invitations::claim(&txn, &[(found.id, &found.nonce)], now).await?[..] else {
        return Err(AppError::unexpected("a claim without its answer"));
    };
    if !claimed {
        return Err(AppError::InvalidLink(LinkProblem::Used));
    }
    let account = match (existing, new_account) {
        (Some(account), _) => account,
        (None, Some((name, hash))) => {
            let email = Email::parse(&found.email)
                .map_err(|e| AppError::internal("a stored invitation address", e))?;
            accounts::create(&txn, &email, &name, hash, now).await?
        }
        (None, None) => return Err(AppError::unexpected("neither an account nor a new one")),
    };
    join(&txn, &found, account.id, now).await?;
    if let Some(picture) = avatar {
        avatars::store(&txn, account.id, picture, now).await?;
    }
    invitations::accepted(
        &txn,
        found.workspace_id,
        &[(found.clone(), account.id)],
        now,
    )
    .await?;
    txn.commit().await?;
    Ok((
        SessionUser {
            user_id: account.id,
            email: account.email,
            display_name: account.display_name,
        },
        ws.slug,
    ))
}

async fn join(
    db: &impl ConnectionTrait,
    found: &invitation::Model,
    user_id: i32,
    now: i64,
) -> Result<(), AppError> {
    let role = found.role;
    let already = membership::Entity::find()
        .filter(membership::Column::WorkspaceId.eq(found.workspace_id))
        .filter(membership::Column::UserId.eq(user_id))
        .one(db)
        .await?;
    if already.is_some() {
        return Err(AppError::Conflict(
            "You are already a member of this workspace.".into(),
        ));
    }
    let member = membership::ActiveModel {
        workspace_id: Set(found.workspace_id),
        user_id: Set(user_id),
        role: Set(role),
        status: Set(MembershipStatus::Active),
        metadata: Set(found.metadata.clone()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    groups::carry_over(db, found.id, member.id).await
}
