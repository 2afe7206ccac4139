//! Reminders: one mail two days before a link expires, with the same link,
//! for links of four days or more whose first mail went out; none once the
//! invitation is accepted, revoked or resent (the resend moves it), none
//! without mail, none when the workspace turns them off. Time passes on the
//! app's clock, never by sleeping.
use crate::invitations::{accept, deliver, invite_eve, token_of};
use crate::operations::scrape;
use crate::smtp_sink::{link_in, SmtpSink};
use crate::support::*;
use app::domain::{Email, Metadata, Role};
use app::ssr::db::entities::invitation;
use app::ssr::services::invitations::{self, InviteRequest};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

const DAY: i64 = 24 * 3_600_000;
const MINUTE: i64 = 60_000;

async fn invite_with_expiry(app: &TestApp, admin: &reqwest::Client, email: &str, days: &str) {
    let form = [
        ("slug", "acme-corp"),
        ("emails", email),
        ("name", ""),
        ("role", "member"),
        ("metadata", ""),
        ("expiry_days", days),
    ];
    assert_eq!(app.call(admin, "invite_users", &form).await.status(), 200);
}

pub(crate) async fn stored(app: &TestApp, email: &str) -> invitation::Model {
    invitation::Entity::find()
        .filter(invitation::Column::EmailKey.eq(email))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap()
}

fn reminders_in(sink: &SmtpSink) -> Vec<String> {
    sink.messages()
        .into_iter()
        .filter(|m| m.contains("Subject: Reminder: "))
        .collect()
}

async fn set_reminders(app: &TestApp, admin: &reqwest::Client, on: bool) {
    let mut form = vec![
        ("slug", "acme-corp"),
        ("name", "Acme Corp"),
        ("default_role", "member"),
    ];
    if on {
        form.push(("reminders", "on"));
    }
    form.push(("send_email_default", "on"));
    assert_eq!(
        app.call(admin, "save_workspace_settings", &form)
            .await
            .status(),
        200
    );
}

