//! What the JSON API takes and answers: the public contract, described in
//! the OpenAPI document. Internal types stay free to change behind it.
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// One person to invite.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewInvitation {
    #[schema(example = "ada@example.com")]
    pub email: String,
    /// Shown to admins, and offered on the sign-up page.
    pub name: Option<String>,
    /// `admin`, `builder` or `member` (the default).
    pub role: Option<String>,
    /// Group names; unknown groups fail the row unless `create_groups`.
    #[serde(default)]
    pub groups: Vec<String>,
    /// Any JSON object kept with the person.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub metadata: serde_json::Map<String, serde_json::Value>,
}

fn yes() -> bool {
    true
}

/// Several people at once (up to 2,000), checked and committed as one
/// import: each gets a result, and the batch appears under Recent imports.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateInvitations {
    #[schema(min_items = 1, max_items = 2000)]
    pub invitations: Vec<NewInvitation>,
    /// Mail each invitation (default true).
    #[serde(default = "yes")]
    pub send_email: bool,
    /// Days the links live, 1 to 30 (default: the workspace's setting).
    #[serde(default)]
    #[schema(minimum = 1, maximum = 30)]
    pub expires_in_days: Option<i64>,
    /// Your own words in each mail, up to 500 characters.
    #[serde(default)]
    #[schema(max_length = 500)]
    pub message: Option<String>,
    /// People with a pending invitation get a new link (otherwise skipped).
    #[serde(default)]
    pub resend_pending: bool,
    /// Create groups the workspace lacks (otherwise those rows fail).
    #[serde(default)]
    pub create_groups: bool,
    /// Skip people whose invitation expired (otherwise invited again).
    #[serde(default)]
    pub skip_expired: bool,
    /// People already active members get the role, groups and metadata
    /// given (otherwise skipped). A field no invitation of the request
    /// gives is left as it is; metadata keys given are set, others stay.
    /// Archived members are skipped.
    #[serde(default)]
    pub update_members: bool,
}

/// How a CSV body is committed.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CsvOptions {
    /// Mail each invitation (default true).
    pub send_email: Option<bool>,
    /// Days the links live, 1 to 30 (default: the workspace's setting).
    #[param(minimum = 1, maximum = 30)]
    pub expires_in_days: Option<i64>,
    /// Your own words in each mail, up to 500 characters.
    #[param(max_length = 500)]
    pub message: Option<String>,
    /// One role for every row (the file's Role column is then not read).
    pub role: Option<String>,
    /// Groups for every row, separated by `|` (the file's Groups column is then not read).
    pub groups: Option<String>,
    pub resend_pending: Option<bool>,
    pub create_groups: Option<bool>,
    pub skip_expired: Option<bool>,
    /// People already active members get the role, groups and metadata of
    /// their row (otherwise skipped); a column the file lacks changes
    /// nothing. Archived members are skipped.
    pub update_members: Option<bool>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Invited,
    Resent,
    /// A member's role, groups or metadata changed; `reason` says how.
    Updated,
    Skipped,
    Failed,
}

impl From<Outcome> for app::model::imports::Outcome {
    fn from(outcome: Outcome) -> Self {
        match outcome {
            Outcome::Invited => Self::Invited,
            Outcome::Resent => Self::Resent,
            Outcome::Updated => Self::Updated,
            Outcome::Skipped => Self::Skipped,
            Outcome::Failed => Self::Failed,
        }
    }
}

impl From<app::model::imports::Outcome> for Outcome {
    fn from(outcome: app::model::imports::Outcome) -> Self {
        use app::model::imports::Outcome as Stored;
        match outcome {
            Stored::Invited => Outcome::Invited,
            Stored::Resent => Outcome::Resent,
            Stored::Updated => Outcome::Updated,
            Stored::Skipped => Outcome::Skipped,
            Stored::Failed => Outcome::Failed,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RowResult {
    /// The position in `invitations` (from 1), or the row number in the CSV file.
    pub row: usize,
    pub email: String,
    pub outcome: Outcome,
    /// Why the row was skipped or failed, naming the field.
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct InvitationResults {
    /// The import batch (Recent imports).
    pub batch_id: i32,
    pub invited: usize,
    pub resent: usize,
    pub updated: usize,
    pub skipped: usize,
    pub failed: usize,
    pub rows: Vec<RowResult>,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum InvitationStatus {
    Invited,
    Expired,
    Revoked,
}

/// Which invitations to list: by status, or those whose mail bounced or
/// failed after every retry (`mail_problems`).
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum InvitationFilter {
    Invited,
    Expired,
    Revoked,
    MailProblems,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum MemberStatus {
    Active,
    Archived,
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InvitationQuery {
    /// Inlined: a query-only type has no entry among the schemas.
    #[param(inline)]
    pub status: Option<InvitationFilter>,
    /// Only addresses or names containing this text.
    pub search: Option<String>,
    /// From 1; 50 per page.
    #[param(minimum = 1)]
    pub page: Option<u32>,
    /// The `next` of the page before (with `page` one more than its own):
    /// read from where it ended, quick however deep.
    pub after: Option<String>,
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MemberQuery {
    pub status: Option<MemberStatus>,
    pub search: Option<String>,
    #[param(minimum = 1)]
    pub page: Option<u32>,
    /// The `next` of the page before (with `page` one more than its own):
    /// read from where it ended, quick however deep.
    pub after: Option<String>,
}

/// An invitation not yet accepted.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Invitation {
    pub id: i32,
    pub email: String,
    pub name: Option<String>,
    /// `admin`, `builder` or `member`.
    pub role: String,
    pub groups: Vec<String>,
    pub status: InvitationStatus,
    /// `not_sent`, `queued`, `sent`, `failed` or `bounced`.
    pub delivery: Option<String>,
    /// Unix time in milliseconds.
    pub invited_at: Option<i64>,
    /// Unix time in milliseconds.
    pub expires_at: Option<i64>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Member {
    pub id: i32,
    pub email: String,
    pub name: String,
    pub role: String,
    pub groups: Vec<String>,
    pub status: MemberStatus,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct InvitationPage {
    pub items: Vec<Invitation>,
    /// From 1.
    pub page: usize,
    pub page_size: usize,
    pub total: usize,
    /// Give it as `after`, with `page` one more, for the next page; absent
    /// on the last.
    pub next: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MemberPage {
    pub items: Vec<Member>,
    pub page: usize,
    pub page_size: usize,
    pub total: usize,
    /// Give it as `after`, with `page` one more, for the next page; absent
    /// on the last.
    pub next: Option<String>,
}

/// Every error: a machine-readable code, a sentence for people, and the
/// field it concerns when there is one.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ErrorDetail {
    /// `unauthenticated`, `forbidden`, `not_found`, `invalid`, `conflict`,
    /// `rate_limited`, `too_large`, `bad_request` or `internal`.
    pub code: String,
    pub message: String,
    pub field: Option<String>,
}
