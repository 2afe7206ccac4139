//! The mail outbox: rows written with the invitation, delivered by a worker
//! with retries and exponential backoff. Claims are leases taken by a
//! conditional update, so two workers (or two instances) never send one row.
use super::invitations::delivery;
use super::mailer::{Mailer, OutgoingMail};
use crate::error::AppError;
use crate::ssr::db::entities::{invitation, outbox, user, workspace};
use crate::ssr::time::now_millis;
use crate::ssr::AppState;
use sea_orm::sea_query::Expr;

use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};

/// After this many failed attempts a mail is marked failed (admins can resend).
pub const MAX_ATTEMPTS: i32 = 8;
const LEASE_MILLIS: i64 = 60_000;
/// Mails sent at once (the SMTP pool holds as many connections).
pub const SEND_CONCURRENCY: usize = 16;

/// Wait before attempt `attempts + 1`: 5 s, 10 s, 20 s… capped at 30 minutes.
pub fn backoff_millis(attempts: i32) -> i64 {
    (5_000i64 << attempts.clamp(0, 20) as u32).min(30 * 60 * 1000)
}

pub async fn enqueue(db: &impl ConnectionTrait, invitation_id: i32) -> Result<(), AppError> {
    let now = now_millis();
    // A newer mail replaces one still waiting for the same invitation.
    cancel_for(db, invitation_id, "superseded by a newer mail").await?;
    outbox::ActiveModel {
        invitation_id: Set(invitation_id),
        created_at: Set(now),
        attempts: Set(0),
        next_attempt_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Cancels mail not yet sent for an invitation.
pub async fn cancel_for(
    db: &impl ConnectionTrait,
    invitation_id: i32,
    reason: &str,
) -> Result<(), AppError> {
    outbox::Entity::update_many()
        .col_expr(outbox::Column::FailedAt, Expr::value(now_millis()))
        .col_expr(
            outbox::Column::LastError,
            Expr::value(format!("cancelled: {reason}")),
        )
        .filter(outbox::Column::InvitationId.eq(invitation_id))
        .filter(outbox::Column::SentAt.is_null())
        .filter(outbox::Column::FailedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// What one delivery pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct PassReport {
    pub sent: usize,
    pub retried: usize,
    pub failed: usize,
}

/// Claims up to `limit` due mails and delivers them.
pub async fn deliver_due(
    state: &AppState,
    mailer: &Mailer,
    worker: &str,
    limit: u64,
) -> Result<PassReport, AppError> {
    let now = now_millis();
    let due = outbox::Entity::find()
        .filter(outbox::Column::SentAt.is_null())
        .filter(outbox::Column::FailedAt.is_null())
        .filter(outbox::Column::NextAttemptAt.lte(now))
        .filter(
            Condition::any()
                .add(outbox::Column::ClaimedUntil.is_null())
                .add(outbox::Column::ClaimedUntil.lt(now)),
        )
        .order_by_asc(outbox::Column::Id)
        .limit(limit)
        .all(&state.db)
        .await?;
    let mut claimed = Vec::with_capacity(due.len());
    for row in due {
        if claim(state, &row, worker, now).await? {
            claimed.push(row);
        } // else another worker took it
    }
    // Several mails in flight at once over the pooled transport: each SMTP
    // exchange mostly waits on the network.
    let mut report = PassReport::default();
    let mut claimed = claimed.into_iter().peekable();
    while claimed.peek().is_some() {
        let mut sending = tokio::task::JoinSet::new();
        for row in claimed.by_ref().take(SEND_CONCURRENCY) {
            let (state, mailer) = (state.clone(), mailer.clone());
            sending.spawn(async move { deliver_one(&state, &mailer, &row).await });
        }
        while let Some(done) = sending.join_next().await {
            match done {
                Ok(Ok(Delivered::Sent)) => report.sent += 1,
                Ok(Ok(Delivered::Retried)) => report.retried += 1,
                Ok(Ok(Delivered::Failed)) => report.failed += 1,
                Ok(Ok(Delivered::Cancelled)) => {}
                // The lease runs out and the mail is tried again.
                Ok(Err(error)) => tracing::error!(%error, "outbox delivery step failed"),
                Err(error) => tracing::error!(%error, "outbox delivery task failed"),
            }
        }
    }
    Ok(report)
}

enum Delivered {
    Sent,
    Retried,
    Failed,
    Cancelled,
}

/// Renders, sends and records one claimed mail.
async fn deliver_one(
    state: &AppState,
    mailer: &Mailer,
    row: &outbox::Model,
) -> Result<Delivered, AppError> {
    let Some(mail) = render(state, row).await? else {
        finish(state, row, Outcome::Cancelled).await?;
        return Ok(Delivered::Cancelled);
    };
    match mailer.send(&mail).await {
        Ok(()) => {
            finish(state, row, Outcome::Sent).await?;
            Ok(Delivered::Sent)
        }
        Err(error) => {
            tracing::warn!(outbox = row.id, attempt = row.attempts + 1, %error, "mail delivery failed");
            if row.attempts + 1 >= MAX_ATTEMPTS {
                finish(state, row, Outcome::Failed(error)).await?;
                Ok(Delivered::Failed)
            } else {
                finish(state, row, Outcome::Retry(error)).await?;
                Ok(Delivered::Retried)
            }
        }
    }
}

async fn claim(
    state: &AppState,
    row: &outbox::Model,
    worker: &str,
    now: i64,
) -> Result<bool, AppError> {
    let claimed = outbox::Entity::update_many()
        .col_expr(
            outbox::Column::ClaimedUntil,
            Expr::value(now + LEASE_MILLIS),
        )
        .col_expr(outbox::Column::ClaimedBy, Expr::value(worker))
        .filter(outbox::Column::Id.eq(row.id))
        .filter(outbox::Column::SentAt.is_null())
        .filter(outbox::Column::FailedAt.is_null())
        .filter(
            Condition::any()
                .add(outbox::Column::ClaimedUntil.is_null())
                .add(outbox::Column::ClaimedUntil.lt(now)),
        )
        .exec(&state.db)
        .await?;
    Ok(claimed.rows_affected == 1)
}

enum Outcome {
    Sent,
    Cancelled,
    Retry(String),
    Failed(String),
}

async fn finish(state: &AppState, row: &outbox::Model, outcome: Outcome) -> Result<(), AppError> {
    let now = now_millis();
    let mut update: outbox::ActiveModel = row.clone().into();
    update.claimed_until = Set(None);
    let invitation_delivery = match &outcome {
        Outcome::Sent => {
            update.sent_at = Set(Some(now));
            update.attempts = Set(row.attempts + 1);
            Some(delivery::SENT)
        }
        Outcome::Cancelled => {
            update.failed_at = Set(Some(now));
            update.last_error = Set(Some("cancelled: invitation no longer open".into()));
            None
        }
        Outcome::Retry(error) => {
            update.attempts = Set(row.attempts + 1);
            update.next_attempt_at = Set(now + backoff_millis(row.attempts));
            update.last_error = Set(Some(error.clone()));
            None
        }
        Outcome::Failed(error) => {
            update.attempts = Set(row.attempts + 1);
            update.failed_at = Set(Some(now));
            update.last_error = Set(Some(error.clone()));
            Some(delivery::FAILED)
        }
    };
    update.update(&state.db).await?;
    if let Some(state_name) = invitation_delivery {
        let mut changes = invitation::Entity::update_many()
            .col_expr(invitation::Column::Delivery, Expr::value(state_name))
            .filter(invitation::Column::Id.eq(row.invitation_id));
        if matches!(outcome, Outcome::Sent) {
            changes = changes.col_expr(
                invitation::Column::SendCount,
                sea_orm::ExprTrait::add(Expr::col(invitation::Column::SendCount), 1),
            );
        }
        changes.exec(&state.db).await?;
    }
    Ok(())
}

/// The mail for a row, rendered now (the link is derived, never stored), or
/// None when the invitation is no longer open.
async fn render(state: &AppState, row: &outbox::Model) -> Result<Option<OutgoingMail>, AppError> {
    let Some(invitation) = invitation::Entity::find_by_id(row.invitation_id)
        .one(&state.db)
        .await?
    else {
        return Ok(None);
    };
    if invitation.accepted_at.is_some() || invitation.revoked_at.is_some() {
        return Ok(None);
    }
    let Some(workspace) = workspace::Entity::find_by_id(invitation.workspace_id)
        .one(&state.db)
        .await?
    else {
        return Ok(None);
    };
    let inviter = match invitation.invited_by {
        Some(id) => user::Entity::find_by_id(id)
            .one(&state.db)
            .await?
            .map(|u| u.display_name),
        None => None,
    };
    let link = super::invitations::invite_url(state, &invitation);
    Ok(Some(super::mailer::invitation_mail(
        &state.settings.mail_from,
        &invitation,
        &workspace.name,
        inviter.as_deref(),
        &link,
    )))
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
    loop {
        match deliver_due(&state, &mailer, &worker, 200).await {
            Ok(report) if report.sent + report.retried + report.failed > 0 => {
                tracing::info!(
                    sent = report.sent,
                    retried = report.retried,
                    failed = report.failed,
                    "outbox pass"
                );
                continue;
            }
            Ok(_) => {}
            Err(error) => tracing::error!(%error, "outbox pass failed; retrying"),
        }
        tokio::select! {
            _ = shutdown.changed() => break,
            _ = state.outbox_wakeup.notified() => {},
            _ = tokio::time::sleep(std::time::Duration::from_secs(1)) => {},
        }
        if *shutdown.borrow() {
            break;
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
