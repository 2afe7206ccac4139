//! `/api/v1/invitations`: create (JSON list or CSV file), list, resend, revoke.
use super::auth::Caller;
use super::error::ApiError;
use super::types::*;
use app::domain::{ExpiryDays, GroupName, PersonStatus, PersonalMessage, Role};
use app::error::AppError;
use app::import::{self, Candidate, ForEveryone, ReadOptions, RowDefaults, SourceRow};
use app::model::imports::{ConflictChoices, OutcomeCounts, RowOutcome};
use app::model::member_updates::UpdateFields;
use app::model::users::{PeoplePage, PeopleSort, PersonId, StatusFilter};
use app::ssr::services::imports::{self, Sending};
use app::ssr::services::people::{self, PersonKind};
use app::ssr::services::{invitations, workspace_settings};
use app::ssr::AppState;
use axum::body::Bytes;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::Json;
use http::StatusCode;

/// Invite up to 2,000 people, each checked like a row of an uploaded file.
#[utoipa::path(
    post, path = "/api/v1/invitations", tag = "invitations",
    request_body = CreateInvitations,
    responses(
        (status = 200, description = "Each person's result, in the order sent", body = InvitationResults),
        (status = 400, description = "Not valid JSON of this shape", body = ErrorBody),
        (status = 401, description = "No live token", body = ErrorBody),
        (status = 413, description = "Body over 4 MB"),
        (status = 422, description = "No people, or more than 2,000", body = ErrorBody),
        (status = 429, description = "Too many requests; see Retry-After", body = ErrorBody),
    ),
    security(("token" = []))
)]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    body: Result<Json<CreateInvitations>, JsonRejection>,
) -> Result<Json<InvitationResults>, ApiError> {
    let Json(body) = body.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    if body.invitations.is_empty() || body.invitations.len() > imports::MAX_CHUNK_ROWS {
        return Err(AppError::Invalid {
            field: "invitations".into(),
            message: format!("Send 1 to {} people at a time.", imports::MAX_CHUNK_ROWS),
        }
        .into());
    }
    caller.may_invite(&state).await?;
    let defaults = RowDefaults {
        role: Some(
            workspace_settings::default_role(&state.db, caller.token.actor.workspace_id).await?,
        ),
    };
    let mapping = import::wire_mapping();
    let candidates: Vec<Candidate> = body
        .invitations
        .iter()
        .enumerate()
        .map(|(i, person)| {
            let metadata = if person.metadata.is_empty() {
                String::new()
            } else {
                serde_json::Value::Object(person.metadata.clone()).to_string()
            };
            let row = SourceRow {
                number: i + 1,
                cells: vec![
                    person.email.clone(),
                    person.name.clone().unwrap_or_default(),
                    person.role.clone().unwrap_or_default(),
                    person.groups.join("|"),
                    metadata,
                ],
            };
            import::validate_row(&row, &mapping, &defaults)
        })
        .collect();
    let choices = ConflictChoices {
        resend_pending: body.resend_pending,
        create_groups: body.create_groups,
        skip_expired: body.skip_expired,
        update_members: body.update_members.then(|| UpdateFields {
            role: body.invitations.iter().any(|p| p.role.is_some()),
            groups: body.invitations.iter().any(|p| !p.groups.is_empty()),
            metadata: true,
        }),
    };
    let sending = Sending {
        send_email: body.send_email,
        expiry: expiry(body.expires_in_days)?,
        message: message(body.message.as_deref())?,
    };
    commit(
        &state,
        &caller,
        "API request",
        &candidates,
        sending,
        choices,
    )
    .await
}

