//! Everyone in a workspace's Users table: members, and invitations not yet
//! accepted (the newest per person, none for people who are members).
//! The `people` index (see `invitations::index`) filters, sorts and pages; the page's
//! fifty rows are then read in full. The same SQL runs on SQLite and PostgreSQL.
mod details;
mod keyset;

use super::invitations::index::state;
use super::invitations::tally;
use crate::error::AppError;
use crate::model::users::{PeoplePage, PeopleSort, PersonId, StatusFilter, PAGE_SIZE};
use crate::ssr::db::placeholders;
use sea_orm::{ConnectionTrait, DatabaseConnection, FromQueryResult, Statement, Value};

pub struct Filter {
    pub search: String,
    pub status: Option<StatusFilter>,
    /// Only members, or only invitations; both when None.
    pub kind: Option<PersonKind>,
    pub sort: PeopleSort,
    pub page: usize,
    /// Where the page before `page` ended (its `next`): the page is then read
    /// from there instead of counted from the start.
    pub after: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PersonKind {
    Member,
    Invitation,
}

#[derive(Debug, FromQueryResult)]
struct Count {
    total: i64,
}

/// A row of the index as a page reads it: who, and where it sorts.
#[derive(Debug, FromQueryResult)]
struct Key {
    kind: String,
    ref_id: i32,
    unnamed: i32,
    sort_name: String,
    sort_email: String,
    email_key: String,
    since: i64,
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

/// How many people a filter picks: from the tallies where they can tell,
/// else counted.
pub async fn total(
    db: &DatabaseConnection,
    workspace_id: i32,
    filter: &Filter,
    now: i64,
) -> Result<u64, AppError> {
    if let Some(total) = tallied(db, workspace_id, filter, now).await? {
        return Ok(total);
    }
    let (conditions, values) = matching(
        workspace_id,
        &filter.search,
        filter.status,
        filter.kind,
        now,
    );
    count(db, &conditions, values).await
}

/// How many people a filter picks, from the workspace's tallies (see
/// `invitations::tally`) rather than by counting rows: for no search, and
/// any status but mail problems. Expired invitations are counted in the index
/// (`people_by_expiry`), as only the clock tells them from open ones.
async fn tallied(
    db: &DatabaseConnection,
    workspace_id: i32,
    filter: &Filter,
    now: i64,
) -> Result<Option<u64>, AppError> {
    if !filter.search.trim().is_empty() || filter.status == Some(StatusFilter::MailProblems) {
        return Ok(None);
    }
    let tally = tally::totals(db, workspace_id).await?;
    let kind = filter.kind.map(|k| match k {
        PersonKind::Member => "member",
        PersonKind::Invitation => "invitation",
    });
    let sum = |state: Option<&str>| -> i64 {
        tally
            .iter()
            .filter(|((k, s), _)| {
                kind.is_none_or(|kind| *k == kind) && state.is_none_or(|st| *s == st)
            })
            .map(|(_, n)| *n)
            .sum()
    };
    let expired = || async {
        if kind == Some("member") {
            return Ok::<i64, AppError>(0);
        }
        let backend = db.get_database_backend();
        let sql = placeholders(
            "SELECT COUNT(*) AS total FROM people \
             WHERE workspace_id = {p} AND state = 'open' AND expires_at <= {p}",
            backend,
        );
        Ok(Count::find_by_statement(Statement::from_sql_and_values(
            backend,
            sql,
            [workspace_id.into(), now.into()],
        ))
        .one(db)
        .await?
        .map_or(0, |c| c.total))
    };
    let total = match filter.status {
        None => sum(None),
        Some(StatusFilter::Invited) => sum(Some(state::OPEN)) - expired().await?,
        Some(StatusFilter::Expired) => expired().await?,
        Some(StatusFilter::Active) => sum(Some(state::ACTIVE)),
        Some(StatusFilter::Archived) => sum(Some(state::ARCHIVED)),
        Some(StatusFilter::Revoked) => sum(Some(state::REVOKED)),
        Some(StatusFilter::MailProblems) => return Ok(None),
    };
    Ok(Some(u64::try_from(total).unwrap_or(0)))
}

pub async fn list(
    db: &DatabaseConnection,
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
    let total = usize::try_from(total(db, workspace_id, filter, now).await?).unwrap_or(usize::MAX);

    let last_page = total.saturating_sub(1) / PAGE_SIZE;
    let page = filter.page.min(last_page);
    let order = keyset::order(filter.sort, now);
    // A page after the first, asked for with where the one before it ended:
    // read from there (an index range), not counted from the start (OFFSET).
    let after = match (&filter.after, keyset::Keyset::of(filter.sort)) {
        (Some(after), Some(keys)) if page > 0 && page == filter.page => Some(keys.after(after)?),
        _ => None,
    };
    let mut values = values;
    let skipped = page * PAGE_SIZE;
    let (range, order, limit, skip, backwards) = match after {
        Some((clause, key)) => {
            values.extend(key);
            (format!(" AND {clause}"), order, PAGE_SIZE, 0, false)
        }
        // A page in the back half, asked for by number, is counted from the
        // end (the total is exact): the index is walked backwards, skipping
        // at most half of the rows rather than up to all of them.
        None => match keyset::reversed_order(filter.sort) {
            Some(reversed) if skipped > total / 2 => {
                let taken = PAGE_SIZE.min(total - skipped);
                let after_page = total - skipped - taken;
                (String::new(), reversed, taken, after_page, true)
            }
            _ => (String::new(), order, PAGE_SIZE, skipped, false),
        },
    };
    let page_sql = placeholders(
        &format!(
            "SELECT {} FROM people WHERE {conditions}{range} ORDER BY {order} LIMIT {limit} OFFSET {skip}",
            keyset::selected(filter.sort)
        ),
        backend,
    );
    let mut keys =
        Key::find_by_statement(Statement::from_sql_and_values(backend, page_sql, values))
            .all(db)
            .await?;
    if backwards {
        keys.reverse();
    }
    let next = match (keyset::Keyset::of(filter.sort), keys.last()) {
        (Some(keyset), Some(last)) if page < last_page && keys.len() == PAGE_SIZE => {
            Some(keyset.cursor(last))
        }
        _ => None,
    };
    let mut rows = details::details(db, workspace_id, now, &keys).await?;
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
        next,
        mail_to_files: false,
        now,
    })
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
