//! Delivery truth: a permanent SMTP refusal (5xx) bounces the invitation at
//! once, keeping the server's reply; a transient one (4xx) is retried and,
//! after the last attempt, shows as failed with its reason. Both are found by
//! the "Mail problems" filter. Against a real socket that refuses one address.
use crate::invitations::invite;
use crate::operations::scrape;
use crate::reminders::stored;
use crate::smtp_sink::{Refusal, SmtpSink};
use crate::support::*;
use app::ssr::db::entities::{invitation, outbox};
use app::ssr::services::mailer::Mailer;
use app::ssr::services::outbox::{deliver_due, PassReport, MAX_ATTEMPTS};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::Value;

async fn pass(app: &TestApp, sink: &SmtpSink) -> PassReport {
    let mailer = Mailer::from_settings(Some(&sink.url), &app.state.settings.data_dir).unwrap();
    deliver_due(&app.state, &mailer, "test", 100).await.unwrap()
}

async fn people(app: &TestApp, admin: &reqwest::Client, search: &str, status: &str) -> Value {
    app.call(
        admin,
        "list_people",
        &[
            ("slug", "acme-corp"),
            ("search", search),
            ("status", status),
            ("page", "0"),
        ],
    )
    .await
    .json()
    .await
    .unwrap()
}

