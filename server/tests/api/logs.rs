//! No secret reaches a log: passwords, invitation links, session cookies.
use crate::invitations::{deliver, invite, token_of};
use crate::smtp_sink::{link_in, SmtpSink};
use crate::support::*;
use app::ssr::services::mailer::Mailer;
use app::ssr::services::outbox::deliver_due;

fn session_cookie(response: &reqwest::Response) -> String {
    let header = response.headers()["set-cookie"].to_str().unwrap();
    header
        .trim_start_matches("muster_session=")
        .split(';')
        .next()
        .unwrap()
        .to_owned()
}

on_every_database! {
    async fn a_full_invite_flow_logs_no_secret(app) {
        let logs = captured_logs();
        app.with_workspace().await;
        let admin = browser();
        let login = app.call(&admin, "login", &[("email", ADMIN_EMAIL), ("password", ADMIN_PASSWORD)]).await;
        assert_eq!(login.status(), 200);
        let admin_session = session_cookie(&login);
        let wrong = "a wrong but private password";
        app.call(&browser(), "login", &[("email", MEMBER_EMAIL), ("password", wrong)]).await;

        invite(&app, &admin, "eve@example.com").await;
        // SMTP down first: the failure is logged, with its reason.
        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
        let down = Mailer::from_settings(Some(&format!("smtp://{closed}")), &app.state.settings.data_dir).unwrap();
        assert_eq!(deliver_due(&app.state, &down, "test", 10).await.unwrap().retried, 1);
        execute(&app, "UPDATE outbox SET next_attempt_at = 0").await;
        let sink = SmtpSink::start().await;
        assert_eq!(deliver(&app, &sink).await, 1);
        let link = link_in(sink.messages().last().unwrap());
        let token = token_of(&link).to_owned();

        let eve = browser();
        assert_eq!(app.page(&eve, &format!("/invite/{token}")).await.status(), 200);
        let eve_password = "eve's own long passphrase";
        let joined = app
            .call_multipart(&eve, "accept_invitation", &[("token", &token), ("display_name", "Eve"), ("password", eve_password)], None)
            .await;
        assert_eq!(joined.status(), 200);
        let eve_session = session_cookie(&joined);
        // The used link again, and a cross-site attempt carrying it: both refused and logged.
        app.call_multipart(&browser(), "accept_invitation", &[("token", &token), ("display_name", "Eve"), ("password", eve_password)], None).await;
        browser().post(app.url("/api/accept_invitation")).header("sec-fetch-site", "cross-site").send().await.unwrap();
        for _ in 0..11 {
            app.call(&browser(), "login", &[("email", "eve@example.com"), ("password", wrong)]).await;
        }

        let logged = logs();
        for expected in ["mail delivery failed", "rate limit reached", "refused a state-changing request"] {
            assert!(logged.contains(expected), "the logs are captured: {expected:?} missing");
        }
        let signature = token.split('.').nth(1).expect("a signed token");
        for (what, secret) in [
            ("admin password", ADMIN_PASSWORD),
            ("wrong password", wrong),
            ("new member's password", eve_password),
            ("invitation token", token.as_str()),
            ("invitation signature", signature),
            ("admin session", admin_session.as_str()),
            ("new member's session", eve_session.as_str()),
        ] {
            let line = logged.lines().find(|l| l.contains(secret));
            assert!(line.is_none(), "the {what} reached the logs: {}", line.unwrap_or_default().chars().take(600).collect::<String>());
        }
    }
}
