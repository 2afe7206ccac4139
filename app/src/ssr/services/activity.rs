//! Reading the audit log back as sentences people understand.
use super::audit::AuditAction;
use crate::error::AppError;
use crate::model::activity::{ActivityEntry, ActivityPage};
use crate::model::bulk::{thousands, BulkAction};
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
                summary: describe(row.action, &detail),
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

/// One sentence per action: the match is exhaustive, so an action cannot
/// exist without one. Details missing from an old entry show as "?".
pub fn describe(action: AuditAction, detail: &Value) -> String {
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
        AuditAction::WorkspaceCreated => format!("Created the workspace “{}”", text("name")),
        AuditAction::WorkspaceSettingsChanged => {
            let changes: Vec<&str> = detail
                .get("changes")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            format!("Changed the workspace settings ({})", changes.join("; "))
        }
        AuditAction::MemberAdded => format!("Added {} as {}", text("email"), role("role")),
        AuditAction::MemberRoleChanged => format!(
            "Changed the role of {} from {} to {}",
            text("email"),
            role("from"),
            role("to")
        ),
        AuditAction::MemberArchived => format!("Archived {}", text("email")),
        AuditAction::MemberUnarchived => format!("Unarchived {}", text("email")),
        AuditAction::MemberRemoved => format!("Removed {} from the workspace", text("email")),
        AuditAction::MemberUpdated => format!(
            "Updated {} from {}: {}",
            text("email"),
            text("file"),
            text("change")
        ),
        AuditAction::InvitationCreated => {
            format!("Invited {} as {}", text("email"), role("role"))
        }
        AuditAction::InvitationResent => {
            format!("Sent a new invitation link to {}", text("email"))
        }
        AuditAction::InvitationRevoked => {
            format!("Revoked the invitation of {}", text("email"))
        }
        AuditAction::InvitationEmailChanged => format!(
            "Changed the address of an invitation from {} to {} and sent a new link",
            text("from"),
            text("to")
        ),
        AuditAction::InvitationRoleChanged => format!(
            "Changed the invitation of {} from {} to {}",
            text("email"),
            role("from"),
            role("to")
        ),
        AuditAction::InvitationAccepted => {
            format!("{} accepted the invitation and joined", text("email"))
        }
        AuditAction::ApiTokenCreated => format!("Created the API token “{}”", text("name")),
        AuditAction::ApiTokenRevoked => format!("Revoked the API token “{}”", text("name")),
        AuditAction::GroupCreated => format!("Created the group “{}”", text("name")),
        AuditAction::GroupRenamed => {
            format!("Renamed the group “{}” to “{}”", text("from"), text("to"))
        }
        AuditAction::GroupDeleted => format!("Deleted the group “{}”", text("name")),
        AuditAction::GroupsAssigned => {
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
        AuditAction::ImportStarted => {
            let rows = match detail.get("rows").and_then(Value::as_u64) {
                Some(1) => "1 row".to_owned(),
                Some(n) => format!("{} rows", thousands(n)),
                None => "? rows".to_owned(),
            };
            format!("Started importing {} ({rows})", text("file"))
        }
        AuditAction::ImportUndone => {
            let count = |key: &str| detail.get(key).and_then(Value::as_u64).unwrap_or(0);
            let stayed = match count("stayed") {
                0 => String::new(),
                1 => "; 1 person had joined and stays".to_owned(),
                n => format!("; {} people had joined and stay", thousands(n)),
            };
            let revoked = match count("revoked") {
                1 => "1 invitation".to_owned(),
                n => format!("{} invitations", thousands(n)),
            };
            let restored = match count("restored") {
                0 => String::new(),
                1 => "; put back 1 member's update".to_owned(),
                n => format!("; put back {} members' updates", thousands(n)),
            };
            format!(
                "Undid the import of {}: revoked {revoked}{restored}{stayed}",
                text("file")
            )
        }
        AuditAction::BulkChanged => {
            let count = |key: &str| detail.get(key).and_then(Value::as_u64).unwrap_or(0);
            let Some(action) = BulkAction::from_key(&text("action")) else {
                return format!("Changed many people at once ({})", text("action"));
            };
            let role = crate::domain::Role::parse(&text("role")).ok();
            let done = action.done(count("applied"), role, &text("group"));
            let skipped = match count("skipped") {
                0 => String::new(),
                n => format!(", {} skipped", thousands(n)),
            };
            if detail.get("finished").and_then(Value::as_bool) == Some(true) {
                format!("{done} at once{skipped}")
            } else {
                format!(
                    "{done} so far, of {} asked{skipped}",
                    thousands(count("total"))
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::Iterable;
    use serde_json::json;

    #[test]
    fn actions_read_as_sentences() {
        assert_eq!(
            describe(
                AuditAction::MemberRoleChanged,
                &json!({"email": "eve@example.com", "from": "member", "to": "admin"})
            ),
            "Changed the role of eve@example.com from Member to Admin"
        );
        assert_eq!(
            describe(
                AuditAction::GroupsAssigned,
                &json!({"email": "eve@example.com", "groups": ["Ops", "Sales"]})
            ),
            "Put eve@example.com in Ops, Sales"
        );
        assert_eq!(
            describe(
                AuditAction::ImportStarted,
                &json!({"batch": 3, "file": "people.csv", "rows": 2000})
            ),
            "Started importing people.csv (2,000 rows)"
        );
        assert_eq!(
            describe(
                AuditAction::ImportStarted,
                &json!({"file": "one.csv", "rows": 1})
            ),
            "Started importing one.csv (1 row)"
        );
        assert_eq!(
            describe(
                AuditAction::WorkspaceSettingsChanged,
                &json!({"changes": ["Name: A → B", "Reminders: on → off"]})
            ),
            "Changed the workspace settings (Name: A → B; Reminders: on → off)"
        );
        assert_eq!(
            describe(
                AuditAction::ImportUndone,
                &json!({"file": "people.csv", "revoked": 1880, "stayed": 12})
            ),
            "Undid the import of people.csv: revoked 1,880 invitations; 12 people had joined and stay"
        );
        assert_eq!(
            describe(
                AuditAction::MemberUpdated,
                &json!({"email": "eve@example.com", "file": "hr.csv", "change": "Role: Member → Builder"})
            ),
            "Updated eve@example.com from hr.csv: Role: Member → Builder"
        );
        assert_eq!(
            describe(AuditAction::MemberArchived, &Value::Null),
            "Archived ?"
        );
    }

    #[test]
    fn every_action_has_a_sentence_that_is_not_its_key() {
        let detail = json!({
            "name": "N", "email": "e@example.com", "role": "admin", "from": "a", "to": "b",
            "groups": ["G"], "file": "f.csv", "rows": 1234567,
            "changes": ["Reminders: on → off"], "change": "Role: Member → Builder",
            "action": "add_to_group", "group": "G", "applied": 3, "total": 3, "finished": true
        });
        for action in AuditAction::iter() {
            let stored = sea_orm::ActiveEnum::to_value(&action);
            let sentence = describe(action, &detail);
            assert!(
                !sentence.is_empty() && !sentence.contains('?'),
                "{action:?}: {sentence}"
            );
            assert!(
                !sentence.contains(&stored),
                "{action:?} shows its key: {sentence}"
            );
        }
    }

    #[test]
    fn a_bulk_change_reads_as_what_it_did_and_how_far_it_got() {
        let detail = |finished: bool| json!({"action": "revoke", "applied": 1204, "skipped": 3, "total": 1207, "finished": finished});
        assert_eq!(
            describe(AuditAction::BulkChanged, &detail(true)),
            "Revoked 1,204 invitations at once, 3 skipped"
        );
        assert_eq!(
            describe(AuditAction::BulkChanged, &detail(false)),
            "Revoked 1,204 invitations so far, of 1,207 asked, 3 skipped"
        );
        assert_eq!(
            describe(
                AuditAction::BulkChanged,
                &json!({"action": "add_to_group", "group": "Sales", "applied": 2, "skipped": 0, "finished": true})
            ),
            "Added 2 people to Sales at once"
        );
    }
}
