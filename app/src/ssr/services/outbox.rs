//! The mail outbox: rows written with the invitation, delivered by a worker
//! with retries and exponential backoff. Claims are leases taken by a
//! conditional update, so two workers (or two instances) never send one row.
use super::invitations;
use super::mailer::{Mailer, OutgoingMail};
use crate::domain::MailKind;
use crate::error::AppError;
use crate::ssr::db::entities::{invitation, outbox, user, workspace};
use crate::ssr::AppState;
use sea_orm::sea_query::Expr;

use crate::ssr::db::placeholders;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter,
    QueryOrder, Set, Statement, TransactionTrait, Value,
};
use std::collections::HashMap;

/// After this many failed attempts a mail is marked failed (admins can resend).
pub const MAX_ATTEMPTS: i32 = 8;
const LEASE_MILLIS: i64 = 60_000;
/// Mails sent at once (the SMTP pool holds as many connections).
pub const SEND_CONCURRENCY: usize = 16;

/// Wait before attempt `attempts + 1`: 5 s, 10 s, 20 s… capped at 30 minutes.
pub fn backoff_millis(attempts: i32) -> i64 {
    (5_000i64 << attempts.clamp(0, 20) as u32).min(30 * 60 * 1000)
}

/// What one delivery pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct PassReport {
    pub sent: usize,
    pub retried: usize,
    /// Gave up after the last attempt.
    pub failed: usize,
    /// Refused for good by the receiving server (a 5xx reply): not retried.
    pub bounced: usize,
}

impl PassReport {
    /// Mails this pass settled or rescheduled.
    pub fn handled(&self) -> usize {
        self.sent + self.retried + self.failed + self.bounced
    }
}

/// The server's reply as kept and shown: one line, at most 200 characters.
fn reply_text(reason: &str) -> String {
    reason
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(200)
        .collect::<String>()
        .trim()
        .to_owned()
}

/// Claims up to `limit` due mails and delivers them, `SEND_CONCURRENCY` at a
/// time. The database work is done per batch (one claim, three lookups, one
/// update per outcome every `RECORD_EVERY` mails), not per mail.
pub async fn deliver_due(
    state: &AppState,
    mailer: &Mailer,
    worker: &str,
    limit: u64,
) -> Result<PassReport, AppError> {
    invitations::reminders::queue_due(&state.db, state.clock.now_millis()).await?;
    let claimed = claim_due(state, worker, limit).await?;
    let mut mails = render_all(state, &claimed).await?;
    let mut report = PassReport::default();
    let mut done: Vec<(outbox::Model, Outcome)> = Vec::with_capacity(RECORD_EVERY);
    let mut sending = tokio::task::JoinSet::new();
    for row in claimed {
        let Some(mail) = mails.remove(&row.id) else {
            done.push((row, Outcome::Cancelled));
            continue;
        };
        if sending.len() >= SEND_CONCURRENCY {
            take_one(&mut sending, &mut done).await;
        }
        let mailer = mailer.clone();
        sending.spawn(async move {
            let outcome = match mailer.send(&mail).await {
                Ok(()) => Outcome::Sent,
                Err(failure) => {
                    let error = reply_text(&failure.reason);
                    tracing::warn!(outbox = row.id, attempt = row.attempts + 1, permanent = failure.permanent, %error, "mail delivery failed");
                    if failure.permanent {
                        Outcome::Bounced(error)
                    } else if row.attempts + 1 >= MAX_ATTEMPTS {
                        Outcome::Failed(error)
                    } else {
                        Outcome::Retry(error)
                    }
                }
            };
            (row, outcome)
        });
        if done.len() >= RECORD_EVERY {
            record(state, std::mem::take(&mut done), &mut report).await?;
        }
    }
    while !sending.is_empty() {
        take_one(&mut sending, &mut done).await;
    }
    record(state, done, &mut report).await?;
    Ok(report)
}

/// Sent mails are recorded at least this often, so a crash resends few.
const RECORD_EVERY: usize = 64;

type Sending = tokio::task::JoinSet<(outbox::Model, Outcome)>;

async fn take_one(sending: &mut Sending, done: &mut Vec<(outbox::Model, Outcome)>) {
    match sending.join_next().await {
        Some(Ok(result)) => done.push(result),
        // The lease runs out and the mail is tried again.
        Some(Err(error)) => tracing::error!(%error, "outbox delivery task failed"),
        None => {}
    }
}