on_every_database! {
    async fn a_permanent_refusal_bounces_at_once_and_the_row_shows_the_reply(app) {
        app.with_workspace().await;
        let sink = SmtpSink::start_refusing(&[("nobody@example.com", Refusal::Permanent)]).await;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        invite(&app, &admin, "nobody@example.com, eve@example.com").await;

        let report = pass(&app, &sink).await;
        assert_eq!((report.sent, report.bounced, report.retried, report.failed), (1, 1, 0, 0));
        let nobody = stored(&app, "nobody@example.com").await;
        assert_eq!(nobody.delivery.as_str(), "bounced");
        assert_eq!(nobody.remind_at, None, "no reminder after a bounce");
        let mail = outbox::Entity::find().filter(outbox::Column::InvitationId.eq(nobody.id)).one(&app.state.db).await.unwrap().unwrap();
        assert_eq!(mail.attempts, 1, "not retried");
        assert!(mail.failed_at.is_some());
        let error = mail.last_error.unwrap();
        assert!(error.starts_with("bounced: ") && error.contains("550") && error.contains("User unknown"), "{error}");
        assert!(error.chars().count() <= "bounced: ".len() + 200);

        // Nothing more to do: a bounce is final until someone resends.
        app.state.clock.advance(3_600_000);
        assert_eq!(pass(&app, &sink).await.handled(), 0);

        let row = &people(&app, &admin, "nobody", "").await["rows"][0];
        assert_eq!(row["delivery"], "Bounced");
        let reply = row["mail_problem"].as_str().unwrap();
        assert!(reply.starts_with("5") && reply.contains("User unknown"), "the reply, without our prefix: {reply}");
        let problems = people(&app, &admin, "", "mail_problems").await;
        assert_eq!(problems["total"], 1);
        assert_eq!(problems["rows"][0]["email"], "nobody@example.com");
        let html = app.page(&admin, "/w/acme-corp/settings/users?search=nobody").await.text().await.unwrap();
        assert!(html.contains("Bounced") && html.contains("User unknown"), "the Users page shows the bounce");
        // The JSON API lists them too.
        let created: app::model::api_tokens::CreatedApiToken = app
            .call(&admin, "create_api_token", &[("slug", "acme-corp"), ("name", "HR")])
            .await
            .json()
            .await
            .unwrap();
        let listed: Value = reqwest::Client::new()
            .get(app.url("/api/v1/invitations?status=mail_problems"))
            .bearer_auth(&created.secret)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let items = listed["items"].as_array().unwrap();
        assert_eq!(items.len(), 1, "{listed}");
        assert_eq!((items[0]["email"].as_str(), items[0]["delivery"].as_str()), (Some("nobody@example.com"), Some("bounced")));
        let metrics = scrape(&app).await;
        assert_eq!(metrics["muster_mails_total{outcome=\"bounced\"}"], 1.0);
        assert_eq!(metrics["muster_mails_total{outcome=\"failed\"}"], 0.0);
    }

    async fn a_transient_refusal_is_retried_then_fails_with_its_last_reason(app) {
        app.with_workspace().await;
        let sink = SmtpSink::start_refusing(&[("later@example.com", Refusal::Transient)]).await;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        invite(&app, &admin, "later@example.com").await;
        for attempt in 1..MAX_ATTEMPTS {
            let report = pass(&app, &sink).await;
            assert_eq!((report.retried, report.bounced), (1, 0), "attempt {attempt}");
            assert_eq!(stored(&app, "later@example.com").await.delivery.as_str(), "queued");
            // Past the longest backoff.
            app.state.clock.advance(31 * 60_000);
        }
        let last = pass(&app, &sink).await;
        assert_eq!((last.failed, last.retried), (1, 0));
        assert_eq!(stored(&app, "later@example.com").await.delivery.as_str(), "failed");
        let row = &people(&app, &admin, "later", "mail_problems").await["rows"][0];
        assert_eq!(row["delivery"], "Failed");
        assert!(row["mail_problem"].as_str().unwrap().contains("451 4.3.0"), "{row}");
        assert!(sink.messages().is_empty());
    }

    async fn connection_failures_are_retried_not_bounced(app) {
        app.with_workspace().await;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        invite(&app, &admin, "eve@example.com").await;
        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
        let down = Mailer::from_settings(Some(&format!("smtp://{closed}")), &app.state.settings.data_dir).unwrap();
        let report = deliver_due(&app.state, &down, "test", 10).await.unwrap();
        assert_eq!((report.retried, report.bounced), (1, 0));
        assert_eq!(stored(&app, "eve@example.com").await.delivery.as_str(), "queued");
    }

    async fn a_bounced_address_is_corrected_with_a_new_link_and_the_old_one_stops(app) {
        app.with_workspace().await;
        let sink = SmtpSink::start_refusing(&[("nobdy@example.com", Refusal::Permanent)]).await;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        invite(&app, &admin, "nobdy@example.com").await;
        assert_eq!(pass(&app, &sink).await.bounced, 1);
        let before = stored(&app, "nobdy@example.com").await;
        let old_link = app::ssr::services::invitations::invite_url(&app.state, &before);
        let id = before.id.to_string();
        let change = |email: &'static str| {
            let (app, admin, id) = (&app, &admin, id.clone());
            async move { app.call(admin, "change_invite_email", &[("slug", "acme-corp"), ("invitation_id", &id), ("email", email)]).await }
        };

        // Refused: the same address, a member's, a bad one; and by a member.
        assert_eq!(change("NOBDY@example.com").await.status(), 422);
        assert_eq!(change(MEMBER_EMAIL).await.status(), 409);
        assert_eq!(change("not an address").await.status(), 422);
        let member = app.logged_in(MEMBER_EMAIL, MEMBER_PASSWORD).await;
        let forbidden = app.call(&member, "change_invite_email", &[("slug", "acme-corp"), ("invitation_id", &id), ("email", "x@example.com")]).await;
        assert_eq!(forbidden.status(), 403);

        assert_eq!(change("nobody@example.com").await.status(), 200);
        let after = invitation::Entity::find_by_id(before.id).one(&app.state.db).await.unwrap().unwrap();
        assert_eq!((after.email.as_str(), after.delivery.as_str()), ("nobody@example.com", "queued"));
        assert_ne!(after.nonce, before.nonce, "a new link");
        assert_eq!(pass(&app, &sink).await.sent, 1);
        let mail = sink.messages().pop().unwrap();
        assert!(mail.contains("To: nobody@example.com"), "{mail}");
        let new_link = crate::smtp_sink::link_in(&mail);
        assert_ne!(new_link, old_link);
        let old = crate::invitations::accept(&app, &browser(), &old_link, "a long new passphrase").await;
        assert_eq!(old.status(), 410, "the old link stops working");

        let listed = people(&app, &admin, "", "").await;
        let emails: Vec<&str> = listed["rows"].as_array().unwrap().iter().map(|r| r["email"].as_str().unwrap()).collect();
        assert!(emails.contains(&"nobody@example.com") && !emails.contains(&"nobdy@example.com"), "{emails:?}");
        assert_eq!(people(&app, &admin, "", "mail_problems").await["total"], 0);
        let log: app::model::activity::ActivityPage = app.call(&admin, "list_activity", &[("slug", "acme-corp"), ("page", "0")]).await.json().await.unwrap();
        assert_eq!(
            log.entries[0].summary,
            "Changed the address of an invitation from nobdy@example.com to nobody@example.com and sent a new link"
        );
    }
}
