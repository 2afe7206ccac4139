//! Everyone in a workspace's Users table: members, and invitations not yet accepted.
use crate::api::users::{PeoplePage, PersonId, PersonRow, PAGE_SIZE};
use crate::domain::{MembershipStatus, PersonStatus, Role};
use crate::error::AppError;
use crate::ssr::db::entities::{invitation, membership, user};
use crate::ssr::time::now_millis;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::{HashMap, HashSet};

pub struct Filter {
    pub search: String,
    pub status: Option<String>,
    pub page: usize,
}

pub async fn list(
    db: &impl ConnectionTrait,
    workspace_id: i32,
    filter: &Filter,
) -> Result<PeoplePage, AppError> {
    let memberships = membership::Entity::find()
        .filter(membership::Column::WorkspaceId.eq(workspace_id))
        .all(db)
        .await?;
    let invitations = invitation::Entity::find()
        .filter(invitation::Column::WorkspaceId.eq(workspace_id))
        .filter(invitation::Column::AcceptedAt.is_null())
        .order_by_desc(invitation::Column::CreatedAt)
        .all(db)
        .await?;
    let mut user_ids: HashSet<i32> = memberships.iter().map(|m| m.user_id).collect();
    user_ids.extend(invitations.iter().filter_map(|i| i.invited_by));
    let users: HashMap<i32, user::Model> = user::Entity::find()
        .filter(user::Column::Id.is_in(user_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    let invited_keys: Vec<&str> = invitations.iter().map(|i| i.email_key.as_str()).collect();
    let with_account: HashSet<String> = user::Entity::find()
        .filter(user::Column::EmailKey.is_in(invited_keys))
        .all(db)
        .await?
        .into_iter()
        .map(|u| u.email_key)
        .collect();

    let now = now_millis();
    let mut rows = Vec::with_capacity(memberships.len() + invitations.len());
    let mut seen_keys = HashSet::new();
    for m in &memberships {
        let Some(u) = users.get(&m.user_id) else {
            continue;
        };
        seen_keys.insert(u.email_key.clone());
        let status = match MembershipStatus::parse(&m.status) {
            Ok(MembershipStatus::Active) => PersonStatus::Active,
            _ => PersonStatus::Archived,
        };
        rows.push(PersonRow {
            id: PersonId::Member(u.id),
            name: u.display_name.clone(),
            email: u.email.clone(),
            role: Role::parse(&m.role).unwrap_or(Role::Member),
            status,
            invited_by: None,
            invited_at: None,
            expires_at: None,
            delivery: None,
        });
    }
    // Newest invitation per person only; none for people who are members.
    for i in &invitations {
        if !seen_keys.insert(i.email_key.clone()) {
            continue;
        }
        rows.push(PersonRow {
            id: PersonId::Invitation(i.id),
            name: i.display_name.clone().unwrap_or_default(),
            email: i.email.clone(),
            role: Role::parse(&i.role).unwrap_or(Role::Member),
            status: PersonStatus::of_invitation(
                i.revoked_at.is_some(),
                i.expires_at,
                now,
                with_account.contains(&i.email_key),
            ),
            invited_by: i
                .invited_by
                .and_then(|id| users.get(&id))
                .map(|u| u.display_name.clone()),
            invited_at: Some(i.created_at),
            expires_at: Some(i.expires_at),
            delivery: Some(i.delivery.clone()),
        });
    }

    let needle = filter.search.trim().to_lowercase();
    rows.retain(|row| {
        (needle.is_empty()
            || row.name.to_lowercase().contains(&needle)
            || row.email.to_lowercase().contains(&needle))
            && filter
                .status
                .as_deref()
                .is_none_or(|s| row.status.key() == s)
    });
    rows.sort_by(|a, b| {
        let key = |r: &PersonRow| {
            (
                r.name.is_empty(),
                r.name.to_lowercase(),
                r.email.to_lowercase(),
            )
        };
        key(a).cmp(&key(b))
    });
    let total = rows.len();
    let page = filter.page.min(total.saturating_sub(1) / PAGE_SIZE);
    let rows = rows
        .into_iter()
        .skip(page * PAGE_SIZE)
        .take(PAGE_SIZE)
        .collect();
    Ok(PeoplePage {
        rows,
        total,
        page,
        page_size: PAGE_SIZE,
        mail_to_files: false,
    })
}