/// Takes a lease on up to `limit` due mails in one statement and returns them.
/// The lease token is new each pass, so only this pass's rows come back.
async fn claim_due(
    state: &AppState,
    worker: &str,
    limit: u64,
) -> Result<Vec<outbox::Model>, AppError> {
    let now = state.clock.now_millis();
    let token = format!(
        "{worker}.{}",
        super::secrets::new_secret().get(..12).unwrap_or("p")
    );
    let backend = state.db.get_database_backend();
    // PostgreSQL: rows another instance is claiming right now are skipped, not waited for.
    let skip_locked = if backend == DbBackend::Postgres {
        " FOR UPDATE SKIP LOCKED"
    } else {
        ""
    };
    let due =
        "sent_at IS NULL AND failed_at IS NULL AND (claimed_until IS NULL OR claimed_until < {p})";
    let sql = format!(
        "UPDATE outbox SET claimed_until = {{p}}, claimed_by = {{p}} \
         WHERE id IN (SELECT id FROM outbox WHERE {due} AND next_attempt_at <= {{p}} \
         ORDER BY id LIMIT {{p}}{skip_locked}) AND {due}"
    );
    state
        .db
        .execute_raw(Statement::from_sql_and_values(
            backend,
            placeholders(&sql, backend),
            [
                Value::from(now + LEASE_MILLIS),
                Value::from(token.clone()),
                Value::from(now),
                Value::from(now),
                Value::from(limit as i64),
                Value::from(now),
            ],
        ))
        .await?;
    Ok(outbox::Entity::find()
        .filter(outbox::Column::ClaimedBy.eq(token))
        .filter(outbox::Column::SentAt.is_null())
        .filter(outbox::Column::FailedAt.is_null())
        .order_by_asc(outbox::Column::Id)
        .all(&state.db)
        .await?)
}

enum Outcome {
    Sent,
    Cancelled,
    Retry(String),
    Failed(String),
    Bounced(String),
}

/// Kept in `last_error` before a bounce's reply, so it is told from the
/// other failures (`/metrics`, the Users table).
pub const BOUNCED: &str = "bounced: ";

/// Writes what happened to a batch of mails: one statement per kind for the
/// common outcomes, one per mail for failures (each keeps its own error).
/// An unsuccessful attempt: released, counted, its error kept; `finish`
/// sets when it is tried again or that it has failed for good.
fn record_attempt(
    row: &outbox::Model,
    error: String,
    finish: impl FnOnce(&mut outbox::ActiveModel),
) -> outbox::ActiveModel {
    let mut update: outbox::ActiveModel = row.clone().into();
    update.claimed_until = Set(None);
    update.attempts = Set(row.attempts + 1);
    update.last_error = Set(Some(error));
    finish(&mut update);
    update
}

async fn record(
    state: &AppState,
    done: Vec<(outbox::Model, Outcome)>,
    report: &mut PassReport,
) -> Result<(), AppError> {
    if done.is_empty() {
        return Ok(());
    }
    let now = state.clock.now_millis();
    let (mut sent, mut cancelled, mut retries, mut failures, mut bounces) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (row, outcome) in done {
        match outcome {
            Outcome::Sent => sent.push(row),
            Outcome::Cancelled => cancelled.push(row.id),
            Outcome::Retry(error) => retries.push((row, error)),
            Outcome::Failed(error) => failures.push((row, error)),
            Outcome::Bounced(error) => bounces.push((row, format!("{BOUNCED}{error}"))),
        }
    }
    report.retried += retries.len();
    report.failed += failures.len();
    report.bounced += bounces.len();
    report.sent += sent.len();
    let txn = state.db.begin().await?;
    // Invitations before their outbox rows: the order in which resend and
    // revoke lock them, so a pass and an admin's action never deadlock.
    // A reminder that fails leaves the invitation's delivery as it was: its
    // first mail went out.
    let failed_invitations: Vec<i32> = failures
        .iter()
        .filter(|(r, _)| r.kind == MailKind::Invitation)
        .map(|(r, _)| r.invitation_id)
        .collect();
    invitations::mark_failed(&txn, &failed_invitations).await?;
    // A bounce is news about the address, whichever mail met it.
    let bounced: Vec<i32> = bounces.iter().map(|(r, _)| r.invitation_id).collect();
    invitations::mark_bounced(&txn, &bounced).await?;
    if !sent.is_empty() {
        let (reminded, mailed): (Vec<&outbox::Model>, Vec<&outbox::Model>) =
            sent.iter().partition(|r| r.kind == MailKind::Reminder);
        let ids =
            |rows: &[&outbox::Model]| rows.iter().map(|r| r.invitation_id).collect::<Vec<_>>();
        invitations::mark_sent(&txn, &ids(&mailed)).await?;
        invitations::reminders::mark_reminded(&txn, &ids(&reminded), now).await?;
    }
    for (row, error) in retries {
        let retry_at = now + backoff_millis(row.attempts);
        record_attempt(&row, error, |update| {
            update.next_attempt_at = Set(retry_at);
        })
        .update(&txn)
        .await?;
    }
    for (row, error) in failures.into_iter().chain(bounces) {
        record_attempt(&row, error, |update| update.failed_at = Set(Some(now)))
            .update(&txn)
            .await?;
    }
    if !sent.is_empty() {
        outbox::Entity::update_many()
            .col_expr(outbox::Column::SentAt, Expr::value(now))
            .col_expr(
                outbox::Column::ClaimedUntil,
                Expr::value(Option::<i64>::None),
            )
            .col_expr(
                outbox::Column::Attempts,
                sea_orm::ExprTrait::add(Expr::col(outbox::Column::Attempts), 1),
            )
            .filter(outbox::Column::Id.is_in(sent.iter().map(|r| r.id)))
            .exec(&txn)
            .await?;
    }
    if !cancelled.is_empty() {
        outbox::Entity::update_many()
            .col_expr(outbox::Column::FailedAt, Expr::value(now))
            .col_expr(
                outbox::Column::ClaimedUntil,
                Expr::value(Option::<i64>::None),
            )
            .col_expr(
                outbox::Column::LastError,
                Expr::value("cancelled: invitation no longer open"),
            )
            .filter(outbox::Column::Id.is_in(cancelled))
            .exec(&txn)
            .await?;
    }
    txn.commit().await?;
    Ok(())
}

