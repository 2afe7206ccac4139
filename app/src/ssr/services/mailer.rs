//! Sending mail with lettre: over SMTP when SMTP_URL is set, otherwise as
//! `.eml` files under `<data dir>/mail` (the UI then offers "Copy invite link").
use super::smtp_pool::{SmtpPool, SmtpTarget};
use crate::domain::{format_date_time, MailKind};
use crate::ssr::db::entities::invitation;
use lettre::message::{header::ContentType, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Clone)]
pub enum Mailer {
    /// `smtp://`: our pool of reused connections with Nagle off.
    Smtp(Arc<SmtpPool>),
    /// `smtps://` (implicit TLS): lettre's pooled transport.
    SmtpTls(AsyncSmtpTransport<Tokio1Executor>),
    Files(AsyncFileTransport<Tokio1Executor>),
}

/// Why a mail did not go: a permanent refusal (a 5xx reply: the address or
/// the mail will never be taken) stops retrying; anything else is tried again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendFailure {
    pub permanent: bool,
    pub reason: String,
}

impl SendFailure {
    pub fn transient(reason: impl Into<String>) -> Self {
        Self {
            permanent: false,
            reason: reason.into(),
        }
    }

    /// lettre's own reading of the server's reply code; the reason reads as
    /// the server wrote it ("550 5.1.1 … User unknown").
    pub fn from_smtp(error: &lettre::transport::smtp::Error) -> Self {
        let text = error.to_string();
        let reason = match error.status() {
            // lettre writes "permanent error (550): {the server's text}".
            Some(code) => {
                let reply = text.split_once("): ").map_or(text.as_str(), |(_, r)| r);
                format!("{code} {reply}")
            }
            None => text,
        };
        Self {
            permanent: error.is_permanent(),
            reason,
        }
    }
}

impl std::fmt::Display for SendFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.reason)
    }
}

/// A rendered mail.
pub struct OutgoingMail {
    pub from: String,
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

impl Mailer {
    /// `smtp://`, `smtps://` or `smtp://…?tls=required`, with optional credentials.
    pub fn from_settings(
        smtp_url: Option<&str>,
        data_dir: &std::path::Path,
    ) -> Result<Self, String> {
        match smtp_url {
            Some(url) => match SmtpTarget::parse(url)? {
                Some(target) => Ok(Mailer::Smtp(Arc::new(SmtpPool::new(
                    target,
                    super::outbox::SEND_CONCURRENCY,
                )))),
                None => Self::smtps(url),
            },
            None => {
                let dir: PathBuf = data_dir.join("mail");
                std::fs::create_dir_all(&dir)
                    .map_err(|e| format!("creating {}: {e}", dir.display()))?;
                Ok(Mailer::Files(AsyncFileTransport::new(dir)))
            }
        }
    }

    fn smtps(url: &str) -> Result<Self, String> {
        AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map(|builder| {
                let pool = lettre::transport::smtp::PoolConfig::new()
                    .max_size(super::outbox::SEND_CONCURRENCY as u32);
                Mailer::SmtpTls(builder.pool_config(pool).build())
            })
            .map_err(|e| format!("SMTP_URL is not usable: {e}"))
    }

    pub fn writes_files(&self) -> bool {
        matches!(self, Mailer::Files(_))
    }

    pub async fn send(&self, mail: &OutgoingMail) -> Result<(), SendFailure> {
        // A mail that cannot be built (a sender or address lettre refuses)
        // never will be: permanent.
        let message = build(mail).map_err(|reason| SendFailure {
            permanent: true,
            reason,
        })?;
        match self {
            Mailer::Smtp(pool) => pool.send(message.envelope(), &message.formatted()).await,
            Mailer::SmtpTls(transport) => transport
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| SendFailure::from_smtp(&e)),
            Mailer::Files(transport) => transport
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| SendFailure::transient(e.to_string())),
        }
    }
}

