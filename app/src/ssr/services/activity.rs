//! Reading the audit log back as sentences people understand.
use crate::error::AppError;
use crate::model::activity::{ActivityEntry, ActivityPage};
use crate::ssr::db::entities::{audit_log, user};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use serde_json::Value;
use std::collections::HashMap;

pub const PAGE_SIZE: u64 = 50;

pub async fn list(
    db: &impl ConnectionTrait,
    workspace_id: i32,
    page: u64,
) -> Result<ActivityPage, AppError> {
    let query = audit_log::Entity::find()
        .filter(audit_log::Column::WorkspaceId.eq(workspace_id))
        .order_by_desc(audit_log::Column::Id);
    let total = query.clone().count(db).await?;
    let page = page.min(total.saturating_sub(1) / PAGE_SIZE);
    let rows = query.paginate(db, PAGE_SIZE).fetch_page(page).await?;
    let actor_ids: Vec<i32> = rows.iter().filter_map(|r| r.actor_user_id).collect();
    let actors: HashMap<i32, String> = user::Entity::find()
        .filter(user::Column::Id.is_in(actor_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, format!("{} ({})", u.display_name, u.email)))
        .collect();
    let entries = rows
        .into_iter()
        .map(|row| {
            let detail: Value = serde_json::from_str(&row.detail).unwrap_or(Value::Null);
            ActivityEntry {
                at: row.created_at,
                actor: row.actor_user_id.map(|id| {
                    actors
                        .get(&id)
                        .cloned()
                        .unwrap_or_else(|| "A removed account".into())
                }),
                summary: describe(&row.action, &detail),
            }
        })
        .collect();
    Ok(ActivityPage {
        entries,
        total,
        page,
        page_size: PAGE_SIZE,
    })
}

/// One line per action. Unknown actions show their key rather than vanish.
pub fn describe(action: &str, detail: &Value) -> String {
    let text = |key: &str| {
        detail
            .get(key)
            .and_then(Value::as_str)
            .unwrap_or("?")
            .to_owned()
    };
    let role = |key: &str| {
        let raw = text(key);
        crate::domain::Role::parse(&raw)
            .map(|r| r.label().to_owned())
            .unwrap_or(raw)
    };
    match action {
        "workspace.created" => format!("Created the workspace “{}”", text("name")),
        "member.added" => format!("Added {} as {}", text("email"), role("role")),
        "member.role_changed" => format!(
            "Changed the role of {} from {} to {}",
            text("email"),
            role("from"),
            role("to")
        ),
        "member.archived" => format!("Archived {}", text("email")),
        "member.unarchived" => format!("Unarchived {}", text("email")),
        "member.removed" => format!("Removed {} from the workspace", text("email")),
        "invitation.created" => format!("Invited {} as {}", text("email"), role("role")),
        "invitation.resent" => format!("Sent a new invitation link to {}", text("email")),
        "invitation.revoked" => format!("Revoked the invitation of {}", text("email")),
        "invitation.accepted" => format!("{} accepted the invitation and joined", text("email")),
        "api_token.created" => format!("Created the API token “{}”", text("name")),
        "api_token.revoked" => format!("Revoked the API token “{}”", text("name")),
        "group.created" => format!("Created the group “{}”", text("name")),
        "group.renamed" => format!("Renamed the group “{}” to “{}”", text("from"), text("to")),
        "group.deleted" => format!("Deleted the group “{}”", text("name")),
        "groups.assigned" => {
            let groups: Vec<&str> = detail
                .get("groups")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            if groups.is_empty() {
                format!("Took {} out of every group", text("email"))
            } else {
                format!("Put {} in {}", text("email"), groups.join(", "))
            }
        }
        other => other.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn actions_read_as_sentences() {
        assert_eq!(
            describe(
                "member.role_changed",
                &json!({"email": "eve@example.com", "from": "member", "to": "admin"})
            ),
            "Changed the role of eve@example.com from Member to Admin"
        );
        assert_eq!(
            describe(
                "groups.assigned",
                &json!({"email": "eve@example.com", "groups": ["Ops", "Sales"]})
            ),
            "Put eve@example.com in Ops, Sales"
        );
        assert_eq!(describe("something.new", &json!({})), "something.new");
        assert_eq!(describe("member.archived", &Value::Null), "Archived ?");
    }
}