/// The mails for claimed rows, rendered now (links are derived, never
/// stored), by outbox id. Rows whose invitation is no longer open are absent.
async fn render_all(
    state: &AppState,
    rows: &[outbox::Model],
) -> Result<HashMap<i32, OutgoingMail>, AppError> {
    let invitations: HashMap<i32, invitation::Model> = invitation::Entity::find()
        .filter(invitation::Column::Id.is_in(rows.iter().map(|r| r.invitation_id)))
        .filter(invitation::Column::AcceptedAt.is_null())
        .filter(invitation::Column::RevokedAt.is_null())
        .all(&state.db)
        .await?
        .into_iter()
        .map(|i| (i.id, i))
        .collect();
    let workspaces: HashMap<i32, String> = workspace::Entity::find()
        .filter(workspace::Column::Id.is_in(invitations.values().map(|i| i.workspace_id)))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|w| (w.id, w.name))
        .collect();
    let inviters: HashMap<i32, String> = user::Entity::find()
        .filter(user::Column::Id.is_in(invitations.values().filter_map(|i| i.invited_by)))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect();
    let mut mails = HashMap::with_capacity(rows.len());
    for row in rows {
        let Some(invitation) = invitations.get(&row.invitation_id) else {
            continue;
        };
        let Some(workspace_name) = workspaces.get(&invitation.workspace_id) else {
            continue;
        };
        let inviter = invitation.invited_by.and_then(|id| inviters.get(&id));
        let link = invitations::invite_url(state, invitation);
        mails.insert(
            row.id,
            super::mailer::invitation_mail(
                &state.settings.mail_from,
                invitation,
                workspace_name,
                inviter.map(String::as_str),
                &link,
                row.kind,
            ),
        );
    }
    Ok(mails)
}

/// Runs until `shutdown` fires: delivers due mail, then sleeps until woken
/// (a new invitation) or a second passes.
pub async fn run_worker(
    state: AppState,
    mailer: Mailer,
    mut shutdown: tokio::sync::watch::Receiver<bool>,
) {
    let worker = format!(
        "{}-{}",
        std::process::id(),
        super::secrets::new_secret().get(..8).unwrap_or("w")
    );
    // Stopping: the pass in hand finishes (its claims are settled), no new one starts.
    while !*shutdown.borrow() {
        match deliver_due(&state, &mailer, &worker, 200).await {
            Ok(report) if report.handled() > 0 => {
                tracing::info!(
                    sent = report.sent,
                    retried = report.retried,
                    failed = report.failed,
                    bounced = report.bounced,
                    "outbox pass"
                );
                continue;
            }
            Ok(_) => {}
            Err(error) => {
                let cause = error.cause().unwrap_or_else(|| error.to_string());
                tracing::error!(%cause, "outbox pass failed; retrying")
            }
        }
        tokio::select! {
            // A dropped sender means nobody can stop us properly: stop now.
            changed = shutdown.changed() => if changed.is_err() { break },
            _ = state.outbox_wakeup.notified() => {},
            _ = tokio::time::sleep(std::time::Duration::from_secs(1)) => {},
        }
    }
    tracing::info!("outbox worker stopped");
}

#[cfg(test)]
mod tests {
    use super::backoff_millis;

    #[test]
    fn backoff_doubles_and_is_capped() {
        assert_eq!(backoff_millis(0), 5_000);
        assert_eq!(backoff_millis(1), 10_000);
        assert_eq!(backoff_millis(3), 40_000);
        assert_eq!(backoff_millis(30), 30 * 60 * 1000);
    }
}