on_every_database! {
    async fn a_reminder_goes_two_days_before_expiry_with_the_same_working_link(app) {
        app.with_workspace().await;
        let sink = SmtpSink::start().await;
        let link = invite_eve(&app, &sink).await;

        // Seven-day link: due after five days, not before.
        app.state.clock.advance(5 * DAY - MINUTE);
        assert_eq!(deliver(&app, &sink).await, 0);
        app.state.clock.advance(2 * MINUTE);
        assert_eq!(deliver(&app, &sink).await, 1);
        assert_eq!(deliver(&app, &sink).await, 0, "one reminder only");
        let reminders = reminders_in(&sink);
        assert_eq!(reminders.len(), 1);
        assert!(reminders[0].contains("A reminder: your invitation expires on"), "{}", reminders[0]);
        assert_eq!(link_in(&reminders[0]), link, "the same link: no new secret");

        let eve = stored(&app, "eve@example.com").await;
        assert!(eve.reminded_at.is_some() && eve.remind_at.is_none());
        assert_eq!((eve.delivery.as_str(), eve.send_count), ("sent", 1));
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let people: serde_json::Value = app
            .call(&admin, "list_people", &[("slug", "acme-corp"), ("search", "eve"), ("status", ""), ("page", "0")])
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(people["rows"][0]["reminded_at"], serde_json::json!(eve.reminded_at));
        let metrics = scrape(&app).await;
        assert_eq!(metrics["muster_reminders_sent_total"], 1.0);
        assert_eq!(metrics["muster_mails_total{outcome=\"sent\"}"], 2.0);

        // The link still works, and accepting after the reminder is fine.
        let joined = accept(&app, &browser(), &link, "a long new passphrase").await;
        assert_eq!(joined.status(), 200);
    }

    async fn accepting_revoking_short_links_and_mail_off_get_no_reminder(app) {
        app.with_workspace().await;
        let sink = SmtpSink::start().await;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let link = invite_eve(&app, &sink).await;
        invite_with_expiry(&app, &admin, "ron@example.com", "7").await;
        invite_with_expiry(&app, &admin, "sam@example.com", "3").await;
        invitations::invite(
            &app.state,
            app::ssr::services::Actor { workspace_id: 1, user_id: None },
            InviteRequest {
                emails: vec![Email::parse("nia@example.com").unwrap()],
                name: None,
                role: Role::Member,
                groups: Vec::new(),
                metadata: Metadata::default(),
                send_email: false,
                expiry: None,
                message: None,
            },
        )
        .await
        .unwrap();
        assert_eq!(deliver(&app, &sink).await, 2, "ron and sam; nia has no mail");
        assert_eq!(accept(&app, &browser(), &link, "a long new passphrase").await.status(), 200);
        let ron = stored(&app, "ron@example.com").await;
        let revoked = app
            .call(&admin, "revoke_invite", &[("slug", "acme-corp"), ("invitation_id", &ron.id.to_string())])
            .await;
        assert_eq!(revoked.status(), 200);
        for email in ["eve@example.com", "ron@example.com", "sam@example.com", "nia@example.com"] {
            assert_eq!(stored(&app, email).await.remind_at, None, "{email}");
        }

        app.state.clock.advance(6 * DAY);
        assert_eq!(deliver(&app, &sink).await, 0);
        assert!(reminders_in(&sink).is_empty());
    }

    async fn a_resend_moves_the_reminder_to_the_new_link(app) {
        app.with_workspace().await;
        let sink = SmtpSink::start().await;
        let first = invite_eve(&app, &sink).await;
        app.state.clock.advance(4 * DAY);
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let eve = stored(&app, "eve@example.com").await;
        let resent = app
            .call(&admin, "resend_invite", &[("slug", "acme-corp"), ("invitation_id", &eve.id.to_string())])
            .await;
        assert_eq!(resent.status(), 200);
        assert_eq!(deliver(&app, &sink).await, 1, "the new link");
        let second = link_in(sink.messages().last().unwrap());
        assert_ne!(token_of(&second), token_of(&first));

        // When the first link's reminder was due: nothing.
        app.state.clock.advance(DAY + MINUTE);
        assert_eq!(deliver(&app, &sink).await, 0);
        // Five days after the resend: the reminder, with the new link.
        app.state.clock.advance(4 * DAY);
        assert_eq!(deliver(&app, &sink).await, 1);
        let reminders = reminders_in(&sink);
        assert_eq!(reminders.len(), 1);
        assert_eq!(link_in(&reminders[0]), second);
    }

    async fn a_workspace_with_reminders_off_sends_none_until_they_are_on_again(app) {
        app.with_workspace().await;
        let sink = SmtpSink::start().await;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        invite_eve(&app, &sink).await;
        invite_with_expiry(&app, &admin, "ron@example.com", "14").await;
        assert_eq!(deliver(&app, &sink).await, 1);
        set_reminders(&app, &admin, false).await;

        // Eve's reminder falls due while they are off: it is dropped.
        app.state.clock.advance(5 * DAY + MINUTE);
        assert_eq!(deliver(&app, &sink).await, 0);
        assert_eq!(stored(&app, "eve@example.com").await.remind_at, None);

        // On again before Ron's falls due (day 12 of 14): he gets his.
        set_reminders(&app, &admin, true).await;
        app.state.clock.advance(7 * DAY);
        assert_eq!(deliver(&app, &sink).await, 1);
        let reminders = reminders_in(&sink);
        assert_eq!(reminders.len(), 1);
        assert!(reminders[0].contains("To: ron@example.com"), "{}", reminders[0]);
    }

    async fn the_admins_message_goes_in_the_mail_its_resend_and_its_reminder(app) {
        app.with_workspace().await;
        let sink = SmtpSink::start().await;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let form = [
            ("slug", "acme-corp"), ("emails", "eve@example.com"), ("name", ""), ("role", "member"),
            ("metadata", ""), ("message", "Welcome <b>aboard</b>!\r\nSee you on Monday."),
        ];
        assert_eq!(app.call(&admin, "invite_users", &form).await.status(), 200);
        assert_eq!(deliver(&app, &sink).await, 1);
        // The HTML part is quoted-printable: its soft line breaks undone.
        let quoted = |mail: &str| {
            let mail = mail.replace("=\n", "").replace("=3D", "=");
            mail.contains("Ada Admin wrote:") && mail.contains("Welcome <b>aboard</b>!") && mail.contains("See you on Monday.") && mail.contains("Welcome &lt;b&gt;aboard&lt;/b&gt;!<br>See you on Monday.")
        };
        assert!(quoted(&sink.messages()[0]), "{}", sink.messages()[0]);

        let eve = stored(&app, "eve@example.com").await;
        app.call(&admin, "resend_invite", &[("slug", "acme-corp"), ("invitation_id", &eve.id.to_string())]).await;
        assert_eq!(deliver(&app, &sink).await, 1);
        assert!(quoted(&sink.messages()[1]), "the resend keeps it");
        app.state.clock.advance(5 * DAY + MINUTE);
        assert_eq!(deliver(&app, &sink).await, 1);
        assert!(quoted(&reminders_in(&sink)[0]), "so does the reminder");

        let long = "x".repeat(501);
        let refused = app
            .call(&admin, "invite_users", &[("slug", "acme-corp"), ("emails", "fay@example.com"), ("name", ""), ("role", "member"), ("metadata", ""), ("message", long.as_str())])
            .await;
        assert_eq!(refused.status(), 422);
        assert!(app_error(refused).await.for_field("Personal message").is_some());
    }
}
