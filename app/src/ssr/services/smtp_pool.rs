//! SMTP connections kept open and reused, with `TCP_NODELAY` set.
//!
//! lettre's own pooled transport leaves Nagle's algorithm on, and it writes a
//! message as two parts (the body, then the closing `.`): the second part
//! waits for the server's delayed ACK, about 40 ms on Linux, so each
//! connection managed ~22 mails a second (measured, BENCHMARKS.md). Here each
//! connection is opened by us with Nagle off and handed to lettre's
//! `AsyncSmtpConnection`, which still speaks the protocol (EHLO, STARTTLS,
//! AUTH, SMTPUTF8, dot-stuffing).
use super::mailer::SendFailure;
use lettre::address::Envelope;
use lettre::transport::smtp::authentication::{Credentials, DEFAULT_MECHANISMS};
use lettre::transport::smtp::client::{AsyncSmtpConnection, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};
use tokio::net::TcpStream;

const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// One whole mail (every command and the message) must be through by then.
const SEND_TIMEOUT: Duration = Duration::from_secs(60);
/// A connection idle longer than this is checked with NOOP before reuse.
const CHECK_AFTER_IDLE: Duration = Duration::from_secs(2);
/// Servers drop idle clients after a while; we close ours first.
const MAX_IDLE: Duration = Duration::from_secs(50);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Security {
    /// Plain SMTP (a local relay or a test sink).
    None,
    /// STARTTLS, refusing to go on without it.
    Required,
    /// STARTTLS when the server offers it.
    Opportunistic,
}

/// Where and how to connect: `smtp://[user:pass@]host[:port][/ehlo-name][?tls=required|opportunistic]`,
/// read as lettre reads it (ports 25, or 587 with `tls=`).
#[derive(Debug, Clone)]
pub struct SmtpTarget {
    pub host: String,
    pub port: u16,
    pub security: Security,
    credentials: Option<Credentials>,
    hello: ClientId,
}

impl SmtpTarget {
    /// None for URLs this pool does not handle (`smtps://`: implicit TLS stays
    /// with lettre's transport).
    pub fn parse(url: &str) -> Result<Option<Self>, String> {
        let url = url::Url::parse(url).map_err(|e| format!("SMTP_URL is not a URL: {e}"))?;
        if url.scheme() != "smtp" {
            return Ok(None);
        }
        let host = url
            .host_str()
            .ok_or("SMTP_URL has no host")?
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned();
        let tls = url
            .query_pairs()
            .find(|(k, _)| k == "tls")
            .map(|(_, v)| v.into_owned());
        let (security, default_port) = match tls.as_deref() {
            None => (Security::None, 25),
            Some("required") => (Security::Required, 587),
            Some("opportunistic") => (Security::Opportunistic, 587),
            Some(other) => return Err(format!("SMTP_URL: unknown tls={other}")),
        };
        let decode = |s: &str| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        };
        let credentials = url
            .password()
            .map(|password| Credentials::new(decode(url.username()), decode(password)));
        let hello = match url.path().trim_matches('/') {
            "" => ClientId::default(),
            name => ClientId::Domain(name.to_owned()),
        };
        Ok(Some(Self {
            port: url.port().unwrap_or(default_port),
            host,
            security,
            credentials,
            hello,
        }))
    }
}

/// Idle connections, newest last. Concurrency is bounded by the caller (the
/// outbox sends a fixed number at once), so the pool only caps what it keeps.
pub struct SmtpPool {
    target: SmtpTarget,
    idle: Mutex<Vec<(AsyncSmtpConnection, Instant)>>,
    keep: usize,
}

impl SmtpPool {
    pub fn new(target: SmtpTarget, keep: usize) -> Self {
        Self {
            target,
            idle: Mutex::new(Vec::new()),
            keep,
        }
    }

