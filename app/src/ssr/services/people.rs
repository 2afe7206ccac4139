//! Everyone in a workspace's Users table: members, and invitations not yet
//! accepted (the newest per person, none for people who are members).
//! The `people` index (see `invitations::index`) filters, sorts and pages; the page's
//! fifty rows are then read in full. The same SQL runs on SQLite and PostgreSQL.
use crate::domain::{DeliveryState, MembershipStatus, PersonStatus, Role};
use crate::error::AppError;
use crate::model::users::{PeoplePage, PeopleSort, PersonId, PersonRow, StatusFilter, PAGE_SIZE};
use crate::ssr::db::placeholders;
use crate::ssr::services::outbox::BOUNCED;
use sea_orm::{ConnectionTrait, FromQueryResult, Statement, Value};
use std::collections::HashMap;

pub struct Filter {
    pub search: String,
    pub status: Option<StatusFilter>,
    /// Only members, or only invitations; both when None.
    pub kind: Option<PersonKind>,
    pub sort: PeopleSort,
    pub page: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PersonKind {
    Member,
    Invitation,
}

/// The details of the people on one page. The id lists are integers read
/// from the database, inlined.
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
     WHERE i.workspace_id = {workspace} AND i.id IN ({invitations})";

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

#[derive(Debug, FromQueryResult)]
struct Count {
    total: i64,
}

#[derive(Debug, FromQueryResult)]
struct Key {
    kind: String,
    ref_id: i32,
}

/// The `people` rows a filter picks: a WHERE clause with `{p}` for each of
/// its values, in order.
pub(crate) fn matching(
    workspace_id: i32,
    search: &str,
    status: Option<StatusFilter>,
    kind: Option<PersonKind>,
    now: i64,
) -> (String, Vec<Value>) {
    let mut values: Vec<Value> = vec![workspace_id.into()];
    let mut conditions = String::from("workspace_id = {p}");
    let search = search.trim();
    // Without a search the condition is left out, not made true per row:
    // a count is then one pass over an index.
    if !search.is_empty() {
        let needle = format!("%{}%", escape_like(&search.to_lowercase()));
        conditions
            .push_str(" AND (sort_name LIKE {p} ESCAPE '\\' OR sort_email LIKE {p} ESCAPE '\\')");
        values.extend([needle.clone().into(), needle.into()]);
    }
    match status {
        None => {}
        Some(StatusFilter::Invited) => {
            conditions.push_str(" AND state = 'open' AND expires_at > {p}");
            values.push(now.into());
        }
        Some(StatusFilter::Expired) => {
            conditions.push_str(" AND state = 'open' AND expires_at <= {p}");
            values.push(now.into());
        }
        Some(StatusFilter::MailProblems) => {
            conditions.push_str(
                " AND state = 'open' AND kind = 'invitation' AND ref_id IN \
                 (SELECT id FROM invitations WHERE workspace_id = {p} AND delivery IN ('bounced', 'failed'))",
            );
            values.push(workspace_id.into());
        }
        Some(status @ (StatusFilter::Active | StatusFilter::Archived | StatusFilter::Revoked)) => {
            // The index stores these three under the same names.
            conditions.push_str(" AND state = {p}");
            values.push(status.key().into());
        }
    }
    match kind {
        None => {}
        Some(PersonKind::Member) => conditions.push_str(" AND kind = 'member'"),
        Some(PersonKind::Invitation) => conditions.push_str(" AND kind = 'invitation'"),
    }
    (conditions, values)
}

/// How many people a filter picks.
pub(crate) async fn count(
    db: &impl ConnectionTrait,
    conditions: &str,
    values: Vec<Value>,
) -> Result<u64, AppError> {
    let backend = db.get_database_backend();
    let count_sql = placeholders(
        &format!("SELECT COUNT(*) AS total FROM people WHERE {conditions}"),
        backend,
    );
    Ok(
        Count::find_by_statement(Statement::from_sql_and_values(backend, count_sql, values))
            .one(db)
            .await?
            .map_or(0, |c| u64::try_from(c.total).unwrap_or(0)),
    )
}

pub async fn list(
    db: &impl ConnectionTrait,
    workspace_id: i32,
    filter: &Filter,
    now: i64,
) -> Result<PeoplePage, AppError> {
    let backend = db.get_database_backend();
    let (conditions, values) = matching(
        workspace_id,
        &filter.search,
        filter.status,
        filter.kind,
        now,
    );
    let total =
        usize::try_from(count(db, &conditions, values.clone()).await?).unwrap_or(usize::MAX);

    let last_page = total.saturating_sub(1) / PAGE_SIZE;
    let page = filter.page.min(last_page);
    // Orders match the `people` indexes column for column (ending with the
    // key), so a page is an index walk; only the status order sorts.
    let order = match filter.sort {
        PeopleSort::Name => "unnamed, sort_name, sort_email, email_key".to_owned(),
        PeopleSort::Email => "sort_email, email_key".to_owned(),
        PeopleSort::Status => format!(
            "CASE WHEN state = 'open' AND expires_at <= {now} THEN 'expired' \
                  WHEN state = 'open' THEN 'invited' ELSE state END, unnamed, sort_name, sort_email, email_key"
        ),
        PeopleSort::Newest => "since DESC, email_key DESC".to_owned(),
    };
    let page_sql = placeholders(
        &format!(
            "SELECT kind, ref_id FROM people WHERE {conditions} ORDER BY {order} \
             LIMIT {PAGE_SIZE} OFFSET {}",
            page * PAGE_SIZE
        ),
        backend,
    );
    let keys = Key::find_by_statement(Statement::from_sql_and_values(backend, page_sql, values))
        .all(db)
        .await?;
    let mut rows = details(db, workspace_id, now, &keys).await?;
    let ids: Vec<PersonId> = rows.iter().map(|r| r.id).collect();
    let mut groups = super::groups::names_of(db, workspace_id, &ids).await?;
    for row in &mut rows {
        row.groups = groups.remove(&row.id).unwrap_or_default();
    }
    Ok(PeoplePage {
        rows,
        total,
        page,
        page_size: PAGE_SIZE,
        mail_to_files: false,
        now,
    })
}

/// The full rows for a page's keys, in the keys' order.
async fn details(
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

/// Searches are literal: `%` and `_` typed by the admin match themselves.
fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_wildcards_typed_by_people_are_literal() {
        assert_eq!(escape_like("50%_off\\"), "50\\%\\_off\\\\");
    }
}
