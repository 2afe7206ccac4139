//! Committing the rows of one import chunk, inside the chunk's transaction:
//! every row checked again with the pipeline's `validate_row`, its groups
//! found (or created, when the admin chose so), then the whole chunk handed to
//! the invitation writer, which writes it set-wise.
use super::invitations::{self, Conflicts, Created, NewInvitation, Sending};
use super::member_updates::{self, Planned};
use super::{groups, Actor};
use crate::domain::{DisplayName, Email, GroupName, MembershipStatus, Metadata, Role};
use crate::error::AppError;
use crate::import::{self, RowDefaults, Severity, SourceRow};
use crate::model::imports::{ConflictChoices, ImportRow, RowOutcomeKind};
use crate::model::member_updates::MemberChanges;
use crate::ssr::AppState;
use sea_orm::ConnectionTrait;
use std::collections::HashMap;

/// A row that passed the server's checks.
#[derive(Clone)]
pub struct Valid {
    pub email: Email,
    pub name: Option<DisplayName>,
    pub role: Role,
    /// As the row said: an update of a member then keeps their role.
    pub role_defaulted: bool,
    pub groups: Vec<GroupName>,
    pub metadata: Metadata,
}

/// The browser's row, checked again by the same code that checked the file.
pub fn revalidate(row: &ImportRow) -> Result<Valid, String> {
    let cells = vec![
        row.email.clone(),
        row.name.clone().unwrap_or_default(),
        row.role.as_str().to_owned(),
        row.groups.join("|"),
        // Written from the map as it is: no copy of it is needed.
        serde_json::to_string(&row.metadata).unwrap_or_default(),
    ];
    let candidate = import::validate_row(
        &SourceRow {
            number: row.row,
            cells,
        },
        &import::wire_mapping(),
        &RowDefaults::default(),
    );
    if let Some(problem) = candidate
        .problems
        .iter()
        .find(|p| p.severity == Severity::Error)
    {
        return Err(format!("{}: {}", problem.column, problem.message));
    }
    let invalid = |e: crate::domain::Invalid| e.0;
    Ok(Valid {
        email: Email::parse_cell(&candidate.email).map_err(invalid)?,
        name: candidate
            .name
            .as_deref()
            .map(DisplayName::parse)
            .transpose()
            .map_err(invalid)?,
        role: candidate.role,
        role_defaulted: row.role_defaulted,
        groups: candidate
            .groups
            .iter()
            .map(|g| GroupName::parse(g))
            .collect::<Result<_, _>>()
            .map_err(invalid)?,
        metadata: Metadata::parse(&candidate.metadata).map_err(invalid)?,
    })
}

impl Valid {
    /// The row as checked, in the shape the browser sends.
    pub fn as_row(&self, row: usize) -> ImportRow {
        ImportRow {
            row,
            email: self.email.as_str().to_owned(),
            name: self.name.as_ref().map(|n| n.as_str().to_owned()),
            role: self.role,
            role_defaulted: self.role_defaulted,
            groups: self.groups.iter().map(|g| g.as_str().to_owned()).collect(),
            metadata: self.metadata.clone().into_map(),
        }
    }
}

/// What became of one row, and the invitation it concerns.
pub struct Committed {
    pub kind: RowOutcomeKind,
    pub invitation_id: Option<i32>,
    /// An updated member's changes, kept for an undo.
    pub changes: Option<MemberChanges>,
}

/// Group ids by name key: created when the admin chose so, else only the
/// existing ones (a row naming a missing group then fails).
async fn group_ids(
    txn: &impl ConnectionTrait,
    by: Actor,
    rows: &[(usize, Valid)],
    create: bool,
    now: i64,
) -> Result<HashMap<String, i32>, AppError> {
    let mut names: HashMap<String, GroupName> = HashMap::new();
    for (_, valid) in rows {
        for group in &valid.groups {
            names.entry(group.key()).or_insert_with(|| group.clone());
        }
    }
    let mut ids = HashMap::with_capacity(names.len());
    for (key, name) in names {
        let found = if create {
            groups::resolve_or_create(txn, by, std::slice::from_ref(&name), now)
                .await?
                .first()
                .copied()
        } else {
            groups::resolve_existing(txn, by.workspace_id, std::slice::from_ref(&name))
                .await?
                .ok()
                .and_then(|ids| ids.first().copied())
        };
        if let Some(id) = found {
            ids.insert(key, id);
        }
    }
    Ok(ids)
}

/// Why a row is skipped (shown in the report, and by a dry run).
pub const SKIP_MEMBER: &str = "Already in this workspace.";
pub const SKIP_PENDING: &str = "Already invited; that invitation is still open.";
pub const SKIP_EXPIRED: &str = "Invitation expired; skipped as chosen.";
pub const SKIP_ARCHIVED: &str = "Archived in this workspace; archived members are not updated.";
pub const SKIP_UNCHANGED: &str = "Already in this workspace; the file changes nothing for them.";

/// A chunk's row and the server's own check of it, made before the chunk's
/// transaction begins so that no check runs while the write lock is held.
pub struct Rechecked {
    pub row: ImportRow,
    pub valid: Result<Valid, String>,
}

pub fn recheck(rows: Vec<ImportRow>) -> Vec<Rechecked> {
    rows.into_iter()
        .map(|row| Rechecked {
            valid: revalidate(&row),
            row,
        })
        .collect()
}

