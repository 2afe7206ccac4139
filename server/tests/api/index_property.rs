//! The Users index is written only by the invitation writer and the member
//! changes, each recomputing the rows it touched. Whatever an admin and the
//! invitees do, in any order, the index must equal a rebuild from the source
//! tables, and its tallies by kind and state must equal counting its rows:
//! checked here over generated sequences of every kind of change.
use crate::support::{execute, spawn_app, Backend, TestApp, ADMIN_EMAIL};
use app::domain::{Email, GroupName, Metadata, Role};
use app::model::imports::{ConflictChoices, ImportRow};
use app::model::users::PersonId;
use app::ssr::services::acceptance::{self, Acceptance};
use app::ssr::services::members::{self, MemberChange};
use app::ssr::services::{groups, imports, invitations, workspaces, Actor};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

/// A small cast, so that changes keep meeting the same people.
const PEOPLE: usize = 5;
const PASSWORD: &str = "a passphrase long enough";

#[derive(Debug, Clone)]
enum Op {
    Invite(usize, bool),
    Import {
        who: Vec<usize>,
        resend_pending: bool,
        skip_expired: bool,
        groups: bool,
    },
    Resend(usize),
    Revoke(usize),
    Accept(usize),
    Expire(usize),
    Regroup(usize),
    Member(usize, u8),
}

fn op() -> impl Strategy<Value = Op> {
    let who = 0..PEOPLE;
    prop_oneof![
        (who.clone(), any::<bool>()).prop_map(|(p, admin)| Op::Invite(p, admin)),
        (
            prop::collection::vec(0..PEOPLE, 1..6),
            any::<bool>(),
            any::<bool>(),
            any::<bool>()
        )
            .prop_map(|(who, resend_pending, skip_expired, groups)| Op::Import {
                who,
                resend_pending,
                skip_expired,
                groups
            }),
        who.clone().prop_map(Op::Resend),
        who.clone().prop_map(Op::Revoke),
        who.clone().prop_map(Op::Accept),
        who.clone().prop_map(Op::Expire),
        who.clone().prop_map(Op::Regroup),
        (who, 0..4u8).prop_map(|(p, change)| Op::Member(p, change)),
    ]
}

fn email(person: usize) -> Email {
    Email::parse(&format!("Person{person}@Example.com")).unwrap()
}

struct World {
    app: TestApp,
    by: Actor,
    admin_id: i32,
}

async fn world(backend: Backend) -> Option<World> {
    let app = spawn_app(backend).await?;
    app.with_workspace().await;
    let workspace = workspaces::find_by_slug(&app.state.db, "acme-corp")
        .await
        .unwrap()
        .unwrap();
    let admin_id = app.user_id(ADMIN_EMAIL).await;
    let by = Actor {
        workspace_id: workspace.id,
        user_id: Some(admin_id),
    };
    Some(World { app, by, admin_id })
}

impl World {
    async fn newest(&self, person: usize) -> Option<app::ssr::db::entities::invitation::Model> {
        use sea_orm::EntityTrait;
        let id = invitations::newest_for(&self.app.state.db, self.by.workspace_id, &email(person))
            .await
            .unwrap()?;
        app::ssr::db::entities::invitation::Entity::find_by_id(id)
            .one(&self.app.state.db)
            .await
            .unwrap()
    }

    async fn account(&self, person: usize) -> Option<i32> {
        use app::ssr::db::entities::user;
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        user::Entity::find()
            .filter(user::Column::EmailKey.eq(email(person).key()))
            .one(&self.app.state.db)
            .await
            .unwrap()
            .map(|u| u.id)
    }

