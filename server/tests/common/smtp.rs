//! A real SMTP receiver for tests: a small SMTP server on 127.0.0.1 (EHLO, AUTH PLAIN/LOGIN,
//! MAIL, RCPT, DATA, RSET, NOOP, QUIT) that keeps every delivered message and the credentials
//! it was given. Messages are decoded (quoted-printable) for assertions. [`SmtpServer::start_tls`]
//! serves implicit TLS or STARTTLS with a self-signed certificate generated for `localhost`.

#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls;

/// One delivered message.
#[derive(Debug, Clone)]
pub struct Received {
    pub from: String,
    pub to: Vec<String>,
    /// Raw DATA (headers and body).
    pub data: String,
    /// `(username, password)` when the client authenticated.
    pub auth: Option<(String, String)>,
    /// Whether the session was encrypted (implicit TLS or after STARTTLS).
    pub tls: bool,
}

/// How a TLS receiver speaks.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TlsMode {
    /// TLS from the first byte (SMTPS).
    Implicit,
    /// Plain first, `STARTTLS` offered and required before AUTH or MAIL.
    StartTls,
}

/// A self-signed certificate for `localhost`: the DER to trust and the acceptor serving it.
fn self_signed() -> (Vec<u8>, TlsAcceptor) {
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).expect("cert");
    let der = cert.cert.der().to_vec();
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(cert.key_pair.serialize_der().into());
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("protocols")
        .with_no_client_auth()
        .with_single_cert(vec![der.clone().into()], key)
        .expect("server config");
    (der, TlsAcceptor::from(Arc::new(config)))
}

impl Received {
    /// The message with quoted-printable soft breaks and escapes decoded.
    pub fn decoded(&self) -> String {
        decode_qp(&self.data)
    }

    pub fn subject(&self) -> String {
        self.data
            .lines()
            .find_map(|l| l.strip_prefix("Subject: "))
            .unwrap_or_default()
            .to_string()
    }

