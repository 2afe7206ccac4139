//! The full rows of a page's people, read from the source tables by the
//! keys the Users index gave, in their order.
use super::Key;
use crate::domain::{DeliveryState, MembershipStatus, PersonStatus, Role};
use crate::error::AppError;
use crate::model::users::{PersonId, PersonRow};
use crate::ssr::services::outbox::BOUNCED;
use sea_orm::{ConnectionTrait, FromQueryResult, Statement};
use std::collections::HashMap;

/// The details of the people on one page. The id lists are integers read
/// from the database, inlined. The unary `+` keeps SQLite from walking the
/// workspace's invitations by `(workspace_id, …)` instead of fetching 50 ids
/// (it did without table statistics: 4.6 ms a page at 50,000 invitations,
/// against 0.13 ms); PostgreSQL reads it as the plain value.
const DETAILS: &str = "
    SELECT 'member' AS kind, u.id AS id, u.display_name AS name, u.email AS email, m.role AS role,
           m.status AS member_status, NULL AS revoked_at, NULL AS invited_by, m.created_at AS since,
           NULL AS expires_at, NULL AS delivery, NULL AS reminded_at, NULL AS mail_error,
           1 AS has_account, av.updated_at AS avatar_version
      FROM memberships m JOIN users u ON u.id = m.user_id
      LEFT JOIN avatars av ON av.user_id = u.id
     WHERE m.workspace_id = {workspace} AND u.id IN ({members})
    UNION ALL
    SELECT 'invitation', i.id, COALESCE(i.display_name, ''), i.email, i.role,
           NULL, i.revoked_at, inviter.display_name, i.created_at, i.expires_at, i.delivery, i.reminded_at,
           (SELECT o.last_error FROM outbox o WHERE o.invitation_id = i.id AND o.failed_at IS NOT NULL
             ORDER BY o.id DESC LIMIT 1),
           CASE WHEN EXISTS (SELECT 1 FROM users a WHERE a.email_key = i.email_key) THEN 1 ELSE 0 END,
           NULL
      FROM invitations i LEFT JOIN users inviter ON inviter.id = i.invited_by
     WHERE +i.workspace_id = {workspace} AND i.id IN ({invitations})";

#[derive(Debug, FromQueryResult)]
struct Row {
    kind: String,
    id: i32,
    name: String,
    email: String,
    role: Role,
    member_status: Option<MembershipStatus>,
    revoked_at: Option<i64>,
    invited_by: Option<String>,
    since: Option<i64>,
    expires_at: Option<i64>,
    delivery: Option<DeliveryState>,
    reminded_at: Option<i64>,
    mail_error: Option<String>,
    has_account: i32,
    avatar_version: Option<i64>,
}

/// The full rows for a page's keys, in the keys' order.
pub(super) async fn details(
    db: &impl ConnectionTrait,
    workspace_id: i32,
    now: i64,
    keys: &[Key],
) -> Result<Vec<PersonRow>, AppError> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let id_list = |kind: &str| {
        let ids: Vec<String> = keys
            .iter()
            .filter(|k| k.kind == kind)
            .map(|k| k.ref_id.to_string())
            .collect();
        if ids.is_empty() {
            "NULL".to_owned()
        } else {
            ids.join(",")
        }
    };
    let sql = DETAILS
        .replace("{workspace}", &workspace_id.to_string())
        .replace("{members}", &id_list("member"))
        .replace("{invitations}", &id_list("invitation"));
    let backend = db.get_database_backend();
    let mut found: HashMap<PersonId, PersonRow> =
        Row::find_by_statement(Statement::from_string(backend, sql))
            .all(db)
            .await?
            .into_iter()
            .map(|row| to_person(row, now))
            .map(|row| (row.id, row))
            .collect();
    Ok(keys
        .iter()
        .filter_map(|key| {
            let id = if key.kind == "member" {
                PersonId::Member(key.ref_id)
            } else {
                PersonId::Invitation(key.ref_id)
            };
            found.remove(&id)
        })
        .collect())
}

fn to_person(row: Row, now: i64) -> PersonRow {
    let is_member = row.kind == "member";
    let status = match row.member_status {
        Some(MembershipStatus::Active) => PersonStatus::Active,
        Some(MembershipStatus::Archived) => PersonStatus::Archived,
        None => PersonStatus::of_invitation(
            row.revoked_at.is_some(),
            row.expires_at.unwrap_or(0),
            now,
            row.has_account != 0,
        ),
    };
    PersonRow {
        id: if is_member {
            PersonId::Member(row.id)
        } else {
            PersonId::Invitation(row.id)
        },
        name: row.name,
        email: row.email,
        role: row.role,
        groups: Vec::new(),
        avatar: row
            .avatar_version
            .filter(|_| is_member)
            .map(|version| format!("/avatars/{}?v={version}", row.id)),
        status,
        invited_by: row.invited_by,
        invited_at: if is_member { None } else { row.since },
        expires_at: row.expires_at,
        delivery: row.delivery,
        reminded_at: row.reminded_at,
        mail_problem: row
            .mail_error
            .filter(|_| row.delivery.is_some_and(DeliveryState::is_problem))
            .map(|error| error.trim_start_matches(BOUNCED).to_owned()),
    }
}
