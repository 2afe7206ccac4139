//! Committing the rows of one import chunk in bulk, inside the chunk's
//! transaction: every row checked again with the pipeline's `validate_row`,
//! then a handful of set-wise statements for the whole chunk (look up who is
//! known, insert the new invitations, their groups, mail, audit and index
//! rows) instead of a dozen statements per row. Rarer cases (an expired
//! invitation to renew, an open one to resend) take the one-row path.
use super::invitations::{self, delivery, InviteRequest};
use super::{groups, people_index, Actor};
use crate::api::imports::{ConflictChoices, ImportRow, RowOutcomeKind};
use crate::api::invitations::InviteOutcomeKind;
use crate::domain::{DisplayName, Email, GroupName, Metadata, Role};
use crate::error::AppError;
use crate::import::{self, RowDefaults, Severity, SourceRow};
use crate::ssr::db::entities::{audit_log, invitation, invitation_group, membership, outbox, user};
use crate::ssr::db::insert_batched;
use crate::ssr::time::{now_millis, HOUR_MILLIS};
use crate::ssr::AppState;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set};
use std::collections::{HashMap, HashSet};

/// Keys per `IN (…)` list.
const IN_LIST: usize = 500;

/// A row that passed the server's checks.
pub struct Valid {
    pub email: Email,
    pub name: Option<DisplayName>,
    pub role: Role,
    pub groups: Vec<GroupName>,
    pub metadata: Metadata,
}

/// The browser's row, checked again by the same code that checked the file.
pub fn revalidate(row: &ImportRow) -> Result<Valid, String> {
    let cells = vec![
        row.email.clone(),
        row.name.clone().unwrap_or_default(),
        row.role.as_str().to_owned(),
        row.groups.join("|"),
        serde_json::Value::Object(row.metadata.clone()).to_string(),
    ];
    let candidate = import::validate_row(
        &SourceRow {
            number: row.row,
            cells,
        },
        &import::wire_mapping(),
        &RowDefaults::default(),
    );
    if let Some(problem) = candidate
        .problems
        .iter()
        .find(|p| p.severity == Severity::Error)
    {
        return Err(format!("{}: {}", problem.column, problem.message));
    }
    let invalid = |e: crate::domain::Invalid| e.0;
    Ok(Valid {
        email: Email::parse_cell(&candidate.email).map_err(invalid)?,
        name: candidate
            .name
            .as_deref()
            .map(DisplayName::parse)
            .transpose()
            .map_err(invalid)?,
        role: candidate.role,
        groups: candidate
            .groups
            .iter()
            .map(|g| GroupName::parse(g))
            .collect::<Result<_, _>>()
            .map_err(invalid)?,
        metadata: Metadata::parse(&serde_json::Value::Object(candidate.metadata).to_string())
            .map_err(invalid)?,
    })
}

/// What became of one row, and the invitation it concerns.
pub struct Committed {
    pub kind: RowOutcomeKind,
    pub invitation_id: Option<i32>,
}

/// Where the workspace stands on the chunk's people.
struct Known {
    members: HashSet<String>,
    open: HashMap<String, invitation::Model>,
}

async fn known(
    db: &impl ConnectionTrait,
    workspace_id: i32,
    keys: &[&str],
) -> Result<Known, AppError> {
    let mut members = HashSet::new();
    let mut open = HashMap::new();
    for slice in keys.chunks(IN_LIST) {
        let accounts: HashMap<i32, String> = user::Entity::find()
            .filter(user::Column::EmailKey.is_in(slice.iter().copied()))
            .all(db)
            .await?
            .into_iter()
            .map(|u| (u.id, u.email_key))
            .collect();
        if !accounts.is_empty() {
            for m in membership::Entity::find()
                .filter(membership::Column::WorkspaceId.eq(workspace_id))
                .filter(membership::Column::UserId.is_in(accounts.keys().copied()))
                .all(db)
                .await?
            {
                if let Some(key) = accounts.get(&m.user_id) {
                    members.insert(key.clone());
                }
            }
        }
        for found in invitation::Entity::find()
            .filter(invitation::Column::WorkspaceId.eq(workspace_id))
            .filter(invitation::Column::EmailKey.is_in(slice.iter().copied()))
            .filter(invitation::Column::AcceptedAt.is_null())
            .filter(invitation::Column::RevokedAt.is_null())
            .all(db)
            .await?
        {
            open.insert(found.email_key.clone(), found);
        }
    }
    Ok(Known { members, open })
}

