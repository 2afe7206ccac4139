use crate::smtp_sink::{link_in, SmtpSink};
use crate::support::*;
use app::error::AppError;
use app::model::invitations::{InviteOutcome, InviteOutcomeKind};
use app::model::signup::LinkProblem;
use app::ssr::db::entities::{invitation, membership, outbox, user};
use app::ssr::services::mailer::Mailer;
use app::ssr::services::outbox::deliver_due;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

pub(crate) async fn invite(
    app: &TestApp,
    admin: &reqwest::Client,
    emails: &str,
) -> Vec<InviteOutcome> {
    let response = app
        .call(
            admin,
            "invite_users",
            &[
                ("slug", "acme-corp"),
                ("emails", emails),
                ("name", ""),
                ("role", "Builder"),
                ("metadata", r#"{"site": "HQ"}"#),
            ],
        )
        .await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

pub(crate) async fn deliver(app: &TestApp, sink: &SmtpSink) -> usize {
    let mailer = Mailer::from_settings(Some(&sink.url), &app.state.settings.data_dir).unwrap();
    deliver_due(&app.state, &mailer, "test", 100)
        .await
        .unwrap()
        .sent
}

/// Invites Eve and returns the link her mail carried.
pub(crate) async fn invite_eve(app: &TestApp, sink: &SmtpSink) -> String {
    let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let outcomes = invite(app, &admin, "eve@example.com").await;
    assert!(
        matches!(outcomes[0].kind, InviteOutcomeKind::Invited { .. }),
        "{outcomes:?}"
    );
    assert_eq!(deliver(app, sink).await, 1);
    link_in(sink.messages().last().unwrap())
}

pub(crate) fn token_of(link: &str) -> &str {
    link.rsplit('/').next().unwrap()
}

pub(crate) async fn accept(
    app: &TestApp,
    client: &reqwest::Client,
    link: &str,
    password: &str,
) -> reqwest::Response {
    app.call_multipart(
        client,
        "accept_invitation",
        &[
            ("token", token_of(link)),
            ("display_name", "Eve Example"),
            ("password", password),
        ],
        None,
    )
    .await
}

on_every_database! {
    async fn an_invitee_follows_the_mailed_link_and_joins(app) {
        app.with_workspace().await;
        let sink = SmtpSink::start().await;
        let link = invite_eve(&app, &sink).await;
        let mail = sink.messages().pop().unwrap();
        assert!(mail.contains("Subject: Ada Admin invited you to join Acme Corp on Muster"), "{mail}");
        assert!(link.starts_with(&app.address), "{link}");

        let invitee = browser();
        let page = app.page(&invitee, &format!("/invite/{}", token_of(&link))).await;
        assert_eq!(page.status(), 200);
        assert_eq!(page.headers()["referrer-policy"], "no-referrer");
        let html = page.text().await.unwrap();
        for needle in ["Join Acme Corp", "eve@example.com", "Display name", "Join workspace"] {
            assert!(html.contains(needle), "sign-up page lacks {needle:?}");
        }

        let response = accept(&app, &invitee, &link, "a long new passphrase").await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["location"], "/w/acme-corp");
        assert_eq!(app.page(&invitee, "/w/acme-corp").await.status(), 200, "signed in");

        let eve = user::Entity::find().filter(user::Column::EmailKey.eq("eve@example.com")).one(&app.state.db).await.unwrap().unwrap();
        assert_eq!(eve.display_name, "Eve Example");
        let joined = membership::Entity::find().filter(membership::Column::UserId.eq(eve.id)).one(&app.state.db).await.unwrap().unwrap();
        assert_eq!((joined.role.as_str(), joined.status.as_str()), ("builder", "active"));
        assert_eq!(joined.metadata, r#"{"site":"HQ"}"#);

        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let people: serde_json::Value = app
            .call(&admin, "list_people", &[("slug", "acme-corp"), ("search", "eve"), ("status", ""), ("page", "0")])
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(people["total"], 1);
        assert_eq!(people["rows"][0]["status"], "Active");
    }

    async fn a_link_works_once(app) {
        app.with_workspace().await;
        let sink = SmtpSink::start().await;
        let link = invite_eve(&app, &sink).await;
        assert_eq!(accept(&app, &browser(), &link, "a long new passphrase").await.status(), 200);
        let again = accept(&app, &browser(), &link, "another long passphrase").await;
        assert_eq!(again.status(), 410);
        assert_eq!(app_error(again).await, AppError::InvalidLink(LinkProblem::Used));
        let html = app.page(&browser(), &format!("/invite/{}", token_of(&link))).await.text().await.unwrap();
        assert!(html.contains("This invitation has already been used"));
    }

    async fn twenty_simultaneous_accepts_create_exactly_one_account(app) {
        app.with_workspace().await;
        let sink = SmtpSink::start().await;
        let link = invite_eve(&app, &sink).await;
        let attempts = (0..20).map(|i| {
            let (app, link) = (&app, link.clone());
            async move { accept(app, &browser(), &link, &format!("racing passphrase {i}")).await.status().as_u16() }
        });
        let statuses = futures_util::future::join_all(attempts).await;
        assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 1, "{statuses:?}");
        // Ten attempts per link in 15 minutes: the other ten are turned away before trying.
        assert_eq!(statuses.iter().filter(|s| **s == 429).count(), 10, "{statuses:?}");
        assert!(statuses.iter().all(|s| [200, 410, 429].contains(s)), "{statuses:?}");
        let accounts = user::Entity::find().filter(user::Column::EmailKey.eq("eve@example.com")).count(&app.state.db).await.unwrap();
        assert_eq!(accounts, 1);
        assert_eq!(membership::Entity::find().count(&app.state.db).await.unwrap(), 3);
    }

    async fn an_expired_link_gets_a_clear_page_and_joins_nobody(app) {
        app.with_workspace().await;
        let sink = SmtpSink::start().await;
        let link = invite_eve(&app, &sink).await;
        // The link lives its 168 hours on the app's clock, and not a moment more.
        app.state.clock.advance(167 * 3_600_000);
        assert_eq!(app.page(&browser(), &format!("/invite/{}", token_of(&link))).await.status(), 200);
        app.state.clock.advance(2 * 3_600_000);
        let page = app.page(&browser(), &format!("/invite/{}", token_of(&link))).await;
        assert_eq!(page.status(), 410);
        let html = page.text().await.unwrap();
        assert!(html.contains("This invitation has expired"));
        assert!(html.contains("Ask your admin to resend"));
        let response = accept(&app, &browser(), &link, "a long new passphrase").await;
        assert_eq!(app_error(response).await, AppError::InvalidLink(LinkProblem::Expired));
        assert_eq!(user::Entity::find().count(&app.state.db).await.unwrap(), 2);
    }

    async fn resend_kills_the_old_link_and_restarts_expiry(app) {
        app.with_workspace().await;
        let sink = SmtpSink::start().await;
        let old_link = invite_eve(&app, &sink).await;
        execute(&app, "UPDATE invitations SET expires_at = 1").await;
        let id = invitation::Entity::find().one(&app.state.db).await.unwrap().unwrap().id;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let response = app.call(&admin, "resend_invite", &[("slug", "acme-corp"), ("invitation_id", &id.to_string())]).await;
        assert_eq!(response.status(), 200);
        assert_eq!(deliver(&app, &sink).await, 1);
        let new_link = link_in(sink.messages().last().unwrap());
        assert_ne!(new_link, old_link);
        let renewed = invitation::Entity::find_by_id(id).one(&app.state.db).await.unwrap().unwrap();
        assert!(renewed.expires_at > renewed.created_at + 167 * 3_600_000, "expiry restarted");

        let old = accept(&app, &browser(), &old_link, "a long new passphrase").await;
        assert_eq!(app_error(old).await, AppError::InvalidLink(LinkProblem::Unknown));
        // "Copy invite link" gives the same link as the newest mail.
        let copied: String = app
            .call(&admin, "invite_link", &[("slug", "acme-corp"), ("invitation_id", &id.to_string())])
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(copied, new_link);
        assert_eq!(accept(&app, &browser(), &new_link, "a long new passphrase").await.status(), 200);
    }

    async fn revoking_stops_the_link_at_once(app) {
        app.with_workspace().await;
        let sink = SmtpSink::start().await;
        let link = invite_eve(&app, &sink).await;
        let id = invitation::Entity::find().one(&app.state.db).await.unwrap().unwrap().id;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let response = app.call(&admin, "revoke_invite", &[("slug", "acme-corp"), ("invitation_id", &id.to_string())]).await;
        assert_eq!(response.status(), 200);
        let refused = accept(&app, &browser(), &link, "a long new passphrase").await;
        assert_eq!(app_error(refused).await, AppError::InvalidLink(LinkProblem::Revoked));
        let html = app.page(&browser(), &format!("/invite/{}", token_of(&link))).await.text().await.unwrap();
        assert!(html.contains("This invitation was withdrawn"));
    }

    async fn garbage_and_forged_links_get_the_unknown_link_page(app) {
        app.with_workspace().await;
        let sink = SmtpSink::start().await;
        let link = invite_eve(&app, &sink).await;
        let id = token_of(&link).split('.').next().unwrap().to_owned();
        for token in ["nonsense".to_owned(), format!("{id}.AAAA"), id.to_string(), "999.abc".to_owned()] {
            let page = app.page(&browser(), &format!("/invite/{token}")).await;
            assert_eq!(page.status(), 410, "{token}");
            assert!(page.text().await.unwrap().contains("This invitation link does not work"), "{token}");
        }
    }

    async fn someone_with_an_account_logs_in_to_join(app) {
        app.with_workspace().await;
        // Max has an account (member of Acme); invite him to a second workspace.
        let other = app.other_workspace().await;
        app.add_member("other", "owner@example.com", app::domain::Role::Admin, MEMBER_PASSWORD).await;
        let owner = app.logged_in("owner@example.com", MEMBER_PASSWORD).await;
        let outcome: Vec<InviteOutcome> = app
            .call(&owner, "invite_users", &[("slug", "other"), ("emails", MEMBER_EMAIL), ("name", ""), ("role", "Member"), ("metadata", "")])
            .await
            .json()
            .await
            .unwrap();
        let InviteOutcomeKind::Invited { invitation_id } = outcome[0].kind else { panic!("{outcome:?}") };
        let link: String = app
            .call(&owner, "invite_link", &[("slug", "other"), ("invitation_id", &invitation_id.to_string())])
            .await
            .json()
            .await
            .unwrap();
        let html = app.page(&browser(), &format!("/invite/{}", token_of(&link))).await.text().await.unwrap();
        assert!(html.contains("You already have a Muster account"));

        let wrong = accept(&app, &browser(), &link, "not his password").await;
        assert_eq!(app_error(wrong).await.for_field("Password").as_deref(), Some("That is not the password of your Muster account."));
        assert_eq!(accept(&app, &browser(), &link, MEMBER_PASSWORD).await.status(), 200);
        let joined = membership::Entity::find().filter(membership::Column::WorkspaceId.eq(other.id)).count(&app.state.db).await.unwrap();
        assert_eq!(joined, 2);
    }

    async fn members_and_pending_invitations_are_reported_not_invited_twice(app) {
        app.with_workspace().await;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let first = invite(&app, &admin, "eve@example.com").await;
        assert!(matches!(first[0].kind, InviteOutcomeKind::Invited { .. }));
        let second = invite(&app, &admin, &format!("EVE@example.com, {MEMBER_EMAIL}, new@example.com")).await;
        let kinds: Vec<_> = second.iter().map(|o| o.kind).collect();
        assert!(matches!(kinds[0], InviteOutcomeKind::AlreadyInvited { .. }), "{kinds:?}");
        assert_eq!(kinds[1], InviteOutcomeKind::AlreadyMember);
        assert!(matches!(kinds[2], InviteOutcomeKind::Invited { .. }));
        assert_eq!(invitation::Entity::find().count(&app.state.db).await.unwrap(), 2);
    }

    async fn the_invite_form_names_the_bad_field(app) {
        app.with_workspace().await;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        for (field, form) in [
            ("Email address", [("emails", "eve@example.com, not-an-email"), ("name", ""), ("role", "Member"), ("metadata", "")]),
            ("Role", [("emails", "eve@example.com"), ("name", ""), ("role", "owner"), ("metadata", "")]),
            ("Metadata", [("emails", "eve@example.com"), ("name", ""), ("role", "Member"), ("metadata", "[1]")]),
            ("Name", [("emails", "eve@example.com"), ("name", "Eve\r\nBcc: x@example.com"), ("role", "Member"), ("metadata", "")]),
        ] {
            let mut fields = vec![("slug", "acme-corp")];
            fields.extend(form);
            let response = app.call(&admin, "invite_users", &fields).await;
            assert_eq!(response.status(), 422, "{field}");
            assert!(app_error(response).await.for_field(field).is_some(), "{field}");
        }
        assert_eq!(invitation::Entity::find().count(&app.state.db).await.unwrap(), 0);
    }

    async fn mail_is_retried_after_an_smtp_failure_and_delivered_once(app) {
        app.with_workspace().await;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        invite(&app, &admin, "eve@example.com").await;

        // SMTP down: a closed port.
        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
        let down = Mailer::from_settings(Some(&format!("smtp://{closed}")), &app.state.settings.data_dir).unwrap();
        let report = deliver_due(&app.state, &down, "test", 10).await.unwrap();
        assert_eq!((report.sent, report.retried), (0, 1));
        let row = outbox::Entity::find().one(&app.state.db).await.unwrap().unwrap();
        assert_eq!(row.attempts, 1);
        assert!(row.next_attempt_at > row.created_at, "backed off");
        assert!(row.sent_at.is_none() && row.failed_at.is_none());

        // Not due yet: nothing happens.
        let sink = SmtpSink::start().await;
        assert_eq!(deliver(&app, &sink).await, 0);
        // Due again (time passes): delivered exactly once.
        execute(&app, "UPDATE outbox SET next_attempt_at = 0").await;
        assert_eq!(deliver(&app, &sink).await, 1);
        assert_eq!(deliver(&app, &sink).await, 0);
        assert_eq!(sink.messages().len(), 1);
        let sent = invitation::Entity::find().one(&app.state.db).await.unwrap().unwrap();
        assert_eq!((sent.delivery.as_str(), sent.send_count), ("sent", 1));
    }

    async fn two_workers_draining_one_outbox_send_each_mail_once(app) {
        app.with_workspace().await;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let emails: Vec<String> = (0..60).map(|i| format!("person{i}@example.com")).collect();
        invite(&app, &admin, &emails.join("\n")).await;
        let sink = SmtpSink::start().await;
        let mailer = Mailer::from_settings(Some(&sink.url), &app.state.settings.data_dir).unwrap();
        let (a, b) = tokio::join!(
            deliver_due(&app.state, &mailer, "worker-a", 40),
            deliver_due(&app.state, &mailer, "worker-b", 40),
        );
        let (a, b) = (a.unwrap(), b.unwrap());
        let rest = deliver_due(&app.state, &mailer, "worker-a", 100).await.unwrap();
        assert_eq!(a.sent + b.sent + rest.sent, 60, "{a:?} {b:?} {rest:?}");
        assert_eq!(deliver_due(&app.state, &mailer, "worker-b", 100).await.unwrap().sent, 0);
        let mut recipients: Vec<String> = sink
            .messages()
            .iter()
            .map(|m| m.lines().find(|l| l.starts_with("To: ")).unwrap().to_owned())
            .collect();
        recipients.sort();
        recipients.dedup();
        assert_eq!((sink.messages().len(), recipients.len()), (60, 60));
        let sent = invitation::Entity::find()
            .filter(invitation::Column::Delivery.eq("sent"))
            .count(&app.state.db)
            .await
            .unwrap();
        assert_eq!(sent, 60);
    }

    async fn admins_can_act_while_the_outbox_worker_is_writing(app) {
        app.with_workspace().await;
        let sink = SmtpSink::start().await;
        invite_eve(&app, &sink).await;
        let id = invitation::Entity::find().one(&app.state.db).await.unwrap().unwrap().id.to_string();
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let worker = async {
            for _ in 0..20 {
                deliver(&app, &sink).await;
            }
        };
        let resends = futures_util::future::join_all((0..10).map(|_| {
            let (app, admin, id) = (&app, &admin, id.clone());
            async move {
                app.call(admin, "resend_invite", &[("slug", "acme-corp"), ("invitation_id", &id)]).await.status().as_u16()
            }
        }));
        let (statuses, ()) = tokio::join!(resends, worker);
        assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
    }

    async fn no_secret_reaches_the_database(app) {
        app.with_workspace().await;
        let sink = SmtpSink::start().await;
        let link = invite_eve(&app, &sink).await;
        let signature = token_of(&link).split('.').nth(1).unwrap().to_owned();
        let stored = invitation::Entity::find().one(&app.state.db).await.unwrap().unwrap();
        assert!(!format!("{stored:?}").contains(&signature));
        let rows = outbox::Entity::find().all(&app.state.db).await.unwrap();
        assert!(!format!("{rows:?}").contains(&signature));
    }
}
