use crate::ssr::db::entities::audit_log;
use crate::ssr::time::now_millis;
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, Set};

/// Records who did what. Call it inside the transaction that did it.
pub async fn record(
    db: &impl ConnectionTrait,
    workspace_id: Option<i32>,
    actor_user_id: Option<i32>,
    action: &str,
    detail: serde_json::Value,
) -> Result<(), DbErr> {
    audit_log::ActiveModel {
        workspace_id: Set(workspace_id),
        actor_user_id: Set(actor_user_id),
        action: Set(action.to_owned()),
        detail: Set(detail.to_string()),
        created_at: Set(now_millis()),
        ..Default::default()
    }
    .insert(db)
    .await
    .map(|_| ())
}
