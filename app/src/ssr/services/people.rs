//! Everyone in a workspace's Users table: members, and invitations not yet
//! accepted (the newest per person, none for people who are members).
//! Filtering, sorting and paging happen in SQL, so a 100,000-row workspace
//! costs one indexed query per page. The same SQL runs on SQLite and PostgreSQL.
use crate::api::users::{PeoplePage, PeopleSort, PersonId, PersonRow, PAGE_SIZE};
use crate::domain::{PersonStatus, Role};
use crate::error::AppError;
use crate::ssr::time::now_millis;
use sea_orm::{ConnectionTrait, DbBackend, FromQueryResult, Statement, Value};

pub struct Filter {
    pub search: String,
    pub status: Option<String>,
    pub sort: PeopleSort,
    pub page: usize,
}

/// Members and open invitations as one relation. Parameters: workspace, now, workspace.
const PEOPLE: &str = "
    SELECT 'member' AS kind, u.id AS id, u.display_name AS name, u.email AS email, m.role AS role,
           m.status AS state, NULL AS invited_by, m.created_at AS since, NULL AS expires_at,
           NULL AS delivery, 1 AS has_account
      FROM memberships m JOIN users u ON u.id = m.user_id
     WHERE m.workspace_id = {p}
    UNION ALL
    SELECT 'invitation', i.id, COALESCE(i.display_name, ''), i.email, i.role,
           CASE WHEN i.revoked_at IS NOT NULL THEN 'revoked'
                WHEN i.expires_at <= {p} THEN 'expired'
                ELSE 'invited' END,
           inviter.display_name, i.created_at, i.expires_at, i.delivery,
           CASE WHEN EXISTS (SELECT 1 FROM users a WHERE a.email_key = i.email_key) THEN 1 ELSE 0 END
      FROM invitations i LEFT JOIN users inviter ON inviter.id = i.invited_by
     WHERE i.workspace_id = {p} AND i.accepted_at IS NULL
       AND NOT EXISTS (SELECT 1 FROM users mu JOIN memberships mm ON mm.user_id = mu.id
                        WHERE mu.email_key = i.email_key AND mm.workspace_id = i.workspace_id)
       AND NOT EXISTS (SELECT 1 FROM invitations newer
                        WHERE newer.workspace_id = i.workspace_id AND newer.email_key = i.email_key
                          AND newer.accepted_at IS NULL AND newer.id > i.id)";

#[derive(Debug, FromQueryResult)]
struct Row {
    kind: String,
    id: i32,
    name: String,
    email: String,
    role: String,
    state: String,
    invited_by: Option<String>,
    since: Option<i64>,
    expires_at: Option<i64>,
    delivery: Option<String>,
    has_account: i32,
}

#[derive(Debug, FromQueryResult)]
struct Count {
    total: i64,
}

pub async fn list(
    db: &impl ConnectionTrait,
    workspace_id: i32,
    filter: &Filter,
) -> Result<PeoplePage, AppError> {
    let backend = db.get_database_backend();
    let now = now_millis();
    let needle = format!("%{}%", escape_like(&filter.search.trim().to_lowercase()));
    let status = filter.status.clone().unwrap_or_default();
    let mut values: Vec<Value> = vec![workspace_id.into(), now.into(), workspace_id.into()];
    values.extend([
        needle.clone().into(),
        needle.clone().into(),
        needle.into(),
        status.clone().into(),
        status.into(),
    ]);
    let filtered = format!(
        "SELECT * FROM ({PEOPLE}) people
          WHERE ({{p}} = '%%' OR LOWER(name) LIKE {{p}} ESCAPE '\\' OR LOWER(email) LIKE {{p}} ESCAPE '\\')
            AND ({{p}} = '' OR state = {{p}})"
    );
    let count_sql = placeholders(
        &format!("SELECT COUNT(*) AS total FROM ({filtered}) counted"),
        backend,
    );
    let total = Count::find_by_statement(Statement::from_sql_and_values(
        backend,
        count_sql,
        values.clone(),
    ))
    .one(db)
    .await?
    .map_or(0, |c| c.total.max(0) as usize);

    let last_page = total.saturating_sub(1) / PAGE_SIZE;
    let page = filter.page.min(last_page);
    let order = match filter.sort {
        PeopleSort::Name => "name = '', LOWER(name), LOWER(email)",
        PeopleSort::Email => "LOWER(email)",
        PeopleSort::Status => "state, LOWER(name), LOWER(email)",
        PeopleSort::Newest => "since DESC, id DESC",
    };
    let page_sql = placeholders(
        &format!(
            "{filtered} ORDER BY {order}, kind, id LIMIT {PAGE_SIZE} OFFSET {}",
            page * PAGE_SIZE
        ),
        backend,
    );
    let rows = Row::find_by_statement(Statement::from_sql_and_values(backend, page_sql, values))
        .all(db)
        .await?
        .into_iter()
        .map(to_person)
        .collect();
    Ok(PeoplePage {
        rows,
        total,
        page,
        page_size: PAGE_SIZE,
        mail_to_files: false,
    })
}

fn to_person(row: Row) -> PersonRow {
    let is_member = row.kind == "member";
    let status = match row.state.as_str() {
        "active" => PersonStatus::Active,
        "archived" => PersonStatus::Archived,
        "revoked" => PersonStatus::Revoked,
        "expired" => PersonStatus::Expired,
        _ => PersonStatus::Invited {
            has_account: row.has_account != 0,
        },
    };
    PersonRow {
        id: if is_member {
            PersonId::Member(row.id)
        } else {
            PersonId::Invitation(row.id)
        },
        name: row.name,
        email: row.email,
        role: Role::parse(&row.role).unwrap_or(Role::Member),
        status,
        invited_by: row.invited_by,
        invited_at: if is_member { None } else { row.since },
        expires_at: row.expires_at,
        delivery: row.delivery,
    }
}

/// `{p}` becomes `?` on SQLite and `$1`, `$2`… on PostgreSQL, in order.
fn placeholders(sql: &str, backend: DbBackend) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut n = 0;
    for (i, part) in sql.split("{p}").enumerate() {
        if i > 0 {
            n += 1;
            match backend {
                DbBackend::Postgres => out.push_str(&format!("${n}")),
                _ => out.push('?'),
            }
        }
        out.push_str(part);
    }
    out
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
    fn placeholders_follow_the_backend() {
        assert_eq!(
            placeholders("a = {p} AND b = {p}", DbBackend::Sqlite),
            "a = ? AND b = ?"
        );
        assert_eq!(
            placeholders("a = {p} AND b = {p}", DbBackend::Postgres),
            "a = $1 AND b = $2"
        );
    }

    #[test]
    fn like_wildcards_typed_by_people_are_literal() {
        assert_eq!(escape_like("50%_off\\"), "50\\%\\_off\\\\");
    }
}