/// Invite everyone in a CSV file (up to 16 MB), read as the Upload tab reads it.
#[utoipa::path(
    post, path = "/api/v1/invitations/csv", tag = "invitations",
    params(CsvOptions),
    request_body(content = String, content_type = "text/csv", description = "A CSV file with a header row naming at least an email column"),
    responses(
        (status = 200, description = "Each row's result, by its row number in the file", body = InvitationResults),
        (status = 400, description = "Bad query string", body = ErrorBody),
        (status = 401, description = "No live token", body = ErrorBody),
        (status = 413, description = "Body over 16 MB"),
        (status = 422, description = "The file cannot be read, or an option is not valid", body = ErrorBody),
        (status = 429, description = "Too many requests; see Retry-After", body = ErrorBody),
    ),
    security(("token" = []))
)]
pub async fn create_from_csv(
    State(state): State<AppState>,
    caller: Caller,
    options: Result<Query<CsvOptions>, QueryRejection>,
    body: Bytes,
) -> Result<Json<InvitationResults>, ApiError> {
    let Query(options) = options.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let mut everyone = for_everyone(options.role.as_deref(), options.groups.as_deref())?;
    caller.may_invite(&state).await?;
    everyone.default_role =
        Some(workspace_settings::default_role(&state.db, caller.token.actor.workspace_id).await?);
    let limits = state.import_settings().limits;
    let checked = import::check_file(
        &body,
        "upload.csv",
        &ReadOptions::default(),
        &limits,
        &everyone,
    )
    .map_err(|e| AppError::Invalid {
        field: "file".into(),
        message: e.to_string(),
    })?;
    let choices = ConflictChoices {
        resend_pending: options.resend_pending.unwrap_or(false),
        create_groups: options.create_groups.unwrap_or(false),
        skip_expired: options.skip_expired.unwrap_or(false),
        update_members: options
            .update_members
            .unwrap_or(false)
            .then_some(checked.fields),
    };
    let candidates = checked.candidates;
    let sending = Sending {
        send_email: options.send_email.unwrap_or(true),
        expiry: expiry(options.expires_in_days)?,
        message: message(options.message.as_deref())?,
    };
    commit(
        &state,
        &caller,
        "API upload.csv",
        &candidates,
        sending,
        choices,
    )
    .await
}

/// The `role` and `groups` query options: one role and one set of groups for
/// every row of a file, in place of its columns.
pub(super) fn for_everyone(
    role: Option<&str>,
    groups: Option<&str>,
) -> Result<ForEveryone, AppError> {
    Ok(ForEveryone {
        role: role
            .map(Role::parse)
            .transpose()
            .map_err(|e| AppError::invalid("role", e))?,
        groups: groups
            .map(GroupName::parse_list)
            .transpose()
            .map_err(|e| AppError::invalid("groups", e))?
            .map(|names| names.iter().map(|n| n.as_str().to_owned()).collect()),
        default_role: None,
    })
}

/// The `expires_in_days` option: 1 to 30, or the workspace's default.
pub(super) fn expiry(days: Option<i64>) -> Result<Option<ExpiryDays>, AppError> {
    days.map(ExpiryDays::parse)
        .transpose()
        .map_err(|e| AppError::invalid("expires_in_days", e))
}

/// The `message` option: up to 500 characters, line breaks kept.
pub(super) fn message(text: Option<&str>) -> Result<Option<PersonalMessage>, AppError> {
    PersonalMessage::parse(text.unwrap_or_default()).map_err(|e| AppError::invalid("message", e))
}

async fn commit(
    state: &AppState,
    caller: &Caller,
    file_name: &str,
    candidates: &[Candidate],
    sending: Sending,
    choices: ConflictChoices,
) -> Result<Json<InvitationResults>, ApiError> {
    let (batch_id, outcomes) = imports::commit_file(
        state,
        caller.token.actor,
        file_name,
        candidates,
        sending,
        choices,
        |_, _| {},
    )
    .await?;
    Ok(Json(results(batch_id, outcomes)))
}

fn results(batch_id: i32, outcomes: Vec<RowOutcome>) -> InvitationResults {
    let counts = OutcomeCounts::of(outcomes.iter().map(|o| &o.kind));
    let rows = outcomes
        .into_iter()
        .map(|RowOutcome { row, email, kind }| RowResult {
            row,
            email,
            outcome: kind.outcome().into(),
            reason: kind.reason().map(str::to_owned),
        })
        .collect();
    InvitationResults {
        batch_id,
        invited: counts.invited as usize,
        resent: counts.resent as usize,
        updated: counts.updated as usize,
        skipped: counts.skipped as usize,
        failed: counts.failed as usize,
        rows,
    }
}