    /// Connecting fails transiently; the server's reply to the mail itself
    /// says whether it is worth trying again.
    pub async fn send(&self, envelope: &Envelope, message: &[u8]) -> Result<(), SendFailure> {
        let attempt = async {
            let mut connection = self.checkout().await.map_err(SendFailure::transient)?;
            match connection.send(envelope, message).await {
                Ok(_) => {
                    self.checkin(connection);
                    Ok(())
                }
                Err(error) => {
                    connection.abort().await;
                    Err(SendFailure::from_smtp(&error))
                }
            }
        };
        tokio::time::timeout(SEND_TIMEOUT, attempt)
            .await
            .unwrap_or_else(|_| {
                Err(SendFailure::transient(
                    "the SMTP server did not answer in time",
                ))
            })
    }

    async fn checkout(&self) -> Result<AsyncSmtpConnection, String> {
        loop {
            let candidate = self
                .idle
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .pop();
            let Some((mut connection, since)) = candidate else {
                return self.connect().await;
            };
            let idle = since.elapsed();
            if idle > MAX_IDLE || connection.has_broken() {
                connection.abort().await;
                continue;
            }
            if idle < CHECK_AFTER_IDLE || connection.test_connected().await {
                return Ok(connection);
            }
            connection.abort().await;
        }
    }

    fn checkin(&self, connection: AsyncSmtpConnection) {
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        if idle.len() < self.keep && !connection.has_broken() {
            idle.push((connection, Instant::now()));
        } // else dropped: the server sees the socket close
    }

    async fn connect(&self) -> Result<AsyncSmtpConnection, String> {
        let target = &self.target;
        let address = (target.host.as_str(), target.port);
        let tcp = tokio::time::timeout(CONNECT_TIMEOUT, TcpStream::connect(address))
            .await
            .map_err(|_| format!("connecting to {}:{} timed out", target.host, target.port))?
            .map_err(|e| format!("connecting to {}:{}: {e}", target.host, target.port))?;
        tcp.set_nodelay(true).map_err(|e| e.to_string())?;
        let mut connection =
            AsyncSmtpConnection::connect_with_transport(Box::new(tcp), &target.hello)
                .await
                .map_err(|e| e.to_string())?;
        let starttls = match target.security {
            Security::None => false,
            Security::Required => true,
            Security::Opportunistic => connection.can_starttls(),
        };
        if starttls {
            let tls = TlsParameters::new(target.host.clone()).map_err(|e| e.to_string())?;
            connection
                .starttls(tls, &target.hello)
                .await
                .map_err(|e| e.to_string())?;
        }
        if let Some(credentials) = &target.credentials {
            connection
                .auth(DEFAULT_MECHANISMS, credentials)
                .await
                .map_err(|e| e.to_string())?;
        }
        Ok(connection)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_read_as_lettre_reads_them() {
        let plain = SmtpTarget::parse("smtp://127.0.0.1:1025").unwrap().unwrap();
        assert_eq!((plain.host.as_str(), plain.port), ("127.0.0.1", 1025));
        assert_eq!(plain.security, Security::None);
        assert!(plain.credentials.is_none());

        let submission =
            SmtpTarget::parse("smtp://bob:p%40ss@mail.example.com/muster.example?tls=required")
                .unwrap()
                .unwrap();
        assert_eq!(submission.port, 587);
        assert_eq!(submission.security, Security::Required);
        assert_eq!(
            submission.credentials,
            Some(Credentials::new("bob".into(), "p@ss".into()))
        );
        assert_eq!(submission.hello, ClientId::Domain("muster.example".into()));

        let default_port = SmtpTarget::parse("smtp://relay").unwrap().unwrap();
        assert_eq!(default_port.port, 25);
        assert_eq!(
            SmtpTarget::parse("smtp://relay?tls=opportunistic")
                .unwrap()
                .unwrap()
                .security,
            Security::Opportunistic
        );
    }

    #[test]
    fn implicit_tls_is_left_to_lettre_and_nonsense_is_refused() {
        assert!(SmtpTarget::parse("smtps://mail.example.com")
            .unwrap()
            .is_none());
        assert!(SmtpTarget::parse("smtp://relay?tls=sometimes").is_err());
        assert!(SmtpTarget::parse("not a url").is_err());
    }
}
