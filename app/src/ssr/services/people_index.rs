//! Keeps the `people` table (the Users table's index) in step with
//! memberships and invitations. Every change to who someone is in a workspace
//! calls `refresh` for them inside its own transaction; the row is recomputed
//! from the source tables, so it cannot drift by a missed field.
use crate::error::AppError;
use crate::ssr::db::entities::{invitation, membership, person_index, user, workspace};
use crate::ssr::db::insert_batched;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use std::collections::{HashMap, HashSet};

pub mod state {
    pub const ACTIVE: &str = "active";
    pub const ARCHIVED: &str = "archived";
    pub const OPEN: &str = "open";
    pub const REVOKED: &str = "revoked";
}

/// Ids per `IN (…)` list.
const IN_LIST: usize = 500;

/// Recomputes the rows of these people (by email key) in one workspace.
pub async fn refresh(
    db: &impl ConnectionTrait,
    workspace_id: i32,
    email_keys: &[&str],
) -> Result<(), AppError> {
    if email_keys.is_empty() {
        return Ok(());
    }
    person_index::Entity::delete_many()
        .filter(person_index::Column::WorkspaceId.eq(workspace_id))
        .filter(person_index::Column::EmailKey.is_in(email_keys.iter().copied()))
        .exec(db)
        .await?;
    let members = members_of(db, workspace_id, Some(email_keys)).await?;
    let invitations = invitation::Entity::find()
        .filter(invitation::Column::WorkspaceId.eq(workspace_id))
        .filter(invitation::Column::EmailKey.is_in(email_keys.iter().copied()))
        .filter(invitation::Column::AcceptedAt.is_null())
        .all(db)
        .await?;
    insert(db, rows(workspace_id, members, invitations)).await
}

/// A new open invitation, as its Users-table row.
pub struct OpenInvitation<'a> {
    pub invitation_id: i32,
    pub email_key: &'a str,
    pub email: &'a str,
    pub name: Option<&'a str>,
    pub since: i64,
    pub expires_at: i64,
}

/// Writes the rows of people whose newest unaccepted invitation is the one
/// given and who are not members — what a bulk import just created — without
/// reading anything back: each row replaces whatever row that person had (a
/// revoked invitation, say). Only for that case; everything else `refresh`es.
pub async fn put_open_invitations(
    db: &impl ConnectionTrait,
    workspace_id: i32,
    invitations: &[OpenInvitation<'_>],
) -> Result<(), AppError> {
    let rows: Vec<person_index::ActiveModel> = invitations
        .iter()
        .map(|i| {
            row(
                workspace_id,
                i.email_key.to_owned(),
                "invitation",
                i.invitation_id,
                i.name.unwrap_or(""),
                i.email,
                state::OPEN,
                i.since,
                Some(i.expires_at),
            )
        })
        .collect();
    let replace = OnConflict::columns([
        person_index::Column::WorkspaceId,
        person_index::Column::EmailKey,
    ])
    .update_columns([
        person_index::Column::Kind,
        person_index::Column::RefId,
        person_index::Column::Unnamed,
        person_index::Column::SortName,
        person_index::Column::SortEmail,
        person_index::Column::State,
        person_index::Column::Since,
        person_index::Column::ExpiresAt,
    ])
    .to_owned();
    Ok(insert_batched(db, rows, Some(&replace)).await?)
}

/// Rebuilds every workspace's rows from scratch (first fill, and repairs).
pub async fn rebuild_all(db: &impl ConnectionTrait) -> Result<(), AppError> {
    for ws in workspace::Entity::find().all(db).await? {
        rebuild(db, ws.id).await?;
    }
    Ok(())
}

pub async fn rebuild(db: &impl ConnectionTrait, workspace_id: i32) -> Result<(), AppError> {
    person_index::Entity::delete_many()
        .filter(person_index::Column::WorkspaceId.eq(workspace_id))
        .exec(db)
        .await?;
    let members = members_of(db, workspace_id, None).await?;
    let invitations = invitation::Entity::find()
        .filter(invitation::Column::WorkspaceId.eq(workspace_id))
        .filter(invitation::Column::AcceptedAt.is_null())
        .all(db)
        .await?;
    insert(db, rows(workspace_id, members, invitations)).await
}

async fn members_of(
    db: &impl ConnectionTrait,
    workspace_id: i32,
    email_keys: Option<&[&str]>,
) -> Result<Vec<(membership::Model, user::Model)>, AppError> {
    let mut memberships =
        membership::Entity::find().filter(membership::Column::WorkspaceId.eq(workspace_id));
    if let Some(keys) = email_keys {
        let ids: Vec<i32> = user::Entity::find()
            .filter(user::Column::EmailKey.is_in(keys.iter().copied()))
            .all(db)
            .await?
            .into_iter()
            .map(|u| u.id)
            .collect();
        memberships = memberships.filter(membership::Column::UserId.is_in(ids));
    }
    let memberships = memberships.all(db).await?;
    // In slices: databases cap the number of parameters in one statement.
    let mut accounts: HashMap<i32, user::Model> = HashMap::with_capacity(memberships.len());
    for slice in memberships.chunks(IN_LIST) {
        let ids = slice.iter().map(|m| m.user_id);
        for account in user::Entity::find()
            .filter(user::Column::Id.is_in(ids))
            .all(db)
            .await?
        {
            accounts.insert(account.id, account);
        }
    }
    Ok(memberships
        .into_iter()
        .filter_map(|m| accounts.remove(&m.user_id).map(|u| (m, u)))
        .collect())
}

/// Members first; then, for everyone else, their newest invitation not yet accepted.
fn rows(
    workspace_id: i32,
    members: Vec<(membership::Model, user::Model)>,
    mut invitations: Vec<invitation::Model>,
) -> Vec<person_index::ActiveModel> {
    let mut taken: HashSet<String> = HashSet::new();
    let mut out = Vec::with_capacity(members.len() + invitations.len());
    for (member, account) in members {
        taken.insert(account.email_key.clone());
        out.push(row(
            workspace_id,
            account.email_key,
            "member",
            account.id,
            &account.display_name,
            &account.email,
            &member.status,
            member.created_at,
            None,
        ));
    }
    invitations.sort_by_key(|i| std::cmp::Reverse(i.id));
    for invite in invitations {
        if !taken.insert(invite.email_key.clone()) {
            continue;
        }
        let state = if invite.revoked_at.is_some() {
            state::REVOKED
        } else {
            state::OPEN
        };
        out.push(row(
            workspace_id,
            invite.email_key,
            "invitation",
            invite.id,
            invite.display_name.as_deref().unwrap_or(""),
            &invite.email,
            state,
            invite.created_at,
            Some(invite.expires_at),
        ));
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn row(
    workspace_id: i32,
    email_key: String,
    kind: &str,
    ref_id: i32,
    name: &str,
    email: &str,
    state: &str,
    since: i64,
    expires_at: Option<i64>,
) -> person_index::ActiveModel {
    let name = name.trim();
    person_index::ActiveModel {
        workspace_id: Set(workspace_id),
        email_key: Set(email_key),
        kind: Set(kind.to_owned()),
        ref_id: Set(ref_id),
        unnamed: Set(i32::from(name.is_empty())),
        sort_name: Set(name.to_lowercase()),
        sort_email: Set(email.to_lowercase()),
        state: Set(state.to_owned()),
        since: Set(since),
        expires_at: Set(expires_at),
    }
}

async fn insert(
    db: &impl ConnectionTrait,
    rows: Vec<person_index::ActiveModel>,
) -> Result<(), AppError> {
    Ok(insert_batched(db, rows, None).await?)
}
