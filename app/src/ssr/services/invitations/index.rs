//! Keeps the `people` table (the Users table's index) in step with
//! memberships and invitations. Every change to who someone is in a workspace
//! calls `refresh` for them inside its own transaction (the invitation writer
//! for invitations; member changes, setup and acceptance for members); the rows
//! are recomputed from the source tables, so they cannot drift by a missed
//! field. Nothing else writes the table. Each write also appends the change
//! in the workspace's counts by kind and state (`tally`).
use super::tally::{self, Tally};
use crate::error::AppError;
use crate::ssr::db::entities::{invitation, membership, person_index, user, workspace};
use crate::ssr::db::{insert_batched, within};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, Set,
};
use std::collections::{HashMap, HashSet};

const INVITATION: &str = "invitation";

pub mod state {
    pub const ACTIVE: &str = "active";
    pub const ARCHIVED: &str = "archived";
    pub const OPEN: &str = "open";
    pub const REVOKED: &str = "revoked";
}

/// Recomputes the rows of these people (by email key) in one workspace.
pub async fn refresh(
    db: &impl ConnectionTrait,
    workspace_id: i32,
    email_keys: &[&str],
) -> Result<(), AppError> {
    let mut seen = HashSet::with_capacity(email_keys.len());
    let keys: Vec<&str> = email_keys
        .iter()
        .copied()
        .filter(|k| seen.insert(*k))
        .collect();
    if keys.is_empty() {
        return Ok(());
    }
    let backend = db.get_database_backend();
    let gone = remove(db, workspace_id, &keys).await?;
    let members = members_of(db, workspace_id, Some(&keys)).await?;
    let invitations = invitation::Entity::find()
        .filter(invitation::Column::WorkspaceId.eq(workspace_id))
        .filter(within(backend, invitation::Column::EmailKey, &keys))
        .filter(invitation::Column::AcceptedAt.is_null())
        .all(db)
        .await?;
    insert(
        db,
        workspace_id,
        gone,
        rows(workspace_id, members, invitations),
    )
    .await
}

/// The index rows that are these invitations' (not those of a member, or of
/// another invitation to the same address): the primary key finds the
/// rows, the ids pick them.
fn rows_of(
    db: &impl ConnectionTrait,
    workspace_id: i32,
    invitations: &[invitation::Model],
) -> Condition {
    let backend = db.get_database_backend();
    let keys: Vec<&str> = invitations.iter().map(|i| i.email_key.as_str()).collect();
    let ids: Vec<i32> = invitations.iter().map(|i| i.id).collect();
    Condition::all()
        .add(person_index::Column::WorkspaceId.eq(workspace_id))
        .add(within(backend, person_index::Column::EmailKey, &keys))
        .add(within(backend, person_index::Column::RefId, &ids))
        .add(person_index::Column::Kind.eq(INVITATION))
}

/// The rows of these invitations, just revoked, marked so in place. A revoke
/// makes no one a member and changes no one's newest invitation, so the row
/// `refresh` would compute differs from the stored one in its state alone
/// (and only where the row is the revoked invitation's); the index property
/// test holds the two equal. Written in one statement, not read and
/// rewritten: an undo of 100,000 revokes them all.
pub async fn mark_revoked(
    db: &impl ConnectionTrait,
    workspace_id: i32,
    revoked: &[invitation::Model],
) -> Result<(), AppError> {
    if revoked.is_empty() {
        return Ok(());
    }
    let marked = person_index::Entity::update_many()
        .col_expr(person_index::Column::State, Expr::value(state::REVOKED))
        .filter(rows_of(db, workspace_id, revoked))
        .filter(person_index::Column::State.eq(state::OPEN))
        .exec(db)
        .await?
        .rows_affected;
    let marked = i64::try_from(marked).unwrap_or(i64::MAX);
    let tally = Tally::from([
        ((INVITATION.to_owned(), state::OPEN.to_owned()), -marked),
        ((INVITATION.to_owned(), state::REVOKED.to_owned()), marked),
    ]);
    tally::record(db, workspace_id, &tally).await
}

