//! Outgoing mail: an async SMTP client (lettre over tokio, rustls) configured from
//! `settings.smtp` (plain, opportunistic STARTTLS, or implicit TLS when `smtp.tls` is set;
//! PLAIN/LOGIN auth), and the messages of the auth flows rendered from the collection's
//! editable templates ([`template`]).
//!
//! Every mail goes through the `on_mailer_send` hook chain ([`send`]), whose default action
//! delivers it. Flows send in the background ([`send_in_background`]), like PocketBase, so a request answers
//! the same, and in the same time, whether or not a mail went out (no account enumeration).

pub mod samples;
pub mod template;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use serde_json::Value;

use crate::error::ApiError;
use crate::hooks::MailerEvent;

/// A message ready to send: one recipient, a subject, an HTML body (a plain-text alternative is
/// derived from it).
#[derive(Debug, Clone, PartialEq)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub html: String,
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("SMTP is not enabled in the settings")]
    Disabled,
    #[error("invalid address: {0}")]
    Address(String),
    #[error("building the message: {0}")]
    Build(String),
    #[error("SMTP: {0}")]
    Smtp(String),
    /// An `on_mailer_send` handler returned an error.
    #[error("stopped by a hook: {0}")]
    Stopped(String),
}

/// SMTP connection settings read from `settings.smtp` (the password already unsealed).
#[derive(Debug, Clone)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub username: String,
    pub password: String,
    /// Implicit TLS (SMTPS); otherwise STARTTLS is used when the server offers it.
    pub tls: bool,
    /// `PLAIN` (default) or `LOGIN`.
    pub auth_method: String,
    pub local_name: String,
    pub sender: Mailbox,
    /// Certificates (DER) trusted for TLS besides the built-in web roots, for embedders whose
    /// SMTP server uses a private CA (not part of the settings document; empty from settings).
    pub extra_roots: Vec<Vec<u8>>,
}

impl SmtpConfig {
    /// Reads the settings document; `Ok(None)` when SMTP is disabled.
    pub fn from_settings(settings: &Value, password: String) -> Result<Option<Self>, MailError> {
        let smtp = &settings["smtp"];
        if !smtp["enabled"].as_bool().unwrap_or(false) {
            return Ok(None);
        }
        let s = |v: &Value| v.as_str().unwrap_or_default().to_string();
        let meta = &settings["meta"];
        let address = s(&meta["senderAddress"]);
        let sender = Mailbox::new(
            Some(s(&meta["senderName"])).filter(|n| !n.is_empty()),
            address.parse().map_err(|_| MailError::Address(address))?,
        );
        Ok(Some(Self {
            host: s(&smtp["host"]),
            port: smtp["port"]
                .as_u64()
                .and_then(|p| u16::try_from(p).ok())
                .unwrap_or(587),
            username: s(&smtp["username"]),
            password,
            tls: smtp["tls"].as_bool().unwrap_or(false),
            auth_method: s(&smtp["authMethod"]),
            local_name: s(&smtp["localName"]),
            sender,
            extra_roots: Vec::new(),
        }))
    }

    fn transport(&self) -> Result<AsyncSmtpTransport<Tokio1Executor>, MailError> {
        let tls_error =
            |e: lettre::transport::smtp::Error| MailError::Smtp(format!("TLS parameters: {e}"));
        let mut params = TlsParameters::builder(self.host.clone());
        for der in &self.extra_roots {
            params =
                params.add_root_certificate(Certificate::from_der(der.clone()).map_err(tls_error)?);
        }
        let params = params.build().map_err(tls_error)?;
        let has_credentials = !self.username.is_empty() || !self.password.is_empty();
        let tls = match tls_mode(self.tls, has_credentials, &self.host) {
            TlsMode::Implicit => Tls::Wrapper(params),
            TlsMode::StartTlsRequired => Tls::Required(params),
            TlsMode::StartTlsIfOffered => Tls::Opportunistic(params),
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&self.host)
            .port(self.port)
            .tls(tls)
            .timeout(Some(Duration::from_secs(15)));
        if has_credentials {
            let mechanism = if self.auth_method.eq_ignore_ascii_case("LOGIN") {
                Mechanism::Login
            } else {
                Mechanism::Plain
            };
            builder = builder
                .credentials(Credentials::new(
                    self.username.clone(),
                    self.password.clone(),
                ))
                .authentication(vec![mechanism]);
        }
        if !self.local_name.is_empty() {
            builder = builder.hello_name(ClientId::Domain(self.local_name.clone()));
        }
        Ok(builder.build())
    }

