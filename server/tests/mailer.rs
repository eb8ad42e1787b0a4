//! The mailer end to end through a real SMTP receiver: `POST /api/settings/test/email` (every
//! template, PocketBase's validation errors and send failures) and the `on_mailer_send` hook
//! (changing a message, stopping it, failing it, capturing mail with SMTP off).

mod common;
#[path = "common/smtp.rs"]
mod smtp;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use cairn::hooks::Hooks;
use common::{TestServer, assert_error};
use serde_json::{Value, json};
use smtp::SmtpServer;

const TEST_EMAIL: &str = "/api/settings/test/email";
const TO: &str = "ops@example.com";

fn claims(token: &str) -> Value {
    let payload = token.split('.').nth(1).expect("payload");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .expect("base64");
    serde_json::from_slice(&bytes).expect("json")
}

/// Points SMTP at `port` (`None`: SMTP off).
async fn configure(s: &TestServer, port: Option<u16>) {
    let r = s
        .su_patch(
            "/api/settings",
            json!({
                "smtp": {"enabled": port.is_some(), "host": "127.0.0.1", "port": port.unwrap_or(25)},
                "meta": {"appName": "Acme", "appURL": "http://app.test",
                         "senderAddress": "support@acme.test"}
            }),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
}

async fn test_email(s: &TestServer, body: Value) -> common::Resp {
    s.su_post(TEST_EMAIL, body).await
}

#[tokio::test]
async fn every_template_is_sent_to_the_address() {
    let s = TestServer::start().await;
    let mail = SmtpServer::start().await;
    configure(&s, Some(mail.port)).await;

    let send = |template: &str, collection: &str| json!({"email": TO, "template": template, "collection": collection});
    let r = test_email(&s, send("verification", "users")).await;
    assert_eq!((r.status, &r.body), (204, &Value::Null), "{}", r.body);
    let m = mail.wait_for(TO).await;
    assert_eq!(m.subject(), "Verify your Acme email");
    let c = claims(&m.token_after("confirm-verification/"));
    assert_eq!(
        (&c["type"], &c["id"], &c["collectionId"], &c["email"]),
        (
            &json!("verification"),
            &json!("__pb_test_id__"),
            &json!("_pb_users_auth_"),
            &json!(TO)
        )
    );

    // Without a collection: the superusers' templates.
    let r = test_email(&s, json!({"email": TO, "template": "password-reset"})).await;
    assert_eq!(r.status, 204, "{}", r.body);
    let m = mail.wait_for(TO).await;
    assert_eq!(m.subject(), "Reset your Acme password");
    let c = claims(&m.token_after("confirm-password-reset/"));
    assert_eq!(
        (&c["type"], &c["collectionId"]),
        (&json!("passwordReset"), &json!("pbc_3142635823"))
    );

    let r = test_email(&s, send("email-change", "_pb_users_auth_")).await;
    assert_eq!(r.status, 204, "{}", r.body);
    let m = mail.wait_for(TO).await;
    assert_eq!(m.subject(), "Confirm your Acme new email address");
    let c = claims(&m.token_after("confirm-email-change/"));
    assert_eq!(
        (&c["type"], &c["newEmail"]),
        (&json!("emailChange"), &json!(TO))
    );

    let r = test_email(&s, send("otp", "users")).await;
    assert_eq!(r.status, 204, "{}", r.body);
    let m = mail.wait_for(TO).await;
    assert_eq!(
        (m.subject(), m.strong()),
        ("OTP for Acme".into(), "123456".into())
    );

    let r = test_email(&s, send("login-alert", "users")).await;
    assert_eq!(r.status, 204, "{}", r.body);
    let m = mail.wait_for(TO).await;
    assert_eq!(m.subject(), "Login from a new location");
    assert!(
        m.decoded().contains(" - TEST_IP TEST_USER_AGENT</em>"),
        "{}",
        m.decoded()
    );
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(mail.all().is_empty(), "{:?}", mail.all());
}

#[tokio::test]
async fn bad_input_and_send_failures_are_pocketbase_errors() {
    let s = TestServer::start().await;
    let mail = SmtpServer::start().await;
    configure(&s, Some(mail.port)).await;
    let code = |data: &Value, key: &str| data[key]["code"].as_str().unwrap_or_default().to_string();

    let r = test_email(&s, json!({})).await;
    let data = assert_error(&r, 400);
    assert_eq!(r.body["message"], json!("Failed to send the test email."));
    assert_eq!(
        (code(data, "email"), code(data, "template")),
        ("validation_required".into(), "validation_required".into())
    );
    let r = test_email(&s, json!({"email": "bad", "template": "nope"})).await;
    let data = assert_error(&r, 400);
    assert_eq!(
        (code(data, "email"), code(data, "template")),
        ("validation_is_email".into(), "validation_in_invalid".into())
    );
    assert_eq!(data["template"]["message"], json!("Must be a valid value."));
    for collection in ["nope", "_authOrigins", "posts"] {
        let r = test_email(
            &s,
            json!({"email": TO, "template": "otp", "collection": collection}),
        )
        .await;
        let data = assert_error(&r, 400);
        assert_eq!(
            data,
            &json!({"collection": {"code": "validation_invalid_auth_collection",
                                   "message": "Must be a valid auth collection id or name."}})
        );
    }
    // Superusers only.
    let body = json!({"email": TO, "template": "otp"});
    assert_error(&s.post(TEST_EMAIL, body.clone(), None).await, 401);
    s.post(
        "/api/collections/users/records",
        json!({"email": "u@example.com", "password": "password123",
               "passwordConfirm": "password123"}),
        None,
    )
    .await;
    let r = s
        .post(
            "/api/collections/users/auth-with-password",
            json!({"identity": "u@example.com", "password": "password123"}),
            None,
        )
        .await;
    let user = r.body["token"].as_str().expect("token").to_string();
    assert_error(&s.post(TEST_EMAIL, body.clone(), Some(&user)).await, 403);

    // The SMTP server refuses connections / SMTP is off: 400, nothing sent.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = closed.local_addr().expect("addr").port();
    drop(closed);
    configure(&s, Some(port)).await;
    let r = test_email(&s, body.clone()).await;
    assert_error(&r, 400);
    let msg = r.body["message"].as_str().unwrap_or_default();
    assert!(msg.starts_with("Failed to send the test email."), "{msg}");
    configure(&s, None).await;
    assert_error(&test_email(&s, body).await, 400);
    assert!(mail.all().is_empty(), "{:?}", mail.all());
}

#[tokio::test]
async fn on_mailer_send_can_change_stop_and_fail_messages() {
    let seen: Arc<Mutex<Vec<String>>> = Arc::default();
    let hooks = Hooks::default();
    let log = seen.clone();
    hooks.on_mailer_send.add(0, move |mut e, next| {
        let log = log.clone();
        async move {
            log.lock().expect("lock").push(e.message.to.clone());
            if e.message.to.ends_with("@blocked.test") {
                return Ok(e); // not calling next: not sent
            }
            if e.message.to.starts_with("fail@") {
                return Err(cairn::ApiError::bad_request("refused by a hook"));
            }
            e.message.subject = format!("[hook] {}", e.message.subject);
            e.message.html.push_str("<p>Sent through the hook.</p>");
            next.run(e).await
        }
    });
    let s = TestServer::start_with_hooks(hooks).await;
    let mail = SmtpServer::start().await;
    configure(&s, Some(mail.port)).await;

    let r = test_email(&s, json!({"email": TO, "template": "otp"})).await;
    assert_eq!(r.status, 204, "{}", r.body);
    let m = mail.wait_for(TO).await;
    assert_eq!(m.subject(), "[hook] OTP for Acme");
    assert!(m.decoded().contains("Sent through the hook."));

    let r = test_email(&s, json!({"email": "x@blocked.test", "template": "otp"})).await;
    assert_eq!(r.status, 204, "a stopped mail is not a failure: {}", r.body);
    let r = test_email(&s, json!({"email": "fail@example.com", "template": "otp"})).await;
    assert_error(&r, 400);
    assert!(
        r.body["message"]
            .as_str()
            .is_some_and(|m| m.contains("refused by a hook")),
        "{}",
        r.body
    );

    // Flow mails go through it too.
    s.post(
        "/api/collections/users/records",
        json!({"email": "flow@example.com", "password": "password123",
               "passwordConfirm": "password123"}),
        None,
    )
    .await;
    let r = s
        .post(
            "/api/collections/users/request-verification",
            json!({"email": "flow@example.com"}),
            None,
        )
        .await;
    assert_eq!(r.status, 204);
    let m = mail.wait_for("flow@example.com").await;
    assert_eq!(m.subject(), "[hook] Verify your Acme email");
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(mail.all().is_empty(), "{:?}", mail.all());

    // With SMTP off the chain still runs: a hook can capture mail.
    configure(&s, None).await;
    let r = test_email(&s, json!({"email": "y@blocked.test", "template": "otp"})).await;
    assert_eq!(r.status, 204, "{}", r.body);
    assert_eq!(
        seen.lock().expect("lock").clone(),
        vec![
            TO,
            "x@blocked.test",
            "fail@example.com",
            "flow@example.com",
            "y@blocked.test"
        ]
    );
}
