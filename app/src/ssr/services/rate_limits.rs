//! Rate limits on the actions worth guessing or flooding, per account and per
//! client address. Counters live in the database, so they hold across
//! instances and restarts: a fixed window per key, counted with one atomic
//! upsert.
use crate::error::AppError;
use crate::ssr::db::placeholders;
use crate::ssr::services::secrets::hash_secret;
use sea_orm::{ConnectionTrait, Statement};
use std::net::IpAddr;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Signing in: guessing passwords.
    Login,
    /// Joining through an invitation link (creates an account).
    AcceptInvitation,
    /// Inviting people, one at a time or a chunk of an import (each sends mail).
    CreateInvitations,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub max: u32,
    pub window_secs: u32,
}

impl Action {
    fn name(self) -> &'static str {
        match self {
            Action::Login => "login",
            Action::AcceptInvitation => "accept",
            Action::CreateInvitations => "invite",
        }
    }

    /// Per account (the email signing in, counted since its last successful
    /// sign-in; the invitation link; the admin),
    /// then per client address. The address limits are higher: an office
    /// behind one address shares them.
    pub fn limits(self) -> (Limit, Limit) {
        let limit = |max, window_secs| Limit { max, window_secs };
        match self {
            Action::Login => (limit(10, 15 * 60), limit(100, 15 * 60)),
            Action::AcceptInvitation => (limit(10, 15 * 60), limit(30, 15 * 60)),
            // A 100,000-row import is 100 chunks.
            Action::CreateInvitations => (limit(600, 10 * 60), limit(1_200, 10 * 60)),
        }
    }
}

/// Counts one attempt at `action` by `account` from `client`, and refuses it
/// (with the wait until the window ends) when either counter is over its limit.
pub async fn check(
    db: &impl ConnectionTrait,
    action: Action,
    account: &str,
    client: Option<IpAddr>,
    now: i64,
) -> Result<(), AppError> {
    let (per_account, per_client) = action.limits();
    let mut wait = hit(db, action, "account", account, per_account, now).await?;
    if let Some(client) = client {
        let client_wait = hit(db, action, "client", &client.to_string(), per_client, now).await?;
        wait = wait.max(client_wait);
    }
    match wait {
        Some(retry_after_secs) => {
            tracing::warn!(action = action.name(), "rate limit reached");
            Err(AppError::RateLimited { retry_after_secs })
        }
        None => Ok(()),
    }
}

/// Forgets the account's count: after a successful sign-in the earlier wrong
/// passwords no longer count against the person.
pub async fn clear(
    db: &impl ConnectionTrait,
    action: Action,
    account: &str,
) -> Result<(), AppError> {
    let backend = db.get_database_backend();
    db.execute_raw(Statement::from_sql_and_values(
        backend,
        placeholders("DELETE FROM rate_limits WHERE key = {p}", backend),
        [key(action, "account", account).into()],
    ))
    .await?;
    Ok(())
}

fn key(action: Action, kind: &str, who: &str) -> String {
    hash_secret(&format!("{}\n{kind}\n{who}", action.name()))
}

/// Counts a hit; `Some(seconds to wait)` when over the limit.
async fn hit(
    db: &impl ConnectionTrait,
    action: Action,
    kind: &str,
    who: &str,
    limit: Limit,
    now: i64,
) -> Result<Option<u64>, AppError> {
    let backend = db.get_database_backend();
    let key = key(action, kind, who);
    let window = i64::from(limit.window_secs) * 1000;
    let window_ended = now - window;
    // Both SET expressions see the row as it was, on SQLite and PostgreSQL alike.
    let sql = placeholders(
        "INSERT INTO rate_limits (key, window_start, hits) VALUES ({p}, {p}, 1)
         ON CONFLICT (key) DO UPDATE SET
           hits = CASE WHEN rate_limits.window_start <= {p} THEN 1 ELSE rate_limits.hits + 1 END,
           window_start = CASE WHEN rate_limits.window_start <= {p}
                          THEN excluded.window_start ELSE rate_limits.window_start END
         RETURNING hits, window_start",
        backend,
    );
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            backend,
            sql,
            [
                key.into(),
                now.into(),
                window_ended.into(),
                window_ended.into(),
            ],
        ))
        .await?
        .ok_or_else(|| AppError::unexpected("a rate-limit counter the upsert did not return"))?;
    let hits: i32 = row.try_get("", "hits")?;
    let window_start: i64 = row.try_get("", "window_start")?;
    forget_old_windows_now_and_then(db, now).await?;
    if hits <= i32::try_from(limit.max).unwrap_or(i32::MAX) {
        return Ok(None);
    }
    let remaining_millis = u64::try_from(window_start + window - now).unwrap_or(0);
    Ok(Some(remaining_millis.div_ceil(1000).max(1)))
}

/// Counters whose window ended a day ago count nothing; about one hit in a
/// hundred deletes them, so the table stays the size of recent traffic.
async fn forget_old_windows_now_and_then(
    db: &impl ConnectionTrait,
    now: i64,
) -> Result<(), AppError> {
    let mut byte = [0u8; 1];
    if getrandom::fill(&mut byte).is_err() || byte[0] > 2 {
        return Ok(());
    }
    let backend = db.get_database_backend();
    const DAY_MILLIS: i64 = 24 * 60 * 60 * 1000;
    db.execute_raw(Statement::from_sql_and_values(
        backend,
        placeholders("DELETE FROM rate_limits WHERE window_start < {p}", backend),
        [(now - DAY_MILLIS).into()],
    ))
    .await?;
    Ok(())
}
