//! First start: the one-time setup link, and creating the first workspace and its admin.
use super::secrets::{hash_secret, new_secret};
use super::{accounts, audit, workspaces};
use crate::domain::{DisplayName, Email, MembershipStatus, Password, Role, WorkspaceName};
use crate::error::AppError;
use crate::ssr::db::entities::{membership, setup_token, user, workspace};
use crate::ssr::services::audit::AuditAction;
use crate::ssr::AppState;
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, PaginatorTrait, Set};

/// Who is allowed to run setup: the holder of the printed link, or an operator at the console.
pub enum SetupAuthority<'a> {
    Link(&'a str),
    Operator,
}

/// The validated setup form. Field names are the labels people see.
pub struct NewWorkspace {
    pub workspace_name: WorkspaceName,
    pub admin_name: DisplayName,
    pub admin_email: Email,
    pub admin_password: Password,
}

impl NewWorkspace {
    pub fn parse(
        workspace_name: &str,
        admin_name: &str,
        email: &str,
        password: &str,
    ) -> Result<Self, AppError> {
        Ok(Self {
            workspace_name: WorkspaceName::parse(workspace_name)
                .map_err(|e| AppError::invalid("Workspace name", e))?,
            admin_name: DisplayName::parse(admin_name)
                .map_err(|e| AppError::invalid("Your name", e))?,
            admin_email: Email::parse(email).map_err(|e| AppError::invalid("Email address", e))?,
            admin_password: super::common_passwords::new_account_password(password)
                .map_err(|e| AppError::invalid("Password", e))?,
        })
    }
}

pub struct CreatedWorkspace {
    pub workspace: workspace::Model,
    pub admin: user::Model,
}

/// Setup is open until the first workspace exists.
pub async fn is_open(db: &impl ConnectionTrait) -> Result<bool, AppError> {
    Ok(workspace::Entity::find().count(db).await? == 0)
}

/// Replaces any earlier setup link with a new one, while setup is open.
pub async fn issue_link_token(
    db: &impl ConnectionTrait,
    now: i64,
) -> Result<Option<String>, AppError> {
    if !is_open(db).await? {
        return Ok(None);
    }
    setup_token::Entity::delete_many().exec(db).await?;
    let token = new_secret();
    setup_token::ActiveModel {
        token_hash: Set(hash_secret(&token)),
        created_at: Set(now),
    }
    .insert(db)
    .await?;
    Ok(Some(token))
}

pub async fn token_is_valid(db: &impl ConnectionTrait, token: &str) -> Result<bool, AppError> {
    Ok(setup_token::Entity::find_by_id(hash_secret(token))
        .one(db)
        .await?
        .is_some())
}

/// Creates the first workspace, its admin account and membership, in one
/// transaction. The link's token is consumed by a conditional delete, so two
/// simultaneous submissions create one workspace.
pub async fn create_first_workspace(
    state: &AppState,
    form: NewWorkspace,
    authority: SetupAuthority<'_>,
) -> Result<CreatedWorkspace, AppError> {
    if let SetupAuthority::Link(token) = authority {
        if !token_is_valid(&state.db, token).await? {
            return Err(if is_open(&state.db).await? {
                AppError::InvalidSetupToken
            } else {
                AppError::SetupClosed
            });
        }
    }
    let password_hash = accounts::hash_password(state, &form.admin_password).await?;

    let txn = crate::ssr::db::begin_write(&state.db).await?;
    let consumed = match authority {
        SetupAuthority::Link(token) => {
            setup_token::Entity::delete_by_id(hash_secret(token))
                .exec(&txn)
                .await?
                .rows_affected
        }
        SetupAuthority::Operator => {
            setup_token::Entity::delete_many().exec(&txn).await?;
            1
        }
    };
    if consumed != 1 || !is_open(&txn).await? {
        return Err(AppError::SetupClosed);
    }
    let now = state.clock.now_millis();
    let slug = workspaces::free_slug(&txn, form.workspace_name.as_str()).await?;
    let workspace = workspace::ActiveModel {
        name: Set(form.workspace_name.as_str().to_owned()),
        slug: Set(slug.as_str().to_owned()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let admin = match accounts::find_by_email(&txn, &form.admin_email).await? {
        Some(existing) => existing,
        None => {
            accounts::create(
                &txn,
                &form.admin_email,
                &form.admin_name,
                password_hash,
                now,
            )
            .await?
        }
    };
    membership::ActiveModel {
        workspace_id: Set(workspace.id),
        user_id: Set(admin.id),
        role: Set(Role::Admin),
        status: Set(MembershipStatus::Active),
        metadata: Set("{}".to_owned()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    super::invitations::index::refresh(&txn, workspace.id, &[&admin.email_key]).await?;
    audit::record(
        &txn,
        Some(workspace.id),
        Some(admin.id),
        AuditAction::WorkspaceCreated,
        serde_json::json!({ "name": workspace.name, "slug": workspace.slug }),
        now,
    )
    .await?;
    txn.commit().await?;
    tracing::info!(workspace = %workspace.slug, "first workspace created");
    Ok(CreatedWorkspace { workspace, admin })
}
