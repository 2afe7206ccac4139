//! `muster import` and `muster invites`: the real binary on the test's
//! database, with the fixtures admins upload in the browser.
use crate::smtp_sink::SmtpSink;
use crate::support::*;
use app::domain::Role;
use app::ssr::db::entities::{group, import_batch, invitation};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

fn fixture(name: &str) -> String {
    format!("{}/../fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The report line for one row: "row      2  invited  ada@example.com".
fn row_line(stdout: &str, row: usize) -> &str {
    let prefix = format!("row {row:>6}  ");
    stdout
        .lines()
        .find(|line| line.starts_with(&prefix))
        .unwrap_or_else(|| panic!("no line for row {row} in:\n{stdout}"))
}

async fn invitations(app: &TestApp) -> Vec<invitation::Model> {
    invitation::Entity::find().all(&app.state.db).await.unwrap()
}

on_every_database! {
    async fn an_import_chooses_how_long_its_links_live(app) {
        app.with_workspace().await;
        let file = fixture("mixed-problems.csv");
        let refused = finish(app.muster(&["import", &file, "--workspace", "acme-corp", "--expires-in-days", "31"])).await;
        assert!(!refused.status.success());
        assert!(text(&refused.stderr).contains("--expires-in-days"), "{}", text(&refused.stderr));
        assert!(invitations(&app).await.is_empty(), "nothing written");

        finish(app.muster(&["import", &file, "--workspace", "acme-corp", "--expires-in-days", "3"])).await;
        let stored = invitations(&app).await;
        assert!(!stored.is_empty());
        for invitation in stored {
            assert_eq!(invitation.lifetime_hours, 72, "{}", invitation.email);
            assert_eq!(invitation.expires_at - invitation.created_at, 72 * 3_600_000);
        }
        let batch = import_batch::Entity::find().one(&app.state.db).await.unwrap().unwrap();
        assert_eq!(batch.expiry_days, Some(3));
    }

    async fn importing_a_file_reports_every_row_and_fails_when_rows_fail(app) {
        app.with_workspace().await;
        let file = fixture("mixed-problems.csv");
        let output = finish(app.muster(&["import", &file, "--workspace", "acme-corp"])).await;
        let stdout = text(&output.stdout);
        assert!(!output.status.success(), "rows failed, so the exit code says so:\n{stdout}");
        assert!(text(&output.stderr).contains("some rows failed"), "{}", text(&output.stderr));

        // Rows as numbered in the file (header is row 1), with the column and reason.
        assert!(row_line(&stdout, 2).contains("invited  valid@example.com"));
        assert!(row_line(&stdout, 3).contains("failed   not-an-email  Email:"), "{stdout}");
        assert!(row_line(&stdout, 5).contains("failed") && row_line(&stdout, 5).contains("row 2"), "{stdout}");
        assert!(row_line(&stdout, 6).contains("failed") && row_line(&stdout, 6).contains("Role"), "{stdout}");
        assert!(row_line(&stdout, 8).contains("invited  spaced@example.com"), "{stdout}");

        let stored = invitations(&app).await;
        let invited = stdout.lines().filter(|l| l.contains("  invited  ")).count();
        let failed = stdout.lines().filter(|l| l.contains("  failed   ")).count();
        assert_eq!(stored.len(), invited, "one invitation per invited row");
        assert!(stdout.contains(&format!("{invited} invited · 0 skipped · {failed} failed")), "{stdout}");
        assert_eq!(invited + failed, 8, "every data row has a line");

        // One batch, by the operator (no user), under Recent imports like any other.
        let batch = import_batch::Entity::find().one(&app.state.db).await.unwrap().unwrap();
        assert_eq!((batch.file_name.as_str(), batch.created_by), ("mixed-problems.csv", None));
        assert_eq!((batch.invited as usize, batch.failed as usize, batch.total_rows), (invited, failed, 8));

        // The same file again invites nobody twice.
        let again = text(&finish(app.muster(&["import", &file, "--workspace", "acme-corp"])).await.stdout);
        assert!(again.contains(&format!("0 invited · {invited} skipped · {failed} failed")), "{again}");
        assert!(row_line(&again, 2).contains("skipped  valid@example.com  Already invited"), "{again}");
        assert_eq!(invitations(&app).await.len(), invited);
    }

    async fn a_clean_file_exits_zero_with_the_role_and_groups_given(app) {
        app.with_workspace().await;
        let file = fixture("tooljet-columns.csv");
        // Groups the workspace lacks fail the rows, saying which group.
        let output = finish(app.muster(&["import", &file, "--workspace", "acme-corp", "--role", "Builder", "--groups", "Field team"])).await;
        let stdout = text(&output.stdout);
        assert!(!output.status.success());
        assert!(stdout.contains("there is no group “Field team”"), "{stdout}");
        assert!(invitations(&app).await.is_empty());

        let output = finish(app.muster(&[
            "import", &file, "--workspace", "acme-corp", "--role", "Builder", "--groups", "Field team", "--create-groups",
        ]))
        .await;
        let stdout = text(&output.stdout);
        assert!(output.status.success(), "{stdout}\n{}", text(&output.stderr));
        assert!(stdout.contains("4 invited · 0 skipped · 0 failed"), "{stdout}");
        let stored = invitations(&app).await;
        assert_eq!(stored.len(), 4);
        assert!(stored.iter().all(|i| i.role == Role::Builder), "--role overrides the file's User Role column");
        let groups = group::Entity::find().all(&app.state.db).await.unwrap();
        assert_eq!(groups.iter().map(|g| g.name.as_str()).collect::<Vec<_>>(), ["Field team"], "the file's groups were replaced");
    }

    async fn a_dry_run_says_what_would_happen_and_writes_nothing(app) {
        app.with_workspace().await;
        let file = fixture("mixed-problems.csv");
        finish(app.muster(&["import", &file, "--workspace", "acme-corp"])).await;
        let before = invitations(&app).await;
        let batches = import_batch::Entity::find().count(&app.state.db).await.unwrap();

        let dry = text(&finish(app.muster(&["import", &fixture("tooljet-columns.csv"), "--workspace", "acme-corp", "--dry-run"])).await.stdout);
        assert!(dry.contains("4 invited · 0 skipped · 0 failed (dry run: nothing written)"), "{dry}");
        let dry_again = text(&finish(app.muster(&["import", &file, "--workspace", "acme-corp", "--dry-run", "--resend-pending"])).await.stdout);
        assert!(row_line(&dry_again, 2).contains("resent   valid@example.com"), "{dry_again}");
        // As JSON: a row per line, with every problem the check found, warnings too.
        let json = text(&finish(app.muster(&["import", &file, "--workspace", "acme-corp", "--dry-run", "--json"])).await.stdout);
        let rows: Vec<serde_json::Value> = json.lines().map(|line| serde_json::from_str(line).unwrap()).collect();
        assert_eq!(rows.iter().map(|r| r["row"].as_u64().unwrap()).collect::<Vec<_>>(), (2..=9).collect::<Vec<_>>());
        assert_eq!(rows[0]["outcome"], "skipped", "{json}");
        assert_eq!(rows[1]["outcome"], "failed");
        assert_eq!(rows[1]["problems"][0]["severity"], "Error");
        assert_eq!(rows[1]["problems"][0]["column"], "Email");
        assert_eq!(rows[1]["reason"], format!("Email: {}", rows[1]["problems"][0]["message"].as_str().unwrap()));
        let noname = rows.iter().find(|r| r["email"] == "noname@example.com").unwrap();
        assert_eq!(noname["problems"][0]["severity"], "Warning", "{json}");

        assert_eq!(invitations(&app).await, before, "nothing changed");
        assert_eq!(import_batch::Entity::find().count(&app.state.db).await.unwrap(), batches);
    }

    async fn a_workbook_sheet_is_chosen_by_name_and_bad_arguments_are_named(app) {
        app.with_workspace().await;
        let file = fixture("multi-sheet.xlsx");
        let output = finish(app.muster(&["import", &file, "--workspace", "acme-corp", "--sheet", "Read me"])).await;
        assert!(!output.status.success());
        assert!(text(&output.stderr).contains("No column of email addresses was found"), "{}", text(&output.stderr));
        let output = finish(app.muster(&["import", &file, "--workspace", "acme-corp", "--sheet", "new hires"])).await;
        assert!(output.status.success(), "{}", text(&output.stderr));
        assert!(!invitations(&app).await.is_empty());

        for (args, message) in [
            (vec!["--workspace", "acme-corp", "--sheet", "Payroll"], "--sheet: no sheet \"Payroll\""),
            (vec!["--workspace", "acme-corp", "--role", "Overlord"], "--role:"),
            (vec!["--workspace", "nowhere"], "there is no workspace \"nowhere\""),
        ] {
            let mut all = vec!["import", file.as_str()];
            all.extend(args);
            let output = finish(app.muster(&all)).await;
            assert!(!output.status.success());
            assert!(text(&output.stderr).contains(message), "{message}: {}", text(&output.stderr));
        }
        let output = finish(app.muster(&["import", "/no/such/file.csv", "--workspace", "acme-corp"])).await;
        assert!(text(&output.stderr).contains("reading /no/such/file.csv"), "{}", text(&output.stderr));
    }

    async fn sending_emails_from_the_command_line_delivers_each_mail_once(app) {
        app.with_workspace().await;
        let sink = SmtpSink::start().await;
        let mut command = app.muster(&["import", &fixture("tooljet-columns.csv"), "--workspace", "acme-corp", "--create-groups", "--send-emails"]);
        command.env("SMTP_URL", &sink.url);
        let output = finish(command).await;
        assert!(output.status.success(), "{}", text(&output.stderr));
        assert!(text(&output.stderr).contains("mail: 4 sent"), "{}", text(&output.stderr));
        let messages = sink.messages();
        assert_eq!(messages.len(), 4);
        for address in ["john@corp.com", "ana.silva@corp.com", "k.nakamura@corp.com", "Lea.Mueller@corp.com"] {
            let to_them = messages.iter().filter(|m| m.lines().any(|l| l.starts_with("To: ") && l.contains(address))).count();
            assert_eq!(to_them, 1, "{address}");
        }
        // The links in the mail work on the server (same key, same database).
        let link = crate::smtp_sink::link_in(&messages[0]);
        let path = link.split_once("/invite/").map(|(_, token)| format!("/invite/{token}")).unwrap();
        assert_eq!(app.page(&browser(), &path).await.status(), 200);
    }

    async fn invitations_are_listed_resent_and_revoked_by_address_or_id(app) {
        app.with_workspace().await;
        finish(app.muster(&["import", &fixture("tooljet-columns.csv"), "--workspace", "acme-corp", "--create-groups"])).await;
        let list = text(&finish(app.muster(&["invites", "list", "--workspace", "acme-corp"])).await.stdout);
        assert_eq!(list.lines().filter(|l| l.contains("  invited  ")).count(), 4, "{list}");
        assert!(!list.contains(MEMBER_EMAIL), "members are not invitations:\n{list}");

        let john = invitation::Entity::find()
            .filter(invitation::Column::EmailKey.eq("john@corp.com"))
            .one(&app.state.db)
            .await
            .unwrap()
            .unwrap();
        let id = john.id.to_string();
        let output = finish(app.muster(&["invites", "resend", "--workspace", "acme-corp", &id])).await;
        assert!(output.status.success(), "{}", text(&output.stdout));
        let renewed = invitation::Entity::find_by_id(john.id).one(&app.state.db).await.unwrap().unwrap();
        assert_ne!(renewed.nonce, john.nonce, "a new link");

        let output = finish(app.muster(&["invites", "revoke", "--workspace", "acme-corp", "ANA.SILVA@corp.com", "nobody@corp.com"])).await;
        let stdout = text(&output.stdout);
        assert!(!output.status.success(), "one of the two could not be revoked");
        assert!(stdout.contains("ANA.SILVA@corp.com: revoked"), "{stdout}");
        assert!(stdout.contains("nobody@corp.com: not revoked: nobody with this address was invited"), "{stdout}");
        let revoked = text(&finish(app.muster(&["invites", "list", "--workspace", "acme-corp", "--status", "revoked"])).await.stdout);
        assert_eq!(revoked.lines().filter(|l| l.contains("  revoked  ")).count(), 1, "{revoked}");
        assert!(revoked.contains("ana.silva@corp.com"));

        // A revoked invitation cannot be revoked or resent again.
        let output = finish(app.muster(&["invites", "resend", "--workspace", "acme-corp", "ana.silva@corp.com"])).await;
        assert!(text(&output.stdout).contains("not resent: This invitation was revoked"), "{}", text(&output.stdout));
        // Another workspace's invitation is not reachable by id.
        app.other_workspace().await;
        let output = finish(app.muster(&["invites", "revoke", "--workspace", "other", &id])).await;
        assert!(!output.status.success());
        assert!(invitation::Entity::find_by_id(john.id).one(&app.state.db).await.unwrap().unwrap().revoked_at.is_none());
    }
}
