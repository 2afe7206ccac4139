//! Creating invitations, N at once: one from the Invite tab, up to a chunk
//! from an import, the JSON API or the command line. Whatever N is, the work
//! is a few statements per table: look up who is known, insert the new
//! invitations, their groups, their mail, their audit entries, then recompute
//! their Users-table rows.
use super::{changes, index, mail, reminders, Actor};
use crate::domain::{
    DeliveryState, DisplayName, Email, ExpiryDays, Metadata, PersonalMessage, Role,
};
use crate::error::AppError;
use crate::ssr::db::entities::{invitation, invitation_group, membership, user, workspace};
use crate::ssr::db::{insert_batched, insert_returning_ids, within};
use crate::ssr::services::audit::{self, AuditAction, Audited};
use crate::ssr::services::link_signer::LinkSigner;
use crate::ssr::services::workspace_settings;
use crate::ssr::time::HOUR_MILLIS;
use crate::ssr::AppState;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, NotSet,
    QueryFilter, Set,
};
use std::collections::{HashMap, HashSet};

/// One person to invite. Groups are ids of this workspace's groups.
pub struct NewInvitation {
    pub email: Email,
    pub name: Option<DisplayName>,
    pub role: Role,
    pub group_ids: Vec<i32>,
    pub metadata: Metadata,
}

/// How one request's invitations go out.
#[derive(Debug, Clone, Default)]
pub struct Sending {
    pub send_email: bool,
    /// How long the links live; None: the workspace's default.
    pub expiry: Option<ExpiryDays>,
    /// The admin's own words in the mail.
    pub message: Option<PersonalMessage>,
}

/// What each new link comes with: when it stops working, when its reminder
/// is due, the admin's words.
#[derive(Debug, Clone)]
struct LinkTerms {
    hours: i32,
    expires_at: i64,
    remind_at: Option<i64>,
    message: Option<String>,
}

/// What to do for people who already have an invitation.
#[derive(Debug, Clone, Copy)]
pub struct Conflicts {
    /// An open one: send it again (a new link and a new mail), or leave it.
    pub resend_open: bool,
    /// An expired one: renew it with this request's details (a new link, a
    /// new expiry), or leave it.
    pub renew_expired: bool,
}

/// What became of one person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Created {
    /// A new invitation, or an expired one renewed.
    Invited {
        invitation_id: i32,
    },
    /// The open invitation was sent again.
    Resent {
        invitation_id: i32,
    },
    AlreadyMember,
    /// An open invitation exists, and was left as it is.
    AlreadyInvited {
        invitation_id: i32,
    },
    /// The invitation had expired, and was left so.
    ExpiredLeft {
        invitation_id: i32,
    },
}

