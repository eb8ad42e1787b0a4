//! The SMTP client over TLS against a real TLS receiver with a certificate generated for the
//! test: implicit TLS (`smtp.tls = true`) and STARTTLS (offered by the server, required before
//! AUTH), credentials only sent encrypted, and certificates verified (an untrusted one fails,
//! also through `POST /api/settings/test/email`).

mod common;
#[path = "common/smtp.rs"]
mod smtp;

use cairn::auth::mail::{Mail, SmtpConfig};
use common::{TestServer, assert_error};
use serde_json::json;
use smtp::{SmtpServer, TlsMode};

fn config(port: u16, tls: bool, roots: Vec<Vec<u8>>) -> SmtpConfig {
    SmtpConfig {
        host: "localhost".into(),
        port,
        username: "mailer".into(),
        password: "tls-only-secret".into(),
        tls,
        auth_method: String::new(),
        local_name: String::new(),
        sender: "support@acme.test".parse().expect("sender"),
        extra_roots: roots,
    }
}

fn mail(to: &str) -> Mail {
    Mail {
        to: to.into(),
        subject: "Over TLS".into(),
        html: "<p>Encrypted.</p>".into(),
    }
}

#[tokio::test]
async fn implicit_tls_and_starttls_deliver_encrypted() {
    for (mode, implicit) in [(TlsMode::Implicit, true), (TlsMode::StartTls, false)] {
        let (server, cert) = SmtpServer::start_tls(mode).await;
        config(server.port, implicit, vec![cert])
            .send(&mail("tls@example.com"))
            .await
            .unwrap_or_else(|e| panic!("{mode:?}: {e}"));
        let m = server.wait_for("tls@example.com").await;
        assert!(m.tls, "{mode:?}: delivered without TLS");
        assert_eq!(m.subject(), "Over TLS");
        assert_eq!(
            m.auth,
            Some(("mailer".to_string(), "tls-only-secret".to_string())),
            "{mode:?}"
        );
    }
}

#[tokio::test]
async fn untrusted_certificates_are_refused() {
    for (mode, implicit) in [(TlsMode::Implicit, true), (TlsMode::StartTls, false)] {
        let (server, _) = SmtpServer::start_tls(mode).await;
        let err = config(server.port, implicit, Vec::new())
            .send(&mail("tls@example.com"))
            .await
            .expect_err("a self-signed certificate must not be trusted");
        assert!(
            err.to_string().to_lowercase().contains("certificate"),
            "{mode:?}: {err}"
        );
        assert!(server.all().is_empty(), "{mode:?}: {:?}", server.all());
    }
    // The settings' `smtp.tls` selects implicit TLS; the failure reaches the test endpoint.
    let (server, _) = SmtpServer::start_tls(TlsMode::Implicit).await;
    let s = TestServer::start().await;
    let r = s
        .su_patch(
            "/api/settings",
            json!({"smtp": {"enabled": true, "host": "localhost", "port": server.port,
                            "tls": true, "username": "mailer", "password": "tls-only-secret"}}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = s
        .su_post(
            "/api/settings/test/email",
            json!({"email": "tls@example.com", "template": "otp"}),
        )
        .await;
    assert_error(&r, 400);
    let message = r.body["message"].as_str().unwrap_or_default();
    assert!(message.contains("certificate"), "{message}");
    assert!(!message.contains("tls-only-secret"), "{message}");
    assert!(server.all().is_empty());
}