fn build(mail: &OutgoingMail) -> Result<Message, String> {
    let from: Mailbox = mail
        .from
        .parse()
        .map_err(|e| format!("sender {:?}: {e}", mail.from))?;
    let to: Mailbox = mail
        .to
        .parse()
        .map_err(|e| format!("recipient {:?}: {e}", mail.to))?;
    Message::builder()
        .from(from)
        .to(to)
        // lettre encodes header values; names are also refused with line breaks on the way in.
        .subject(mail.subject.clone())
        .multipart(
            MultiPart::alternative()
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_PLAIN)
                        .body(mail.text.clone()),
                )
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_HTML)
                        .body(mail.html.clone()),
                ),
        )
        .map_err(|e| e.to_string())
}

/// Escapes text for HTML element content and attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Keeps header text on one line whatever it holds.
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

pub fn invitation_mail(
    from: &str,
    invitation: &invitation::Model,
    workspace_name: &str,
    inviter_name: Option<&str>,
    link: &str,
    kind: MailKind,
) -> OutgoingMail {
    // Names are refused with line breaks on the way in; flatten anyway, defence in depth.
    let inviter = one_line(inviter_name.unwrap_or("An admin"));
    let workspace_name = one_line(workspace_name);
    let inviter = inviter.as_str();
    let workspace_name = workspace_name.as_str();
    let expires = format_date_time(invitation.expires_at);
    let greeting = invitation
        .display_name
        .as_deref()
        .map(|n| format!("Hello {},", one_line(n)))
        .unwrap_or_else(|| "Hello,".into());
    // The admin's own words, quoted as written (escaped in the HTML part).
    let (quoted_text, quoted_html) = match invitation.message.as_deref() {
        Some(message) => (
            format!("{inviter} wrote:\n{message}\n\n"),
            format!(
                "<p>{} wrote:</p><blockquote style=\"margin:0 0 1em;padding-left:12px;border-left:3px solid #ccd\">{}</blockquote>",
                escape_html(inviter),
                escape_html(message).replace('\n', "<br>")
            ),
        ),
        None => (String::new(), String::new()),
    };
    let (subject_prefix, reminder_line) = match kind {
        MailKind::Invitation => ("", String::new()),
        MailKind::Reminder => (
            "Reminder: ",
            format!("A reminder: your invitation expires on {expires}.\n\n"),
        ),
    };
    let subject = one_line(&format!(
        "{subject_prefix}{inviter} invited you to join {workspace_name} on Muster"
    ));
    let text = format!(
        "{greeting}\n\n{reminder_line}{inviter} invited you to join {workspace_name} on Muster.\n\n\
         {quoted_text}Accept the invitation:\n{link}\n\n\
         This link works once and expires on {expires}.\n\
         If you weren't expecting this, you can ignore this mail.\n"
    );
    let html = format!(
        "<!DOCTYPE html><html><body style=\"font-family:system-ui,sans-serif;line-height:1.5\">\
         <p>{greeting}</p>{reminder}\
         <p><strong>{inviter}</strong> invited you to join <strong>{workspace}</strong> on Muster.</p>\
         {quoted_html}<p><a href=\"{link}\" style=\"display:inline-block;padding:10px 16px;background:#3355cc;color:#fff;border-radius:8px;text-decoration:none\">Accept the invitation</a></p>\
         <p>Or open this link: <a href=\"{link}\">{link}</a></p>\
         <p>This link works once and expires on {expires}.<br>If you weren't expecting this, you can ignore this mail.</p>\
         </body></html>",
        greeting = escape_html(&greeting),
        reminder = if reminder_line.is_empty() {
            String::new()
        } else {
            format!("<p>{}</p>", escape_html(reminder_line.trim_end()))
        },
        inviter = escape_html(inviter),
        workspace = escape_html(workspace_name),
        link = escape_html(link),
        expires = escape_html(&expires),
    );
    OutgoingMail {
        from: from.to_owned(),
        to: invitation.email.clone(),
        subject,
        text,
        html,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(name: Option<&str>) -> invitation::Model {
        invitation::Model {
            id: 1,
            workspace_id: 1,
            email: "eve@example.com".into(),
            email_key: "eve@example.com".into(),
            display_name: name.map(Into::into),
            role: crate::domain::Role::Member,
            metadata: "{}".into(),
            invited_by: None,
            nonce: "n".into(),
            created_at: 0,
            expires_at: 1_795_392_000_000,
            accepted_at: None,
            accepted_user_id: None,
            revoked_at: None,
            send_count: 0,
            delivery: crate::domain::DeliveryState::Queued,
            lifetime_hours: 168,
            remind_at: None,
            reminded_at: None,
            message: None,
        }
    }

    #[test]
    fn the_mail_names_workspace_inviter_link_and_expiry() {
        let mail = invitation_mail(
            "Muster <m@localhost>",
            &sample(Some("Eve")),
            "Acme",
            Some("Ada"),
            "http://x/invite/1.abc",
            MailKind::Invitation,
        );
        assert_eq!(mail.subject, "Ada invited you to join Acme on Muster");
        for part in [&mail.text, &mail.html] {
            assert!(part.contains("http://x/invite/1.abc"));
            assert!(part.contains("23 November 2026, 00:00 UTC"));
            assert!(part.contains("Acme"));
            assert!(!part.contains("reminder"));
        }
    }

    #[test]
    fn a_reminder_says_so_and_carries_the_same_link() {
        let mail = invitation_mail(
            "Muster <m@localhost>",
            &sample(None),
            "Acme",
            Some("Ada"),
            "http://x/invite/1.abc",
            MailKind::Reminder,
        );
        assert_eq!(
            mail.subject,
            "Reminder: Ada invited you to join Acme on Muster"
        );
        for part in [&mail.text, &mail.html] {
            assert!(part.contains("http://x/invite/1.abc"));
            assert!(part
                .contains("A reminder: your invitation expires on 23 November 2026, 00:00 UTC."));
        }
    }

    #[test]
    fn the_admins_message_is_quoted_in_both_parts_and_escaped() {
        let mut invitation = sample(None);
        invitation.message = Some("Welcome <b>aboard</b>!\nSee you Monday.".into());
        let mail = invitation_mail(
            "Muster <m@localhost>",
            &invitation,
            "Acme",
            Some("Ada"),
            "http://x/invite/1.abc",
            MailKind::Invitation,
        );
        assert!(
            mail.text
                .contains("Ada wrote:\nWelcome <b>aboard</b>!\nSee you Monday.\n"),
            "{}",
            mail.text
        );
        assert!(
            mail.html
                .contains("Welcome &lt;b&gt;aboard&lt;/b&gt;!<br>See you Monday."),
            "{}",
            mail.html
        );
        assert!(!mail.html.contains("<b>aboard"));
    }

    #[test]
    fn user_text_is_escaped_and_cannot_break_headers() {
        let mail = invitation_mail(
            "Muster <m@localhost>",
            &sample(Some("<script>alert(1)</script>")),
            "\"><img src=x onerror=alert(1)>",
            Some("Mallory\r\nBcc: all@example.com"),
            "http://x/invite/1.abc",
            MailKind::Reminder,
        );
        assert!(!mail.html.contains("<script>"));
        assert!(!mail.html.contains("<img src=x"));
        assert!(mail.html.contains("&lt;script&gt;"));
        assert!(!mail.subject.contains('\n') && !mail.subject.contains('\r'));
        let message = build(&mail).unwrap();
        let raw = String::from_utf8(message.formatted()).unwrap();
        let headers = raw.split("\r\n\r\n").next().unwrap();
        assert!(
            !headers.to_ascii_lowercase().contains("\nbcc:"),
            "no injected header:\n{headers}"
        );
        assert!(
            !raw.contains("Mallory\r\nBcc"),
            "no line break from a name anywhere"
        );
    }
}