    /// Sends one message and waits for the server's acceptance.
    pub async fn send(&self, mail: &Mail) -> Result<(), MailError> {
        let to: Mailbox = mail
            .to
            .parse()
            .map_err(|_| MailError::Address(mail.to.clone()))?;
        let part = |ct: ContentType, body: String| {
            SinglePart::builder()
                .header(ct)
                .header(ContentTransferEncoding::QuotedPrintable)
                .body(body)
        };
        let message = lettre::Message::builder()
            .from(self.sender.clone())
            .to(to)
            .subject(mail.subject.clone())
            .multipart(
                MultiPart::alternative()
                    .singlepart(part(
                        ContentType::TEXT_PLAIN,
                        template::html_to_text(&mail.html),
                    ))
                    .singlepart(part(ContentType::TEXT_HTML, mail.html.clone())),
            )
            .map_err(|e| MailError::Build(e.to_string()))?;
        self.transport()?
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| MailError::Smtp(e.to_string()))
    }
}

/// The SMTP configuration of the current settings (`Disabled` when SMTP is off).
pub fn current_config(core: &crate::core::Core) -> Result<SmtpConfig, MailError> {
    let settings = core.settings.get();
    let password = core.settings.secret("/smtp/password");
    SmtpConfig::from_settings(&settings, password)?.ok_or(MailError::Disabled)
}

/// Sends `mail` now through the `on_mailer_send` hook chain (its default action delivers over
/// SMTP) and reports the outcome (used where the caller reports failures, e.g. test mails).
/// The chain runs even when SMTP is disabled, so hooks can capture or reroute mail.
pub async fn send(core: &crate::core::Core, mail: Mail) -> Result<(), MailError> {
    let config = current_config(core);
    // The hook chain speaks `ApiError`; the SMTP failure itself is handed back through here.
    let failure: Arc<Mutex<Option<MailError>>> = Arc::default();
    let slot = failure.clone();
    let (sent_count, failed_count) = (
        core.metrics.mail_sent.clone(),
        core.metrics.mail_failed.clone(),
    );
    let event = MailerEvent { message: mail };
    let outcome = core
        .hooks
        .on_mailer_send
        .trigger(event, move |e| async move {
            let sent = match config {
                Ok(config) => config.send(&e.message).await,
                Err(err) => Err(err),
            };
            match sent {
                Ok(()) => {
                    sent_count.inc();
                    Ok(e)
                }
                Err(err) => {
                    failed_count.inc();
                    let api = ApiError::bad_request(err.to_string());
                    if let Ok(mut slot) = slot.lock() {
                        *slot = Some(err);
                    }
                    Err(api)
                }
            }
        })
        .await;
    match outcome {
        Ok(_) => Ok(()),
        Err(api) => Err(failure
            .lock()
            .ok()
            .and_then(|mut f| f.take())
            .unwrap_or(MailError::Stopped(api.message))),
    }
}

/// Sends `mail` on a background task; failures are logged (without the message body, which
/// carries tokens), never reported to the requester.
pub fn send_in_background(core: &Arc<crate::core::Core>, mail: Mail) {
    let core = core.clone();
    tokio::spawn(async move {
        let subject = mail.subject.clone();
        if let Err(e) = send(&core, mail).await {
            tracing::warn!(error = %e, subject = %subject, "sending mail failed");
        }
    });
}

/// How the SMTP connection is encrypted.
#[derive(Debug, PartialEq, Eq)]
enum TlsMode {
    /// TLS from the first byte (the `tls` setting, usually port 465).
    Implicit,
    /// STARTTLS must succeed before anything else is sent.
    StartTlsRequired,
    /// STARTTLS when the server offers it, plain otherwise.
    StartTlsIfOffered,
}

/// Credentials never cross the network unencrypted: like Go's `net/smtp` auth that PocketBase
/// uses, they may go over a plain connection only to the local machine, so a remote server that
/// does not offer STARTTLS fails the send instead of receiving the password in clear.
fn tls_mode(implicit_tls: bool, has_credentials: bool, host: &str) -> TlsMode {
    let local = matches!(
        host.trim_matches(|c| c == '[' || c == ']'),
        "localhost" | "127.0.0.1" | "::1"
    );
    if implicit_tls {
        TlsMode::Implicit
    } else if has_credentials && !local {
        TlsMode::StartTlsRequired
    } else {
        TlsMode::StartTlsIfOffered
    }
}

#[cfg(test)]
mod tests {
    use super::{TlsMode, tls_mode};

    #[test]
    fn credentials_to_a_remote_server_require_tls() {
        assert_eq!(tls_mode(true, true, "smtp.example.com"), TlsMode::Implicit);
        assert_eq!(
            tls_mode(false, true, "smtp.example.com"),
            TlsMode::StartTlsRequired
        );
        assert_eq!(
            tls_mode(false, false, "smtp.example.com"),
            TlsMode::StartTlsIfOffered
        );
        for local in ["localhost", "127.0.0.1", "::1", "[::1]"] {
            assert_eq!(
                tls_mode(false, true, local),
                TlsMode::StartTlsIfOffered,
                "{local}"
            );
        }
    }
}