    /// The path segment after `marker` (e.g. `confirm-verification/`) in the decoded body.
    pub fn token_after(&self, marker: &str) -> String {
        let text = self.decoded();
        let start = text
            .find(marker)
            .map(|i| i + marker.len())
            .expect("marker in mail");
        text[start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
            .collect()
    }

    /// The first `<strong>…</strong>` text (the OTP in the default template).
    pub fn strong(&self) -> String {
        let text = self.decoded();
        let start = text.find("<strong>").expect("strong") + "<strong>".len();
        let end = start + text[start..].find("</strong>").expect("end strong");
        text[start..end].to_string()
    }
}

fn decode_qp(s: &str) -> String {
    let joined = s.replace("=\r\n", "").replace("=\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'='
            && i + 2 < bytes.len()
            && let Ok(v) = u8::from_str_radix(&joined[i + 1..i + 3], 16)
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The running receiver.
#[derive(Clone)]
pub struct SmtpServer {
    pub port: u16,
    received: Arc<Mutex<Vec<Received>>>,
    notify: Arc<tokio::sync::Notify>,
}

impl SmtpServer {
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind smtp");
        let port = listener.local_addr().expect("addr").port();
        let server = Self {
            port,
            received: Arc::default(),
            notify: Arc::default(),
        };
        let s = server.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let s = s.clone();
                tokio::spawn(async move {
                    let _ = s.session(stream, false, false, true).await;
                });
            }
        });
        server
    }

    /// A receiver that speaks TLS (`mode`) with a fresh self-signed certificate for
    /// `localhost`; returns it and the certificate (DER) a client must trust.
    pub async fn start_tls(mode: TlsMode) -> (Self, Vec<u8>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind smtp");
        let port = listener.local_addr().expect("addr").port();
        let server = Self {
            port,
            received: Arc::default(),
            notify: Arc::default(),
        };
        let (der, acceptor) = self_signed();
        let s = server.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (s, acceptor) = (s.clone(), acceptor.clone());
                tokio::spawn(async move {
                    let plain = match mode {
                        TlsMode::Implicit => stream,
                        TlsMode::StartTls => match s.session(stream, false, true, true).await {
                            Ok(Some(plain)) => plain,
                            _ => return,
                        },
                    };
                    if let Ok(tls) = acceptor.accept(plain).await {
                        // After STARTTLS the client speaks first (EHLO again): no new greeting.
                        let greet = mode == TlsMode::Implicit;
                        let _ = s.session(tls, true, false, greet).await;
                    }
                });
            }
        });
        (server, der)
    }

    /// Serves one SMTP session; with `offer_starttls`, a `STARTTLS` command ends it and hands
    /// the stream back for the TLS handshake (AUTH and MAIL are refused before that).
    async fn session<S: AsyncRead + AsyncWrite + Unpin>(
        &self,
        stream: S,
        tls: bool,
        offer_starttls: bool,
        greet: bool,
    ) -> std::io::Result<Option<S>> {
        let (r, mut w) = tokio::io::split(stream);
        let mut lines = BufReader::new(r);
        let b64 = base64::engine::general_purpose::STANDARD;
        let decode = |s: &str| {
            String::from_utf8_lossy(&b64.decode(s.trim()).unwrap_or_default()).into_owned()
        };
        if greet {
            w.write_all(b"220 localhost test SMTP\r\n").await?;
        }
        let (mut from, mut to, mut auth) = (String::new(), Vec::new(), None);
        let mut line = String::new();
        loop {
            line.clear();
            if lines.read_line(&mut line).await? == 0 {
                return Ok(None);
            }
            let cmd = line.trim_end().to_string();
            let upper = cmd.to_ascii_uppercase();
            let needs_tls =
                offer_starttls && (upper.starts_with("AUTH") || upper.starts_with("MAIL"));
            if needs_tls {
                w.write_all(b"530 Must issue a STARTTLS command first\r\n")
                    .await?;
            } else if upper == "STARTTLS" && offer_starttls {
                w.write_all(b"220 Ready to start TLS\r\n").await?;
                w.flush().await?;
                return Ok(Some(lines.into_inner().unsplit(w)));
            } else if upper.starts_with("EHLO") {
                let starttls = if offer_starttls {
                    "250-STARTTLS\r\n"
                } else {
                    ""
                };
                w.write_all(
                    format!("250-localhost\r\n{starttls}250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n")
                        .as_bytes(),
                )
                .await?;
            } else if upper.starts_with("HELO") {
                w.write_all(b"250 localhost\r\n").await?;
            } else if upper.starts_with("AUTH PLAIN") {
                let arg = cmd[10..].trim().to_string();
                let arg = if arg.is_empty() {
                    w.write_all(b"334 \r\n").await?;
                    line.clear();
                    lines.read_line(&mut line).await?;
                    line.trim().to_string()
                } else {
                    arg
                };
                let parts: Vec<String> = decode(&arg).split('\0').map(String::from).collect();
                auth = Some((
                    parts.get(1).cloned().unwrap_or_default(),
                    parts.get(2).cloned().unwrap_or_default(),
                ));
                w.write_all(b"235 ok\r\n").await?;
            } else if upper.starts_with("AUTH LOGIN") {
                w.write_all(b"334 VXNlcm5hbWU6\r\n").await?;
                line.clear();
                lines.read_line(&mut line).await?;
                let user = decode(&line);
                w.write_all(b"334 UGFzc3dvcmQ6\r\n").await?;
                line.clear();
                lines.read_line(&mut line).await?;
                auth = Some((user, decode(&line)));
                w.write_all(b"235 ok\r\n").await?;
            } else if upper.starts_with("MAIL FROM:") {
                from = cmd[10..].trim().trim_matches(['<', '>']).to_string();
                to.clear();
                w.write_all(b"250 ok\r\n").await?;
            } else if upper.starts_with("RCPT TO:") {
                to.push(cmd[8..].trim().trim_matches(['<', '>']).to_string());
                w.write_all(b"250 ok\r\n").await?;
            } else if upper == "DATA" {
                w.write_all(b"354 go ahead\r\n").await?;
                let mut data = String::new();
                loop {
                    line.clear();
                    if lines.read_line(&mut line).await? == 0 {
                        return Ok(None);
                    }
                    if line == ".\r\n" || line == ".\n" {
                        break;
                    }
                    let l = line.strip_prefix('.').unwrap_or(&line);
                    data.push_str(l);
                }
                self.received.lock().expect("lock").push(Received {
                    from: from.clone(),
                    to: to.clone(),
                    data,
                    auth: auth.clone(),
                    tls,
                });
                self.notify.notify_waiters();
                w.write_all(b"250 queued\r\n").await?;
            } else if upper == "QUIT" {
                w.write_all(b"221 bye\r\n").await?;
                return Ok(None);
            } else if upper == "RSET" || upper == "NOOP" {
                w.write_all(b"250 ok\r\n").await?;
            } else {
                w.write_all(b"502 not implemented\r\n").await?;
            }
        }
    }

    pub fn all(&self) -> Vec<Received> {
        self.received.lock().expect("lock").clone()
    }

    /// Waits (at most 10 s) for a message to `to` and removes it from the inbox.
    pub async fn wait_for(&self, to: &str) -> Received {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        loop {
            let notified = self.notify.notified();
            {
                let mut inbox = self.received.lock().expect("lock");
                if let Some(i) = inbox.iter().position(|m| m.to.iter().any(|t| t == to)) {
                    return inbox.remove(i);
                }
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                panic!("no mail to {to} within 10 s; inbox: {:?}", self.all());
            }
        }
    }
}
