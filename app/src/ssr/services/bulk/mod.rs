//! Bulk changes: one action over many people of the Users table (those named,
//! or everyone a search and status filter match), a chunk at a time, each
//! chunk in its own transaction through the same set-wise functions the
//! rows' actions use. The change's row keeps its place (the last address
//! done, in the Users index's order), so a step asked for twice is done once;
//! it is audited as one Activity entry, kept up to date as it goes.
mod apply;

use super::audit::AuditAction;
use super::{groups, people, Actor};
use crate::domain::{Email, GroupName, Role};
use crate::error::AppError;
use crate::model::bulk::{
    thousands, BulkAction, BulkProgress, BulkRequest, BulkTarget, Skipped, MAX_NAMED,
};
use crate::model::users::{PersonId, StatusFilter};
use crate::ssr::db::entities::{audit_log, bulk_change};
use crate::ssr::db::{begin_write, in_set, placeholders};
use crate::ssr::AppState;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, FromQueryResult,
    QueryFilter, QuerySelect, Set, Statement,
};
use std::collections::BTreeMap;

/// People done per step (one transaction).
pub const CHUNK: u64 = 1_000;

/// Whom a bulk change is for.
#[derive(Debug, Clone)]
pub enum Target {
    /// These members (user ids) and invitations (ids).
    Named {
        members: Vec<i32>,
        invitations: Vec<i32>,
    },
    /// People by address (the JSON API, the command line); addresses nobody
    /// in the workspace has are counted as skipped.
    Addresses(Vec<Email>),
    Matching {
        search: String,
        status: Option<StatusFilter>,
    },
}

#[derive(Debug, Clone)]
pub struct NewBulk {
    pub action: BulkAction,
    /// For `ChangeRole`.
    pub role: Option<Role>,
    /// For `AddToGroup` (created if it does not exist) and `RemoveFromGroup`.
    pub group: Option<GroupName>,
    pub target: Target,
}

impl NewBulk {
    /// The browser's request, checked.
    pub fn parse(request: BulkRequest) -> Result<Self, AppError> {
        let group = request
            .group
            .as_deref()
            .map(str::trim)
            .filter(|g| !g.is_empty())
            .map(GroupName::parse)
            .transpose()
            .map_err(|e| AppError::invalid("Group", e))?;
        let target = match request.target {
            BulkTarget::People(people) => {
                let (mut members, mut invitations) = (Vec::new(), Vec::new());
                for person in people {
                    match person {
                        PersonId::Member(id) => members.push(id),
                        PersonId::Invitation(id) => invitations.push(id),
                    }
                }
                Target::Named {
                    members,
                    invitations,
                }
            }
            BulkTarget::Matching { search, status } => Target::Matching {
                search,
                status: StatusFilter::parse(&status).map_err(|e| AppError::invalid("Status", e))?,
            },
        };
        Ok(NewBulk {
            action: request.action,
            role: request.role,
            group,
            target,
        })
    }
}

