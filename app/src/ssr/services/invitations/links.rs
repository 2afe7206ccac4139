//! New links for many invitations in one statement: each its own secret,
//! expiry and reminder, carried to the database as one JSON parameter (a
//! bulk resend of 1,000 invitations was 1,000 UPDATEs).
use crate::domain::DeliveryState;
use crate::error::AppError;
use sea_orm::{ConnectionTrait, DbBackend, Statement, Value};
use serde::Serialize;

/// One invitation's new link.
#[derive(Debug, Serialize)]
pub(super) struct Renewal {
    pub id: i32,
    pub nonce: String,
    pub expires_at: i64,
    pub lifetime_hours: i32,
    pub remind_at: Option<i64>,
}

/// Gives each invitation its new link; the reminder is due again and the
/// mail is queued.
pub(super) async fn renew(
    txn: &impl ConnectionTrait,
    renewals: &[Renewal],
) -> Result<(), AppError> {
    if renewals.is_empty() {
        return Ok(());
    }
    let backend = txn.get_database_backend();
    let rows = serde_json::to_string(renewals)
        .map_err(|e| AppError::internal("writing new links as JSON", e))?;
    let set = format!(
        "nonce = v.nonce, expires_at = v.expires_at, lifetime_hours = v.lifetime_hours, \
         remind_at = v.remind_at, reminded_at = NULL, delivery = '{}'",
        queued()
    );
    let sql = match backend {
        DbBackend::Postgres => format!(
            "UPDATE invitations AS i SET {set} \
             FROM json_to_recordset($1::json) AS v(id integer, nonce text, expires_at bigint, \
                  lifetime_hours integer, remind_at bigint) \
             WHERE i.id = v.id"
        ),
        _ => format!(
            "UPDATE invitations SET {set} \
             FROM (SELECT json_extract(value, '$.id') AS id, json_extract(value, '$.nonce') AS nonce, \
                          json_extract(value, '$.expires_at') AS expires_at, \
                          json_extract(value, '$.lifetime_hours') AS lifetime_hours, \
                          json_extract(value, '$.remind_at') AS remind_at \
                     FROM json_each(?)) AS v \
             WHERE invitations.id = v.id"
        ),
    };
    let done = txn
        .execute_raw(Statement::from_sql_and_values(
            backend,
            sql,
            [Value::from(rows)],
        ))
        .await?;
    if done.rows_affected() != renewals.len() as u64 {
        return Err(AppError::unexpected("an invitation to renew was not there"));
    }
    Ok(())
}

/// The stored name of the queued state (as sea-orm writes it).
fn queued() -> String {
    use sea_orm::ActiveEnum;
    DeliveryState::Queued.to_value()
}