/// The rows of these open invitations, just given new links, with their new
/// expiry. A resend keeps an invitation open and changes no one's newest
/// invitation, so the row `refresh` would compute differs from the stored
/// one in its expiry alone: one statement that copies it, the tallies
/// untouched (the index property test holds the two equal).
pub async fn mark_renewed(
    db: &impl ConnectionTrait,
    workspace_id: i32,
    renewed: &[invitation::Model],
) -> Result<(), AppError> {
    if renewed.is_empty() {
        return Ok(());
    }
    person_index::Entity::update_many()
        .col_expr(
            person_index::Column::ExpiresAt,
            Expr::cust("(SELECT i.expires_at FROM invitations AS i WHERE i.id = people.ref_id)"),
        )
        .filter(rows_of(db, workspace_id, renewed))
        .exec(db)
        .await?;
    Ok(())
}

/// The rows of people who were nobody in this workspace a moment ago and now
/// have these invitations, just created: the same rows `refresh` computes,
/// without reading back what the caller holds. Rows left for them by
/// an earlier, accepted invitation or a removed membership go first.
pub async fn put_created(
    db: &impl ConnectionTrait,
    workspace_id: i32,
    created: Vec<invitation::Model>,
) -> Result<(), AppError> {
    if created.is_empty() {
        return Ok(());
    }
    let keys: Vec<&str> = created.iter().map(|i| i.email_key.as_str()).collect();
    let gone = remove(db, workspace_id, &keys).await?;
    insert(
        db,
        workspace_id,
        gone,
        rows(workspace_id, Vec::new(), created),
    )
    .await
}

/// Deletes these people's rows; how many of each kind and state went.
async fn remove(
    db: &impl ConnectionTrait,
    workspace_id: i32,
    keys: &[&str],
) -> Result<Tally, AppError> {
    let gone = person_index::Entity::delete_many()
        .filter(person_index::Column::WorkspaceId.eq(workspace_id))
        .filter(within(
            db.get_database_backend(),
            person_index::Column::EmailKey,
            keys,
        ))
        .exec_with_returning(db)
        .await?;
    let mut tally = Tally::new();
    for row in gone {
        *tally.entry((row.kind, row.state)).or_default() -= 1;
    }
    Ok(tally)
}

/// Fills the index of a database that has people but no index yet (one made
/// before the index existed).
pub async fn fill_if_empty(db: &impl ConnectionTrait) -> Result<(), AppError> {
    let indexed = person_index::Entity::find().one(db).await?.is_some();
    if indexed {
        return Ok(());
    }
    let has_people = membership::Entity::find().one(db).await?.is_some()
        || invitation::Entity::find().one(db).await?.is_some();
    if has_people {
        rebuild_all(db).await?;
    }
    Ok(())
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
    tally::forget(db, workspace_id).await?;
    let members = members_of(db, workspace_id, None).await?;
    let invitations = invitation::Entity::find()
        .filter(invitation::Column::WorkspaceId.eq(workspace_id))
        .filter(invitation::Column::AcceptedAt.is_null())
        .all(db)
        .await?;
    insert(
        db,
        workspace_id,
        Tally::new(),
        rows(workspace_id, members, invitations),
    )
    .await
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
            .filter(within(
                db.get_database_backend(),
                user::Column::EmailKey,
                keys,
            ))
            .all(db)
            .await?
            .into_iter()
            .map(|u| u.id)
            .collect();
        memberships = memberships.filter(within(
            db.get_database_backend(),
            membership::Column::UserId,
            &ids,
        ));
    }
    let memberships = memberships.all(db).await?;
    let ids: Vec<i32> = memberships.iter().map(|m| m.user_id).collect();
    let mut accounts: HashMap<i32, user::Model> = if ids.is_empty() {
        HashMap::new()
    } else {
        user::Entity::find()
            .filter(within(db.get_database_backend(), user::Column::Id, &ids))
            .all(db)
            .await?
            .into_iter()
            .map(|account| (account.id, account))
            .collect()
    };
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
            member.status.as_str(),
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
            INVITATION,
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

/// Writes the rows, and the change in the workspace's tallies: `gone` (the
/// rows they replace, counted negative) plus these.
async fn insert(
    db: &impl ConnectionTrait,
    workspace_id: i32,
    mut tally: Tally,
    rows: Vec<person_index::ActiveModel>,
) -> Result<(), AppError> {
    for row in &rows {
        // `row` sets both on every row it makes.
        if let (ActiveValue::Set(kind), ActiveValue::Set(state)) = (&row.kind, &row.state) {
            *tally.entry((kind.clone(), state.clone())).or_default() += 1;
        }
    }
    insert_batched(db, rows, None).await?;
    tally::record(db, workspace_id, &tally).await
}