/// Group ids by name key: created when the admin chose so, else only the
/// existing ones (a row naming a missing group then fails).
async fn group_ids(
    txn: &impl ConnectionTrait,
    by: Actor,
    rows: &[(usize, Valid)],
    create: bool,
) -> Result<HashMap<String, i32>, AppError> {
    let mut names: HashMap<String, GroupName> = HashMap::new();
    for (_, valid) in rows {
        for group in &valid.groups {
            names.entry(group.key()).or_insert_with(|| group.clone());
        }
    }
    let mut ids = HashMap::with_capacity(names.len());
    for (key, name) in names {
        let found = if create {
            groups::resolve_or_create(txn, by, std::slice::from_ref(&name))
                .await?
                .first()
                .copied()
        } else {
            groups::resolve_existing(txn, by.workspace_id, std::slice::from_ref(&name))
                .await?
                .ok()
                .and_then(|ids| ids.first().copied())
        };
        if let Some(id) = found {
            ids.insert(key, id);
        }
    }
    Ok(ids)
}

/// Why a row is skipped (shown in the report, and by a dry run).
pub const SKIP_MEMBER: &str = "Already in this workspace.";
pub const SKIP_PENDING: &str = "Already invited; that invitation is still open.";
pub const SKIP_EXPIRED: &str = "Invitation expired; skipped as chosen.";

/// Commits rows not yet recorded for the batch; one outcome per row, in order.
pub async fn commit_rows(
    state: &AppState,
    txn: &impl ConnectionTrait,
    by: Actor,
    rows: &[ImportRow],
    send_email: bool,
    choices: ConflictChoices,
) -> Result<Vec<Committed>, AppError> {
    let mut outcomes: Vec<Option<Committed>> = (0..rows.len()).map(|_| None).collect();
    let fail = |why: String| Committed {
        kind: RowOutcomeKind::Failed(why),
        invitation_id: None,
    };
    let skip = |why: &str, invitation_id: Option<i32>| Committed {
        kind: RowOutcomeKind::Skipped(why.to_owned()),
        invitation_id,
    };

    // Checked again; a second row for the same person in one chunk fails.
    let mut valid: Vec<(usize, Valid)> = Vec::with_capacity(rows.len());
    let mut first_row: HashMap<String, usize> = HashMap::new();
    for (i, row) in rows.iter().enumerate() {
        match revalidate(row) {
            Ok(v) => match first_row.get(v.email.key()) {
                Some(&first) => {
                    outcomes[i] = Some(fail(format!(
                        "Email: the same address as row {}.",
                        rows[first].row
                    )))
                }
                None => {
                    first_row.insert(v.email.key().to_owned(), i);
                    valid.push((i, v));
                }
            },
            Err(why) => outcomes[i] = Some(fail(why)),
        }
    }

    let groups_by_key = group_ids(txn, by, &valid, choices.create_groups).await?;
    let keys: Vec<&str> = valid.iter().map(|(_, v)| v.email.key()).collect();
    let known = known(txn, by.workspace_id, &keys).await?;
    let now = now_millis();

    let mut fresh: Vec<(usize, Valid, Vec<i32>)> = Vec::new();
    for (i, v) in valid {
        let mut ids = Vec::with_capacity(v.groups.len());
        if let Some(missing) = v
            .groups
            .iter()
            .find(|g| !groups_by_key.contains_key(&g.key()))
        {
            outcomes[i] = Some(fail(format!(
                "Groups: there is no group “{}” in this workspace (create it, or choose to create new groups).",
                missing.as_str()
            )));
            continue;
        }
        ids.extend(
            v.groups
                .iter()
                .filter_map(|g| groups_by_key.get(&g.key()).copied()),
        );
        let key = v.email.key().to_owned();
        if known.members.contains(&key) {
            outcomes[i] = Some(skip(SKIP_MEMBER, None));
            continue;
        }
        match known.open.get(&key) {
            Some(open) if open.expires_at > now => {
                outcomes[i] = Some(if choices.resend_pending {
                    invitations::resend_in(state, txn, by, open.id).await?;
                    Committed {
                        kind: RowOutcomeKind::Resent,
                        invitation_id: Some(open.id),
                    }
                } else {
                    skip(SKIP_PENDING, Some(open.id))
                });
            }
            Some(_) if choices.skip_expired => {
                outcomes[i] = Some(skip(SKIP_EXPIRED, None));
            }
            // Renewing an expired invitation: the one-row path.
            Some(_) => {
                let request = request_for(&v, send_email);
                let outcome =
                    invitations::invite_one(state, txn, by, &v.email, &request, &ids).await?;
                outcomes[i] = Some(match outcome {
                    InviteOutcomeKind::Invited { invitation_id } => Committed {
                        kind: RowOutcomeKind::Invited,
                        invitation_id: Some(invitation_id),
                    },
                    _ => skip("Already invited; that invitation is still open.", None),
                });
            }
            None => fresh.push((i, v, ids)),
        }
    }

    let created = insert_invitations(state, txn, by, &fresh, send_email, now).await?;
    for (i, v, _) in &fresh {
        outcomes[*i] = Some(Committed {
            kind: RowOutcomeKind::Invited,
            invitation_id: created.get(v.email.key()).copied(),
        });
    }
    Ok(outcomes
        .into_iter()
        .map(|o| o.unwrap_or_else(|| fail("Not processed.".into())))
        .collect())
}

