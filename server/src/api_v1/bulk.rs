//! `/api/v1/bulk`: one action over many people at once, as the Users page's
//! bulk actions do it (in chunks, one Activity entry), answered when done.
use super::auth::Caller;
use super::error::ApiError;
use super::types::ErrorBody;
use app::domain::{Email, Role};
use app::error::AppError;
use app::model::bulk::BulkAction;
use app::model::users::StatusFilter;
use app::ssr::services::bulk::{self, NewBulk, Target};
use app::ssr::AppState;
use axum::extract::rejection::JsonRejection;
use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BulkActionName {
    Resend,
    Revoke,
    ChangeRole,
    AddToGroup,
    RemoveFromGroup,
    Archive,
    Remove,
}

#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PeopleFilter {
    Invited,
    Expired,
    Active,
    Archived,
    Revoked,
    MailProblems,
}

/// What to do, and to whom: the people named by address, or everyone
/// matching `status` and `search` (both optional; neither means everyone).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkChange {
    pub action: BulkActionName,
    /// For `change_role`: `admin`, `builder` or `member`.
    pub role: Option<String>,
    /// For `add_to_group` (created if missing) and `remove_from_group`.
    pub group: Option<String>,
    /// These people, by address (at most 1,000); instead of a filter.
    #[schema(max_items = 1000)]
    pub emails: Option<Vec<String>>,
    pub status: Option<PeopleFilter>,
    /// Only addresses or names containing this text.
    pub search: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SkippedCount {
    /// Why they were left as they were ("already accepted", "revoked"…).
    pub reason: String,
    pub count: u64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BulkResult {
    pub action: BulkActionName,
    /// People it was asked of.
    pub total: u64,
    /// People it changed.
    pub applied: u64,
    pub skipped: Vec<SkippedCount>,
    /// "Revoked 1,204 invitations; 3 skipped (already accepted: 3)."
    pub summary: String,
}

/// Resend or revoke invitations, change roles or groups, archive or remove
/// members: many at once, audited as one entry. People it does not apply to
/// are counted as skipped with the reason; the workspace keeps an admin.
#[utoipa::path(
    post, path = "/api/v1/bulk", tag = "people",
    request_body = BulkChange,
    responses(
        (status = 200, body = BulkResult),
        (status = 400, description = "Unreadable body", body = ErrorBody),
        (status = 401, description = "No live token", body = ErrorBody),
        (status = 409, description = "Nobody named, or too many", body = ErrorBody),
        (status = 422, description = "A bad role, group, status or address", body = ErrorBody),
        (status = 429, description = "Too many requests; see Retry-After", body = ErrorBody),
    ),
    security(("token" = []))
)]
pub async fn change(
    State(state): State<AppState>,
    caller: Caller,
    body: Result<Json<BulkChange>, JsonRejection>,
) -> Result<Json<BulkResult>, ApiError> {
    let Json(body) = body.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let action = action_of(body.action);
    if action == BulkAction::Resend {
        caller.may_invite(&state).await?;
    }
    let new = NewBulk {
        action,
        role: body
            .role
            .as_deref()
            .map(Role::parse)
            .transpose()
            .map_err(|e| AppError::invalid("role", e))?,
        group: body
            .group
            .as_deref()
            .map(app::domain::GroupName::parse)
            .transpose()
            .map_err(|e| AppError::invalid("group", e))?,
        target: match body.emails {
            Some(emails) => Target::Addresses(
                emails
                    .iter()
                    .map(|e| Email::parse(e))
                    .collect::<Result<_, _>>()
                    .map_err(|e| AppError::invalid("emails", e))?,
            ),
            None => Target::Matching {
                search: body.search.unwrap_or_default(),
                status: body.status.map(status_of),
            },
        },
    };
    let done = bulk::run(&state, caller.token.actor, new).await?;
    Ok(Json(BulkResult {
        action: body.action,
        total: done.total,
        applied: done.applied,
        skipped: done
            .skipped
            .into_iter()
            .map(|s| SkippedCount {
                reason: s.reason,
                count: s.count,
            })
            .collect(),
        summary: done.summary,
    }))
}

fn action_of(name: BulkActionName) -> BulkAction {
    match name {
        BulkActionName::Resend => BulkAction::Resend,
        BulkActionName::Revoke => BulkAction::Revoke,
        BulkActionName::ChangeRole => BulkAction::ChangeRole,
        BulkActionName::AddToGroup => BulkAction::AddToGroup,
        BulkActionName::RemoveFromGroup => BulkAction::RemoveFromGroup,
        BulkActionName::Archive => BulkAction::Archive,
        BulkActionName::Remove => BulkAction::Remove,
    }
}

fn status_of(filter: PeopleFilter) -> StatusFilter {
    match filter {
        PeopleFilter::Invited => StatusFilter::Invited,
        PeopleFilter::Expired => StatusFilter::Expired,
        PeopleFilter::Active => StatusFilter::Active,
        PeopleFilter::Archived => StatusFilter::Archived,
        PeopleFilter::Revoked => StatusFilter::Revoked,
        PeopleFilter::MailProblems => StatusFilter::MailProblems,
    }
}