    /// Does what the op says. Refusals (a revoked link, the last admin…)
    /// are part of the game: only the index is judged.
    async fn apply(&self, op: &Op) {
        let state = &self.app.state;
        match op {
            Op::Invite(person, admin) => {
                let request = invitations::InviteRequest {
                    emails: vec![email(*person)],
                    name: None,
                    role: if *admin { Role::Admin } else { Role::Member },
                    groups: vec![GroupName::parse("Ops").unwrap()],
                    metadata: Metadata::parse("").unwrap(),
                    send_email: true,
                    expiry: None,
                    message: None,
                };
                invitations::invite(state, self.by, request).await.unwrap();
            }
            Op::Import {
                who,
                resend_pending,
                skip_expired,
                groups,
            } => {
                let rows: Vec<ImportRow> = who
                    .iter()
                    .enumerate()
                    .map(|(i, person)| ImportRow {
                        row: i + 2,
                        email: email(*person).as_str().to_owned(),
                        name: Some(format!("Ímport Person {person}")),
                        role: Role::Member,
                        role_defaulted: false,
                        groups: if *groups { vec!["Team".into()] } else { vec![] },
                        metadata: Default::default(),
                    })
                    .collect();
                let limits = state.import_settings().limits;
                let batch = imports::start(
                    &state.db,
                    limits,
                    self.by,
                    imports::NewBatch {
                        file_name: "people.csv",
                        total_rows: rows.len() as u32,
                        refused_rows: 0,
                        sending: imports::Sending {
                            send_email: true,
                            ..Default::default()
                        },
                    },
                    state.clock.now_millis(),
                )
                .await
                .unwrap();
                let choices = ConflictChoices {
                    update_members: None,
                    resend_pending: *resend_pending,
                    create_groups: true,
                    skip_expired: *skip_expired,
                };
                imports::commit_chunk(state, self.by, batch, rows, choices)
                    .await
                    .unwrap();
            }
            Op::Resend(person) => {
                if let Some(found) = self.newest(*person).await {
                    let _ = invitations::resend_one(state, self.by, found.id).await;
                }
            }
            Op::Revoke(person) => {
                if let Some(found) = self.newest(*person).await {
                    let _ = invitations::revoke_one(state, self.by, found.id).await;
                }
            }
            Op::Accept(person) => {
                if let Some(found) = self.newest(*person).await {
                    let token = state.links.token(found.id, &found.nonce);
                    let form = Acceptance {
                        display_name: format!("Person {person}"),
                        password: PASSWORD.into(),
                        avatar: None,
                    };
                    let _ = acceptance::accept(state, &token, form).await;
                }
            }
            Op::Expire(person) => {
                if let Some(found) = self.newest(*person).await {
                    // Time passing, for both tables: the index keeps the expiry too.
                    for sql in [
                        "UPDATE invitations SET expires_at = 1 WHERE id = {id}",
                        "UPDATE people SET expires_at = 1 WHERE kind = 'invitation' AND ref_id = {id}",
                    ] {
                        execute(&self.app, &sql.replace("{id}", &found.id.to_string())).await;
                    }
                }
            }
            Op::Regroup(person) => {
                if let Some(found) = self.newest(*person).await {
                    let names = [GroupName::parse("Sales").unwrap()];
                    let _ = groups::assign(
                        &state.db,
                        self.by,
                        PersonId::Invitation(found.id),
                        &names,
                        state.clock.now_millis(),
                    )
                    .await;
                }
            }
            Op::Member(person, change) => {
                if let Some(user_id) = self.account(*person).await {
                    let change = match change {
                        0 => MemberChange::Archive,
                        1 => MemberChange::Unarchive,
                        2 => MemberChange::Role(Role::Admin),
                        _ => MemberChange::Remove,
                    };
                    let _ = members::change(
                        state,
                        self.by.workspace_id,
                        self.admin_id,
                        user_id,
                        change,
                    )
                    .await;
                }
            }
        }
    }
}

async fn index_equals_a_rebuild(backend: Backend, ops: Vec<Op>) -> Result<bool, TestCaseError> {
    let Some(world) = world(backend).await else {
        return Ok(false);
    };
    for op in &ops {
        world.apply(op).await;
    }
    let written = crate::people::index_rows(&world.app).await;
    // The tallies the writer kept say what counting the rows says.
    let mut counted = invitations::tally::Tally::new();
    for row in &written {
        *counted
            .entry((row.kind.clone(), row.state.clone()))
            .or_default() += 1;
    }
    let mut tallied = invitations::tally::totals(&world.app.state.db, world.by.workspace_id)
        .await
        .unwrap();
    tallied.retain(|_, n| *n != 0);
    prop_assert_eq!(tallied, counted, "tallies after {:?}", ops);
    invitations::index::rebuild(&world.app.state.db, world.by.workspace_id)
        .await
        .unwrap();
    let rebuilt = crate::people::index_rows(&world.app).await;
    prop_assert_eq!(written, rebuilt, "after {:?}", ops);
    Ok(true)
}

fn check(backend: Backend, cases: u32) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let config = Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    };
    let ran = std::cell::Cell::new(false);
    TestRunner::new(config)
        .run(&prop::collection::vec(op(), 1..24), |ops| {
            if runtime.block_on(index_equals_a_rebuild(backend, ops))? {
                ran.set(true);
            }
            Ok(())
        })
        .unwrap();
    if !ran.get() {
        eprintln!(
            "SKIPPED on {backend:?}: set MUSTER_TEST_POSTGRES_URL to run this test there too"
        );
    }
}

#[test]
fn any_sequence_of_changes_leaves_the_users_index_as_a_rebuild_would_on_sqlite() {
    check(Backend::Sqlite, 48);
}

#[test]
fn any_sequence_of_changes_leaves_the_users_index_as_a_rebuild_would_on_postgres() {
    check(Backend::Postgres, 24);
}
