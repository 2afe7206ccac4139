//! A minimal SMTP server on loopback that keeps every message it receives,
//! so tests can count deliveries over a real socket.
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

#[derive(Clone)]
pub struct SmtpSink {
    pub url: String,
    messages: Arc<Mutex<Vec<String>>>,
}

/// How the sink answers RCPT TO for one address.
#[derive(Clone, Copy)]
pub enum Refusal {
    /// 550: no such mailbox, for good.
    Permanent,
    /// 451: try again later.
    Transient,
}

impl SmtpSink {
    pub async fn start() -> Self {
        Self::start_refusing(&[]).await
    }

    /// A sink that refuses mail to these addresses at RCPT TO, as a real
    /// server does (the reply names the mailbox, so it can be shown).
    pub async fn start_refusing(refusals: &[(&str, Refusal)]) -> Self {
        let refusals: Vec<(String, Refusal)> = refusals
            .iter()
            .map(|(address, how)| (address.to_ascii_uppercase(), *how))
            .collect();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("smtp://{}", listener.local_addr().unwrap());
        let messages = Arc::new(Mutex::new(Vec::new()));
        let store = messages.clone();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let store = store.clone();
                let refusals = refusals.clone();
                tokio::spawn(async move {
                    let (read, mut write) = socket.into_split();
                    let mut lines = BufReader::new(read).lines();
                    let _ = write.write_all(b"220 sink ESMTP\r\n").await;
                    while let Ok(Some(line)) = lines.next_line().await {
                        let command = line.to_ascii_uppercase();
                        let refused = command
                            .starts_with("RCPT")
                            .then(|| {
                                refusals
                                    .iter()
                                    .find(|(address, _)| command.contains(address.as_str()))
                            })
                            .flatten();
                        let reply: &[u8] = if let Some((_, how)) = refused {
                            match how {
                                Refusal::Permanent => b"550 5.1.1 <mailbox>: Recipient address rejected: User unknown in virtual mailbox table\r\n",
                                Refusal::Transient => b"451 4.3.0 Mailbox temporarily unavailable, try again later\r\n",
                            }
                        } else if command.starts_with("DATA") {
                            let _ = write.write_all(b"354 go ahead\r\n").await;
                            let mut message = String::new();
                            while let Ok(Some(data)) = lines.next_line().await {
                                if data == "." {
                                    break;
                                }
                                message.push_str(data.strip_prefix('.').unwrap_or(&data));
                                message.push('\n');
                            }
                            store.lock().unwrap().push(message);
                            b"250 queued\r\n"
                        } else if command.starts_with("QUIT") {
                            let _ = write.write_all(b"221 bye\r\n").await;
                            break;
                        } else {
                            b"250 ok\r\n"
                        };
                        let _ = write.write_all(reply).await;
                    }
                });
            }
        });
        Self { url, messages }
    }

    pub fn messages(&self) -> Vec<String> {
        self.messages.lock().unwrap().clone()
    }
}

/// The invitation link in a mail.
pub fn link_in(message: &str) -> String {
    message
        .split_whitespace()
        .find(|word| word.contains("/invite/") && word.starts_with("http"))
        .expect("an invitation link in the mail")
        .trim_end_matches(['.', ','])
        .to_owned()
}
