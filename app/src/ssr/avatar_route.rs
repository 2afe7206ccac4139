//! `GET /avatars/{user_id}`: a person's picture, for people who share a
//! workspace with them. Plain axum, not a server function: browsers load it
//! from `<img src>`.
use super::db::entities::avatar;
use super::db::placeholders;
use super::request::session_secret_in;
use super::services::sessions;
use super::AppState;
use axum::body::Body;
use axum::extract::Path;
use http::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE};
use http::{HeaderMap, Response, StatusCode};
use sea_orm::{ConnectionTrait, EntityTrait, Statement};

pub async fn serve(
    state: AppState,
    Path(user_id): Path<i32>,
    headers: HeaderMap,
) -> Response<Body> {
    match find(&state, user_id, &headers).await {
        Ok(Some(picture)) => Response::builder()
            .header(CONTENT_TYPE, picture.content_type)
            // Private: only people in a shared workspace may see it. The URL
            // changes when the picture does (`?v=`), so caching is safe.
            .header(CACHE_CONTROL, "private, max-age=86400")
            .header(CONTENT_SECURITY_POLICY, "default-src 'none'")
            .body(Body::from(picture.image))
            .unwrap_or_else(|_| status(StatusCode::INTERNAL_SERVER_ERROR)),
        // Unknown, no picture, or not allowed: one answer, so nothing leaks.
        Ok(None) => status(StatusCode::NOT_FOUND),
        Err(error) => {
            super::request::log_failure(&error.into());
            status(StatusCode::INTERNAL_SERVER_ERROR)
        }
    }
}

fn status(code: StatusCode) -> Response<Body> {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = code;
    response
}

async fn find(
    state: &AppState,
    user_id: i32,
    headers: &HeaderMap,
) -> Result<Option<avatar::Model>, sea_orm::DbErr> {
    let Some(secret) = session_secret_in(headers) else {
        return Ok(None);
    };
    let Ok(Some(viewer)) = sessions::resolve(&state.db, &secret, state.clock.now_millis()).await
    else {
        return Ok(None);
    };
    if viewer.user_id != user_id && !share_a_workspace(state, viewer.user_id, user_id).await? {
        return Ok(None);
    }
    avatar::Entity::find_by_id(user_id).one(&state.db).await
}

async fn share_a_workspace(
    state: &AppState,
    viewer: i32,
    subject: i32,
) -> Result<bool, sea_orm::DbErr> {
    let backend = state.db.get_database_backend();
    let sql = placeholders(
        "SELECT 1 AS shared FROM memberships v JOIN memberships s ON s.workspace_id = v.workspace_id
          WHERE v.user_id = {p} AND v.status = 'active' AND s.user_id = {p} LIMIT 1",
        backend,
    );
    let row = state
        .db
        .query_one_raw(Statement::from_sql_and_values(
            backend,
            sql,
            [viewer.into(), subject.into()],
        ))
        .await?;
    Ok(row.is_some())
}
