use crate::domain::{MembershipStatus, Role, Slug};
use crate::error::AppError;
use crate::ssr::db::entities::{membership, workspace};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};

/// What a signed-in person may do in one workspace.
#[derive(Debug, Clone)]
pub struct WorkspaceAccess {
    pub workspace: workspace::Model,
    pub role: Role,
}

impl WorkspaceAccess {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// `user_id` acting in this workspace.
    pub fn actor(&self, user_id: i32) -> super::Actor {
        super::Actor {
            workspace_id: self.workspace.id,
            user_id: Some(user_id),
        }
    }
}

pub async fn find_by_slug(
    db: &impl ConnectionTrait,
    slug: &str,
) -> Result<Option<workspace::Model>, AppError> {
    if Slug::parse(slug).is_err() {
        return Ok(None);
    }
    Ok(workspace::Entity::find()
        .filter(workspace::Column::Slug.eq(slug))
        .one(db)
        .await?)
}

/// The person's access to the workspace: `NotFound` for an unknown workspace,
/// `Forbidden` when they have no active membership in it. Checked on every request.
pub async fn access(
    db: &impl ConnectionTrait,
    slug: &str,
    user_id: i32,
) -> Result<WorkspaceAccess, AppError> {
    let workspace = find_by_slug(db, slug).await?.ok_or(AppError::NotFound)?;
    let membership = membership::Entity::find()
        .filter(membership::Column::WorkspaceId.eq(workspace.id))
        .filter(membership::Column::UserId.eq(user_id))
        .filter(membership::Column::Status.eq(MembershipStatus::Active))
        .one(db)
        .await?
        .ok_or(AppError::Forbidden)?;
    Ok(WorkspaceAccess {
        workspace,
        role: membership.role,
    })
}

/// A slug not yet taken, derived from the workspace name.
pub async fn free_slug(db: &impl ConnectionTrait, name: &str) -> Result<Slug, AppError> {
    let base = Slug::from_name(name);
    let mut candidate = base.clone();
    for n in 2.. {
        let taken = workspace::Entity::find()
            .filter(workspace::Column::Slug.eq(candidate.as_str()))
            .count(db)
            .await?
            > 0;
        if !taken {
            break;
        }
        candidate = base.with_suffix(n);
    }
    Ok(candidate)
}