/// Invitations not yet accepted, newest first, 50 a page.
#[utoipa::path(
    get, path = "/api/v1/invitations", tag = "invitations",
    params(InvitationQuery),
    responses(
        (status = 200, body = InvitationPage),
        (status = 400, description = "Bad query string", body = ErrorBody),
        (status = 401, description = "No live token", body = ErrorBody),
    ),
    security(("token" = []))
)]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    query: Result<Query<InvitationQuery>, QueryRejection>,
) -> Result<Json<InvitationPage>, ApiError> {
    let Query(query) = query.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let status = query.status.map(|s| match s {
        InvitationFilter::Invited => StatusFilter::Invited,
        InvitationFilter::Expired => StatusFilter::Expired,
        InvitationFilter::Revoked => StatusFilter::Revoked,
        InvitationFilter::MailProblems => StatusFilter::MailProblems,
    });
    let page = people_page(
        &state,
        &caller,
        PersonKind::Invitation,
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
            let PersonId::Invitation(id) = row.id else {
                return None;
            };
            let status = match row.status {
                PersonStatus::Invited { .. } => InvitationStatus::Invited,
                PersonStatus::Expired => InvitationStatus::Expired,
                PersonStatus::Revoked => InvitationStatus::Revoked,
                PersonStatus::Active | PersonStatus::Archived => return None,
            };
            Some(Invitation {
                id,
                email: row.email,
                name: (!row.name.is_empty()).then_some(row.name),
                role: row.role.as_str().to_owned(),
                groups: row.groups,
                status,
                delivery: row.delivery.map(|d| d.as_str().to_owned()),
                invited_at: row.invited_at,
                expires_at: row.expires_at,
            })
        })
        .collect();
    Ok(Json(InvitationPage {
        items,
        page: page.page + 1,
        page_size: page.page_size,
        total: page.total,
        next: page.next,
    }))
}

/// One page of the workspace's people of one kind (`page` from 1).
pub async fn people_page(
    state: &AppState,
    caller: &Caller,
    kind: PersonKind,
    status: Option<StatusFilter>,
    search: Option<String>,
    page: Option<u32>,
    after: Option<String>,
) -> Result<PeoplePage, ApiError> {
    let filter = people::Filter {
        search: search.unwrap_or_default(),
        status,
        kind: Some(kind),
        sort: PeopleSort::Newest,
        page: page.map_or(0, |p| p.max(1) as usize - 1),
        after,
    };
    people::list(
        &state.db,
        caller.token.actor.workspace_id,
        &filter,
        state.clock.now_millis(),
    )
    .await
    .map_err(|error| match error {
        // Only `after` can be invalid here: a bad query string.
        AppError::Invalid { message, .. } => ApiError::BadRequest(message),
        other => other.into(),
    })
}

/// A new link (the old one stops working), a fresh expiry and a new mail.
#[utoipa::path(
    post, path = "/api/v1/invitations/{id}/resend", tag = "invitations",
    params(("id" = i32, Path, description = "The invitation's id")),
    responses(
        (status = 204, description = "Resent"),
        (status = 400, description = "Bad id", body = ErrorBody),
        (status = 401, description = "No live token", body = ErrorBody),
        (status = 404, description = "No such invitation in this workspace", body = ErrorBody),
        (status = 409, description = "Already accepted, or revoked", body = ErrorBody),
        (status = 429, description = "Too many requests; see Retry-After", body = ErrorBody),
    ),
    security(("token" = []))
)]
pub async fn resend(
    State(state): State<AppState>,
    caller: Caller,
    id: Result<Path<i32>, axum::extract::rejection::PathRejection>,
) -> Result<StatusCode, ApiError> {
    let Path(id) = id.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    caller.may_invite(&state).await?;
    invitations::resend_one(&state, caller.token.actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The link stops working at once; mail not yet sent is cancelled.
#[utoipa::path(
    post, path = "/api/v1/invitations/{id}/revoke", tag = "invitations",
    params(("id" = i32, Path, description = "The invitation's id")),
    responses(
        (status = 204, description = "Revoked"),
        (status = 400, description = "Bad id", body = ErrorBody),
        (status = 401, description = "No live token", body = ErrorBody),
        (status = 404, description = "No such invitation in this workspace", body = ErrorBody),
        (status = 409, description = "Already accepted, or revoked", body = ErrorBody),
    ),
    security(("token" = []))
)]
pub async fn revoke(
    State(state): State<AppState>,
    caller: Caller,
    id: Result<Path<i32>, axum::extract::rejection::PathRejection>,
) -> Result<StatusCode, ApiError> {
    let Path(id) = id.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    invitations::revoke_one(&state, caller.token.actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