/// Opens a bulk change: checks what it needs, counts whom it is for, and
/// writes its Activity entry. Nothing is changed until `step`.
pub async fn start(state: &AppState, by: Actor, new: NewBulk) -> Result<BulkProgress, AppError> {
    let now = state.clock.now_millis();
    let txn = begin_write(&state.db).await?;
    let role = match (new.action, new.role) {
        (BulkAction::ChangeRole, None) => {
            return Err(invalid("Role", "Choose the role to give."));
        }
        (BulkAction::ChangeRole, role) => role,
        _ => None,
    };
    let group = match (new.action, &new.group) {
        (BulkAction::AddToGroup | BulkAction::RemoveFromGroup, None) => {
            return Err(invalid("Group", "Choose a group."));
        }
        (BulkAction::AddToGroup, Some(name)) => {
            let [id] =
                groups::resolve_or_create(&txn, by, std::slice::from_ref(name), now).await?[..]
            else {
                return Err(AppError::unexpected("one group asked"));
            };
            Some((id, name.as_str().to_owned()))
        }
        (BulkAction::RemoveFromGroup, Some(name)) => {
            match groups::resolve_existing(&txn, by.workspace_id, std::slice::from_ref(name))
                .await?
            {
                Ok(ids) => ids.first().map(|&id| (id, name.as_str().to_owned())),
                Err(missing) => {
                    return Err(invalid(
                        "Group",
                        &format!("There is no group “{missing}” in this workspace."),
                    ))
                }
            }
        }
        _ => None,
    };
    let mut skipped: BTreeMap<String, u64> = BTreeMap::new();
    let target = match new.target {
        Target::Addresses(emails) => {
            let (named, unknown) = by_address(&txn, by.workspace_id, &emails).await?;
            if unknown > 0 {
                skipped.insert(NOT_HERE.to_owned(), unknown);
            }
            named
        }
        other => other,
    };
    let (search, status, named, total) = match &target {
        Target::Addresses(_) => return Err(AppError::unexpected("addresses not resolved")),
        Target::Named {
            members,
            invitations,
        } => {
            let count = members.len() + invitations.len();
            if count == 0 && skipped.is_empty() {
                return Err(AppError::Conflict("Choose at least one person.".into()));
            }
            if count > MAX_NAMED {
                return Err(AppError::Conflict(format!(
                    "Name at most {MAX_NAMED} people, or choose everyone matching a filter."
                )));
            }
            let named = serde_json::json!({ "members": members, "invitations": invitations });
            let unknown: u64 = skipped.values().sum();
            (
                String::new(),
                String::new(),
                Some(named.to_string()),
                count as u64 + unknown,
            )
        }
        Target::Matching { search, status } => {
            let (conditions, values) =
                people::matching(by.workspace_id, search, *status, None, now);
            let total = people::count(&txn, &conditions, values).await?;
            let status = status.map(StatusFilter::key).unwrap_or_default().to_owned();
            (search.clone(), status, None, total)
        }
    };
    let saved = bulk_change::ActiveModel {
        workspace_id: Set(by.workspace_id),
        actor_user_id: Set(by.user_id),
        action: Set(new.action),
        role: Set(role),
        group_id: Set(group.as_ref().map(|(id, _)| *id)),
        group_name: Set(group.map(|(_, name)| name)),
        search: Set(search),
        status: Set(status),
        named: Set(named),
        total: Set(i32::try_from(total).unwrap_or(i32::MAX)),
        cursor: Set(String::new()),
        done: Set(i32::try_from(skipped.values().sum::<u64>()).unwrap_or(i32::MAX)),
        applied: Set(0),
        skipped: Set(serde_json::to_string(&skipped).unwrap_or_else(|_| "{}".into())),
        audit_id: Set(None),
        created_at: Set(now),
        finished_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    // Written here rather than by `audit::record`, which only appends: this
    // entry is brought up to date after every step.
    let entry = audit_log::ActiveModel {
        workspace_id: Set(Some(by.workspace_id)),
        actor_user_id: Set(by.user_id),
        action: Set(AuditAction::BulkChanged),
        detail: Set(audit_detail(&saved).to_string()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let mut with_entry: bulk_change::ActiveModel = saved.into();
    with_entry.audit_id = Set(Some(entry.id));
    let saved = with_entry.update(&txn).await?;
    txn.commit().await?;
    Ok(progress(&saved))
}

/// Does the next chunk of a bulk change, if `cursor` is where it stands
/// (otherwise that chunk was done already: its progress is answered again).
pub async fn step(
    state: &AppState,
    by: Actor,
    id: i32,
    cursor: &str,
) -> Result<BulkProgress, AppError> {
    let now = state.clock.now_millis();
    let txn = begin_write(&state.db).await?;
    let backend = txn.get_database_backend();
    let mut find = bulk_change::Entity::find_by_id(id)
        .filter(bulk_change::Column::WorkspaceId.eq(by.workspace_id));
    if backend == DbBackend::Postgres {
        // Two steps sent at once: the second waits, then finds the cursor moved.
        find = find.lock_exclusive();
    }
    let change = find.one(&txn).await?.ok_or(AppError::NotFound)?;
    if change.finished_at.is_some() || change.cursor != cursor {
        return Ok(progress(&change));
    }

    let chunk = next_chunk(&txn, &change, now).await?;
    let outcome = apply::apply(&txn, by, &change, &chunk, now).await?;
    let mut skipped: BTreeMap<String, u64> =
        serde_json::from_str(&change.skipped).unwrap_or_default();
    for (reason, count) in outcome.skipped {
        *skipped.entry(reason).or_default() += count;
    }
    let finished = (chunk.len() as u64) < CHUNK;
    let mut next: bulk_change::ActiveModel = change.clone().into();
    if let Some(last) = chunk.last() {
        next.cursor = Set(last.email_key.clone());
    }
    let add = |stored: i32, n: u64| stored.saturating_add(i32::try_from(n).unwrap_or(i32::MAX));
    next.done = Set(add(change.done, chunk.len() as u64));
    next.applied = Set(add(change.applied, outcome.applied));
    next.skipped = Set(serde_json::to_string(&skipped).unwrap_or_else(|_| "{}".into()));
    if finished {
        next.finished_at = Set(Some(now));
    }
    let saved = next.update(&txn).await?;
    if let Some(entry) = saved.audit_id {
        audit_log::Entity::update_many()
            .col_expr(
                audit_log::Column::Detail,
                Expr::value(audit_detail(&saved).to_string()),
            )
            .filter(audit_log::Column::Id.eq(entry))
            .exec(&txn)
            .await?;
    }
    txn.commit().await?;
    if outcome.mail_queued {
        state.outbox_wakeup.notify_one();
    }
    Ok(progress(&saved))
}

/// Starts a bulk change and does all of it (the JSON API, the command line).
pub async fn run(state: &AppState, by: Actor, new: NewBulk) -> Result<BulkProgress, AppError> {
    let mut at = start(state, by, new).await?;
    while !at.finished {
        at = step(state, by, at.id, &at.cursor).await?;
    }
    Ok(at)
}

const NOT_HERE: &str = "not in this workspace";

/// The members and invitations these addresses belong to, as the Users index
/// has them, and how many addresses belong to nobody here.
async fn by_address(
    db: &impl ConnectionTrait,
    workspace_id: i32,
    emails: &[Email],
) -> Result<(Target, u64), AppError> {
    let backend = db.get_database_backend();
    let keys: Vec<&str> = emails.iter().map(Email::key).collect();
    let (known, value) = in_set(backend, "email_key", &keys);
    let sql = placeholders(
        &format!(
            "SELECT kind, ref_id, email_key FROM people WHERE workspace_id = {{p}} AND {known}"
        ),
        backend,
    );
    let found = Person::find_by_statement(Statement::from_sql_and_values(
        backend,
        sql,
        [workspace_id.into(), value],
    ))
    .all(db)
    .await?;
    let distinct: std::collections::HashSet<&str> = keys.iter().copied().collect();
    let unknown = distinct.len().saturating_sub(found.len()) as u64;
    let (mut members, mut invitations) = (Vec::new(), Vec::new());
    for person in found {
        if person.is_member() {
            members.push(person.ref_id);
        } else {
            invitations.push(person.ref_id);
        }
    }
    Ok((
        Target::Named {
            members,
            invitations,
        },
        unknown,
    ))
}

/// One person of a chunk, as the Users index has them.
#[derive(Debug, FromQueryResult)]
pub(super) struct Person {
    kind: String,
    ref_id: i32,
    email_key: String,
}

impl Person {
    fn is_member(&self) -> bool {
        self.kind == "member"
    }
}

/// The next people after the cursor, in address order.
async fn next_chunk(
    db: &impl ConnectionTrait,
    change: &bulk_change::Model,
    now: i64,
) -> Result<Vec<Person>, AppError> {
    let backend = db.get_database_backend();
    let (mut conditions, mut values) = match &change.named {
        Some(named) => {
            let named: serde_json::Value = serde_json::from_str(named)
                .map_err(|e| AppError::internal("reading a bulk change's people", e))?;
            let ids = |kind: &str| -> Vec<i32> {
                named[kind]
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(|v| v.as_i64().and_then(|v| i32::try_from(v).ok()))
                            .collect()
                    })
                    .unwrap_or_default()
            };
            let (members, members_value) = in_set(backend, "ref_id", &ids("members"));
            let (invitations, invitations_value) = in_set(backend, "ref_id", &ids("invitations"));
            (
                format!(
                    "workspace_id = {{p}} AND ((kind = 'member' AND {members}) OR (kind = 'invitation' AND {invitations}))"
                ),
                vec![change.workspace_id.into(), members_value, invitations_value],
            )
        }
        None => {
            let status = StatusFilter::parse(&change.status).map_err(|e| {
                AppError::internal_text("reading a bulk change's status filter", e.0)
            })?;
            people::matching(change.workspace_id, &change.search, status, None, now)
        }
    };
    conditions.push_str(" AND email_key > {p}");
    values.push(change.cursor.clone().into());
    let sql = placeholders(
        &format!(
            "SELECT kind, ref_id, email_key FROM people WHERE {conditions} ORDER BY email_key LIMIT {CHUNK}"
        ),
        backend,
    );
    Ok(
        Person::find_by_statement(Statement::from_sql_and_values(backend, sql, values))
            .all(db)
            .await?,
    )
}

fn progress(change: &bulk_change::Model) -> BulkProgress {
    let skipped: BTreeMap<String, u64> = serde_json::from_str(&change.skipped).unwrap_or_default();
    let mut skipped: Vec<Skipped> = skipped
        .into_iter()
        .map(|(reason, count)| Skipped { reason, count })
        .collect();
    skipped.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.reason.cmp(&b.reason)));
    let count = |n: i32| u64::try_from(n).unwrap_or(0);
    let group = change.group_name.as_deref().unwrap_or("the group");
    let mut summary = change
        .action
        .done(count(change.applied), change.role, group);
    let skipped_count: u64 = skipped.iter().map(|s| s.count).sum();
    if skipped_count > 0 {
        let reasons: Vec<String> = skipped
            .iter()
            .map(|s| format!("{}: {}", s.reason, thousands(s.count)))
            .collect();
        summary.push_str(&format!(
            "; {} skipped ({})",
            thousands(skipped_count),
            reasons.join(", ")
        ));
    }
    summary.push('.');
    BulkProgress {
        id: change.id,
        action: change.action,
        total: count(change.total),
        done: count(change.done),
        applied: count(change.applied),
        skipped,
        cursor: change.cursor.clone(),
        finished: change.finished_at.is_some(),
        summary,
    }
}

/// What the Activity entry says of it (see `activity::describe`).
fn audit_detail(change: &bulk_change::Model) -> serde_json::Value {
    let skipped: BTreeMap<String, u64> = serde_json::from_str(&change.skipped).unwrap_or_default();
    serde_json::json!({
        "bulk": change.id,
        "action": change.action.key(),
        "role": change.role.map(Role::as_str),
        "group": change.group_name,
        "total": change.total,
        "applied": change.applied,
        "skipped": skipped.values().sum::<u64>(),
        "finished": change.finished_at.is_some(),
    })
}

fn invalid(field: &str, message: &str) -> AppError {
    AppError::Invalid {
        field: field.into(),
        message: message.into(),
    }
}