/// Commits rows not yet recorded for the batch; one outcome per row, in order.
pub async fn commit_rows(
    state: &AppState,
    txn: &impl ConnectionTrait,
    by: Actor,
    file_name: &str,
    rows: &[&Rechecked],
    sending: Sending,
    choices: ConflictChoices,
) -> Result<Vec<Committed>, AppError> {
    let mut outcomes: Vec<Option<Committed>> = (0..rows.len()).map(|_| None).collect();
    let fail = |why: String| Committed {
        kind: RowOutcomeKind::Failed(why),
        invitation_id: None,
        changes: None,
    };

    // A second row for the same person in one chunk fails.
    let mut valid: Vec<(usize, Valid)> = Vec::with_capacity(rows.len());
    let mut first_row: HashMap<String, usize> = HashMap::new();
    for (
        i,
        &Rechecked {
            row,
            valid: checked,
        },
    ) in rows.iter().enumerate()
    {
        match checked {
            Ok(v) => match first_row.get(v.email.key()) {
                Some(&first) => {
                    outcomes[i] = Some(fail(format!("Email: the same address as row {first}.")))
                }
                None => {
                    first_row.insert(v.email.key().to_owned(), row.row);
                    valid.push((i, v.clone()));
                }
            },
            Err(why) => outcomes[i] = Some(fail(why.clone())),
        }
    }

    let groups_by_key = group_ids(
        txn,
        by,
        &valid,
        choices.create_groups,
        state.clock.now_millis(),
    )
    .await?;
    // Members the file names, when asked to update them.
    let members = match choices.update_members {
        Some(_) => {
            let keys: Vec<&str> = valid.iter().map(|(_, v)| v.email.key()).collect();
            member_updates::standing(txn, by.workspace_id, &keys).await?
        }
        None => HashMap::new(),
    };
    let mut planned: Vec<(usize, &member_updates::Standing, MemberChanges)> = Vec::new();
    let mut people: Vec<NewInvitation> = Vec::with_capacity(valid.len());
    let mut row_of: Vec<usize> = Vec::with_capacity(valid.len());
    for (i, v) in valid {
        if let Some(missing) = v
            .groups
            .iter()
            .find(|g| !groups_by_key.contains_key(&g.key()))
        {
            outcomes[i] = Some(fail(format!(
                "Groups: there is no group “{}” in this workspace (create it, or choose to create new groups).",
                missing.as_str()
            )));
            continue;
        }
        if let (Some(fields), Some(member)) = (choices.update_members, members.get(v.email.key())) {
            let skip = |why: &str| Committed {
                kind: RowOutcomeKind::Skipped(why.into()),
                invitation_id: None,
                changes: None,
            };
            if member.status == MembershipStatus::Archived {
                outcomes[i] = Some(skip(SKIP_ARCHIVED));
                continue;
            }
            let changes = MemberChanges::between(&member.now, &v.as_row(rows[i].row.row), fields);
            if changes.is_empty() {
                outcomes[i] = Some(skip(SKIP_UNCHANGED));
            } else {
                planned.push((i, member, changes));
            }
            continue;
        }
        let group_ids = v
            .groups
            .iter()
            .filter_map(|g| groups_by_key.get(&g.key()).copied())
            .collect();
        row_of.push(i);
        people.push(NewInvitation {
            email: v.email,
            name: v.name,
            role: v.role,
            group_ids,
            metadata: v.metadata,
        });
    }

    let updates: Vec<Planned> = planned
        .iter()
        .map(|(_, member, changes)| Planned { member, changes })
        .collect();
    let answers = member_updates::apply(
        txn,
        by,
        &updates,
        &groups_by_key,
        file_name,
        state.clock.now_millis(),
    )
    .await?;
    for ((i, _, changes), answer) in planned.iter().zip(answers) {
        outcomes[*i] = Some(match answer {
            Ok(()) => Committed {
                kind: RowOutcomeKind::Updated(changes.describe()),
                invitation_id: None,
                changes: Some(changes.clone()),
            },
            Err(refused) => fail(refused.reason().into()),
        });
    }

    let conflicts = Conflicts {
        resend_open: choices.resend_pending,
        renew_expired: !choices.skip_expired,
    };
    let created = invitations::create(
        state,
        txn,
        by,
        &people,
        sending,
        conflicts,
        state.clock.now_millis(),
    )
    .await?;
    for (i, created) in row_of.into_iter().zip(created) {
        let (kind, invitation_id) = match created {
            Created::Invited { invitation_id } => (RowOutcomeKind::Invited, Some(invitation_id)),
            Created::Resent { invitation_id } => (RowOutcomeKind::Resent, Some(invitation_id)),
            Created::AlreadyMember => (RowOutcomeKind::Skipped(SKIP_MEMBER.into()), None),
            Created::AlreadyInvited { invitation_id } => (
                RowOutcomeKind::Skipped(SKIP_PENDING.into()),
                Some(invitation_id),
            ),
            Created::ExpiredLeft { .. } => (RowOutcomeKind::Skipped(SKIP_EXPIRED.into()), None),
        };
        outcomes[i] = Some(Committed {
            kind,
            invitation_id,
            changes: None,
        });
    }
    Ok(outcomes
        .into_iter()
        .map(|o| o.unwrap_or_else(|| fail("Not processed.".into())))
        .collect())
}