fn request_for(v: &Valid, send_email: bool) -> InviteRequest {
    InviteRequest {
        emails: Vec::new(),
        name: v.name.clone(),
        role: v.role,
        groups: Vec::new(),
        metadata: v.metadata.clone(),
        send_email,
    }
}

/// The new invitations, their groups, their mail, their audit entries and
/// their Users-table rows, each as multi-row INSERTs; only the new ids are
/// read back. Returns them by email key.
async fn insert_invitations(
    state: &AppState,
    txn: &impl ConnectionTrait,
    by: Actor,
    fresh: &[(usize, Valid, Vec<i32>)],
    send_email: bool,
    now: i64,
) -> Result<HashMap<String, i32>, AppError> {
    if fresh.is_empty() {
        return Ok(HashMap::new());
    }
    let expires_at = now + i64::from(state.settings.invite_expiry_hours) * HOUR_MILLIS;
    let delivery_state = if send_email {
        delivery::QUEUED
    } else {
        delivery::NOT_SENT
    };
    // Collected, not streamed: a borrowing closure held across `.await`
    // would make the server function's future not `Send`.
    let rows: Vec<invitation::ActiveModel> = fresh
        .iter()
        .map(|(_, v, _)| {
            invitations::new_invitation(
                by,
                &v.email,
                &request_for(v, send_email),
                delivery_state,
                now,
                expires_at,
            )
        })
        .collect();
    insert_batched(txn, rows, None).await?;
    // Read back the ids: the only open invitations for these people are the
    // ones just written (the partial unique index holds it so).
    let mut ids: HashMap<String, i32> = HashMap::with_capacity(fresh.len());
    let keys: Vec<&str> = fresh.iter().map(|(_, v, _)| v.email.key()).collect();
    for slice in keys.chunks(IN_LIST) {
        let found: Vec<(i32, String)> = invitation::Entity::find()
            .select_only()
            .column(invitation::Column::Id)
            .column(invitation::Column::EmailKey)
            .filter(invitation::Column::WorkspaceId.eq(by.workspace_id))
            .filter(invitation::Column::EmailKey.is_in(slice.iter().copied()))
            .filter(invitation::Column::AcceptedAt.is_null())
            .filter(invitation::Column::RevokedAt.is_null())
            .into_tuple()
            .all(txn)
            .await?;
        ids.extend(found.into_iter().map(|(id, key)| (key, id)));
    }
    let created: Vec<(i32, &Valid)> = fresh
        .iter()
        .filter_map(|(_, v, _)| ids.get(v.email.key()).map(|&id| (id, v)))
        .collect();

    let memberships: Vec<invitation_group::ActiveModel> = fresh
        .iter()
        .filter_map(|(_, v, groups)| ids.get(v.email.key()).map(|id| (*id, groups)))
        .flat_map(|(id, groups)| {
            groups
                .iter()
                .map(move |&group_id| invitation_group::ActiveModel {
                    invitation_id: Set(id),
                    group_id: Set(group_id),
                })
        })
        .collect();
    insert_batched(txn, memberships, None).await?;
    if send_email {
        let mail: Vec<outbox::ActiveModel> = created
            .iter()
            .map(|&(id, _)| outbox::ActiveModel {
                invitation_id: Set(id),
                created_at: Set(now),
                attempts: Set(0),
                next_attempt_at: Set(now),
                ..Default::default()
            })
            .collect();
        insert_batched(txn, mail, None).await?;
    }
    let audit: Vec<audit_log::ActiveModel> = created
        .iter()
        .map(|&(id, v)| audit_log::ActiveModel {
            workspace_id: Set(Some(by.workspace_id)),
            actor_user_id: Set(by.user_id),
            action: Set("invitation.created".into()),
            detail: Set(
                serde_json::json!({ "invitation": id, "email": v.email.as_str(), "role": v.role.as_str() })
                    .to_string(),
            ),
            created_at: Set(now),
            ..Default::default()
        })
        .collect();
    insert_batched(txn, audit, None).await?;
    let people: Vec<people_index::OpenInvitation> = created
        .iter()
        .map(|&(id, v)| people_index::OpenInvitation {
            invitation_id: id,
            email_key: v.email.key(),
            email: v.email.as_str(),
            name: v.name.as_ref().map(|n| n.as_str()),
            since: now,
            expires_at,
        })
        .collect();
    people_index::put_open_invitations(txn, by.workspace_id, &people).await?;
    Ok(ids)
}
