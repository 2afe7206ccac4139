//! `/api/v1/members`: the workspace's members, read only.
use super::auth::Caller;
use super::error::ApiError;
use super::invitations::people_page;
use super::types::*;
use app::domain::PersonStatus;
use app::model::users::{PersonId, StatusFilter};
use app::ssr::services::people::PersonKind;
use app::ssr::AppState;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::Json;

/// Members, newest first, 50 a page.
#[utoipa::path(
    get, path = "/api/v1/members", tag = "members",
    params(MemberQuery),
    responses(
        (status = 200, body = MemberPage),
        (status = 400, description = "Bad query string", body = ErrorBody),
        (status = 401, description = "No live token", body = ErrorBody),
    ),
    security(("token" = []))
)]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    query: Result<Query<MemberQuery>, QueryRejection>,
) -> Result<Json<MemberPage>, ApiError> {
    let Query(query) = query.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let status = query.status.map(|s| match s {
        MemberStatus::Active => StatusFilter::Active,
        MemberStatus::Archived => StatusFilter::Archived,
    });
    let page = people_page(
        &state,
        &caller,
        PersonKind::Member,
        status,
        query.search,
        query.page,
        query.after,
    )
    .await?;
    let items = page
        .rows
        .into_iter()
        .filter_map(|row| {
            let PersonId::Member(id) = row.id else {
                return None;
            };
            let status = match row.status {
                PersonStatus::Active => MemberStatus::Active,
                PersonStatus::Archived => MemberStatus::Archived,
                _ => return None,
            };
            Some(Member {
                id,
                email: row.email,
                name: row.name,
                role: row.role.as_str().to_owned(),
                groups: row.groups,
                status,
            })
        })
        .collect();
    Ok(Json(MemberPage {
        items,
        page: page.page + 1,
        page_size: page.page_size,
        total: page.total,
        next: page.next,
    }))
}