/// Invites everyone given, in the caller's transaction; one outcome per
/// person, in order. Someone given twice is invited once (the second
/// outcome says they are already invited).
pub async fn create(
    state: &AppState,
    txn: &impl ConnectionTrait,
    by: Actor,
    people: &[NewInvitation],
    sending: Sending,
    conflicts: Conflicts,
    now: i64,
) -> Result<Vec<Created>, AppError> {
    let keys: Vec<&str> = people.iter().map(|p| p.email.key()).collect();
    let known = known(txn, by.workspace_id, &keys).await?;
    let workspace = workspace::Entity::find_by_id(by.workspace_id)
        .one(txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let hours = workspace_settings::lifetime_hours(&state.settings, &workspace, sending.expiry);
    let expires_at = now + i64::from(hours) * HOUR_MILLIS;
    let send_email = sending.send_email;
    let terms = LinkTerms {
        hours: i32::try_from(hours).unwrap_or(i32::MAX),
        expires_at,
        remind_at: reminders::due(expires_at, hours, send_email),
        message: sending.message.as_ref().map(|m| m.as_str().to_owned()),
    };
    let delivery = if send_email {
        DeliveryState::Queued
    } else {
        DeliveryState::NotSent
    };

    let mut outcomes: Vec<Option<Created>> = vec![None; people.len()];
    let mut first: HashMap<&str, usize> = HashMap::with_capacity(people.len());
    let (mut repeated, mut fresh, mut renew, mut resend) = (vec![], vec![], vec![], vec![]);
    for (i, person) in people.iter().enumerate() {
        let key = person.email.key();
        if let Some(&earlier) = first.get(key) {
            repeated.push((i, earlier));
            continue;
        }
        first.insert(key, i);
        if known.members.contains(key) {
            outcomes[i] = Some(Created::AlreadyMember);
            continue;
        }
        match known.open.get(key) {
            None => fresh.push(i),
            Some(open) if open.expires_at > now => {
                if conflicts.resend_open {
                    resend.push((i, open.id));
                } else {
                    outcomes[i] = Some(Created::AlreadyInvited {
                        invitation_id: open.id,
                    });
                }
            }
            Some(expired) if conflicts.renew_expired => renew.push((i, expired.clone())),
            Some(expired) => {
                outcomes[i] = Some(Created::ExpiredLeft {
                    invitation_id: expired.id,
                })
            }
        }
    }

    let created = insert_new(txn, by, people, &fresh, delivery, now, &terms).await?;
    let mut written: Vec<(usize, i32)> = created.iter().map(|(i, row)| (*i, row.id)).collect();
    for (i, expired) in renew {
        let person = &people[i];
        let mut renewed: invitation::ActiveModel = expired.into();
        renewed.nonce = Set(LinkSigner::new_nonce());
        renewed.expires_at = Set(terms.expires_at);
        renewed.lifetime_hours = Set(terms.hours);
        renewed.remind_at = Set(terms.remind_at);
        renewed.reminded_at = Set(None);
        renewed.message = Set(terms.message.clone());
        renewed.role = Set(person.role);
        renewed.metadata = Set(person.metadata.to_json());
        renewed.invited_by = Set(by.user_id);
        renewed.delivery = Set(delivery);
        if let Some(name) = &person.name {
            renewed.display_name = Set(Some(name.as_str().to_owned()));
        }
        written.push((i, renewed.update(txn).await?.id));
    }
    let (new_ids, renewed): (Vec<i32>, Vec<i32>) = {
        let ids = written.iter().map(|&(_, id)| id);
        (
            ids.clone().take(created.len()).collect(),
            ids.skip(created.len()).collect(),
        )
    };
    clear_groups(txn, &renewed).await?;
    let groups: Vec<(i32, &[i32])> = written
        .iter()
        .map(|&(i, id)| (id, people[i].group_ids.as_slice()))
        .collect();
    add_groups(txn, &groups).await?;
    if send_email {
        // New invitations have no mail yet; a renewed one may have some waiting.
        mail::queue(txn, &new_ids, now).await?;
        mail::enqueue(txn, &renewed, now).await?;
    }
    let entries = written.iter().map(|&(i, id)| audit::Entry {
        workspace_id: Some(by.workspace_id),
        actor_user_id: by.user_id,
        action: AuditAction::InvitationCreated,
        detail: serde_json::json!({
            "invitation": id,
            "email": people[i].email.as_str(),
            "role": people[i].role.as_str(),
        }),
    });
    audit::record_all(txn, entries.collect(), now).await?;
    let renewed_keys: Vec<&str> = written[created.len()..]
        .iter()
        .map(|&(i, _)| keys[i])
        .collect();
    index::refresh(txn, by.workspace_id, &renewed_keys).await?;
    index::put_created(
        txn,
        by.workspace_id,
        created.into_iter().map(|(_, row)| row).collect(),
    )
    .await?;
    for (i, id) in written {
        outcomes[i] = Some(Created::Invited { invitation_id: id });
    }

    let resend_ids: Vec<i32> = resend.iter().map(|&(_, id)| id).collect();
    let resent = changes::resend(
        txn,
        by,
        &resend_ids,
        sending.expiry,
        Audited::EachPerson,
        now,
    )
    .await?;
    for ((i, id), change) in resend.into_iter().zip(resent) {
        outcomes[i] = Some(match change {
            changes::Change::Done => Created::Resent { invitation_id: id },
            // Accepted or revoked since it was looked up a moment ago.
            _ => Created::AlreadyInvited { invitation_id: id },
        });
    }
    for (i, earlier) in repeated {
        outcomes[i] = Some(
            match outcomes[earlier]
                .ok_or_else(|| AppError::unexpected("a repeated person before the first"))?
            {
                Created::Invited { invitation_id }
                | Created::Resent { invitation_id }
                | Created::AlreadyInvited { invitation_id } => {
                    Created::AlreadyInvited { invitation_id }
                }
                other => other,
            },
        );
    }
    outcomes
        .into_iter()
        .map(|o| o.ok_or_else(|| AppError::unexpected("a person without an outcome")))
        .collect()
}

/// Inserts the new invitations and returns them as stored, each beside its
/// person's index.
async fn insert_new(
    txn: &impl ConnectionTrait,
    by: Actor,
    people: &[NewInvitation],
    fresh: &[usize],
    delivery: DeliveryState,
    now: i64,
    terms: &LinkTerms,
) -> Result<Vec<(usize, invitation::Model)>, AppError> {
    if fresh.is_empty() {
        return Ok(Vec::new());
    }
    // Made here in full (the id aside), so that only the ids need to come back.
    let mut made: Vec<(usize, invitation::Model)> = fresh
        .iter()
        .map(|&i| {
            let person = &people[i];
            let model = invitation::Model {
                id: 0,
                workspace_id: by.workspace_id,
                email: person.email.as_str().to_owned(),
                email_key: person.email.key().to_owned(),
                display_name: person.name.as_ref().map(|n| n.as_str().to_owned()),
                role: person.role,
                metadata: person.metadata.to_json(),
                invited_by: by.user_id,
                nonce: LinkSigner::new_nonce(),
                created_at: now,
                expires_at: terms.expires_at,
                accepted_at: None,
                accepted_user_id: None,
                revoked_at: None,
                send_count: 0,
                delivery,
                lifetime_hours: terms.hours,
                remind_at: terms.remind_at,
                reminded_at: None,
                message: terms.message.clone(),
            };
            (i, model)
        })
        .collect();
    let rows: Vec<invitation::ActiveModel> = made
        .iter()
        .map(|(_, model)| {
            let mut row = model.clone().into_active_model();
            row.id = NotSet;
            row
        })
        .collect();
    let ids = insert_returning_ids(
        txn,
        rows,
        invitation::Column::Id,
        invitation::Column::EmailKey,
    )
    .await?;
    // Matched by address, not by position: each person here has exactly one
    // open invitation, the one just written (a partial unique index holds it).
    let by_key: HashMap<String, i32> = ids.into_iter().map(|(id, key)| (key, id)).collect();
    for (_, model) in &mut made {
        model.id = *by_key
            .get(&model.email_key)
            .ok_or_else(|| AppError::unexpected("a new invitation not returned"))?;
    }
    Ok(made)
}

/// Where the workspace stands on these people.
pub(super) struct Known {
    pub(super) members: HashSet<String>,
    /// Neither accepted nor revoked (perhaps expired), by email key.
    pub(super) open: HashMap<String, invitation::Model>,
}

pub(super) async fn known(
    db: &impl ConnectionTrait,
    workspace_id: i32,
    keys: &[&str],
) -> Result<Known, AppError> {
    if keys.is_empty() {
        return Ok(Known {
            members: HashSet::new(),
            open: HashMap::new(),
        });
    }
    let backend = db.get_database_backend();
    let accounts: HashMap<i32, String> = user::Entity::find()
        .filter(within(backend, user::Column::EmailKey, keys))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.email_key))
        .collect();
    let mut members = HashSet::new();
    if !accounts.is_empty() {
        let ids: Vec<i32> = accounts.keys().copied().collect();
        for m in membership::Entity::find()
            .filter(membership::Column::WorkspaceId.eq(workspace_id))
            .filter(within(backend, membership::Column::UserId, &ids))
            .all(db)
            .await?
        {
            if let Some(key) = accounts.get(&m.user_id) {
                members.insert(key.clone());
            }
        }
    }
    let open = invitation::Entity::find()
        .filter(invitation::Column::WorkspaceId.eq(workspace_id))
        .filter(within(backend, invitation::Column::EmailKey, keys))
        .filter(invitation::Column::AcceptedAt.is_null())
        .filter(invitation::Column::RevokedAt.is_null())
        .all(db)
        .await?
        .into_iter()
        .map(|found| (found.email_key.clone(), found))
        .collect();
    Ok(Known { members, open })
}

/// Takes these invitations out of every group.
pub(super) async fn clear_groups(
    txn: &impl ConnectionTrait,
    invitation_ids: &[i32],
) -> Result<(), AppError> {
    if invitation_ids.is_empty() {
        return Ok(());
    }
    invitation_group::Entity::delete_many()
        .filter(within(
            txn.get_database_backend(),
            invitation_group::Column::InvitationId,
            invitation_ids,
        ))
        .exec(txn)
        .await?;
    Ok(())
}

/// Puts each invitation in the groups given beside it.
pub(super) async fn add_groups(
    txn: &impl ConnectionTrait,
    groups: &[(i32, &[i32])],
) -> Result<(), AppError> {
    let rows = groups.iter().flat_map(|&(invitation_id, ids)| {
        ids.iter()
            .map(move |&group_id| invitation_group::ActiveModel {
                invitation_id: Set(invitation_id),
                group_id: Set(group_id),
            })
    });
    Ok(insert_batched(txn, rows.collect::<Vec<_>>(), None).await?)
}
