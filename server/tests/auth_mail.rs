//! Every mail flow end to end through a real SMTP receiver on 127.0.0.1: the token or code is
//! taken from the delivered mail. Verification, password reset (revokes old tokens, no replay),
//! email change, OTP; unknown emails get the same answers and no mail.

mod common;
#[path = "common/smtp.rs"]
mod smtp;

use base64::Engine;
use common::{TestServer, assert_error};
use serde_json::{Value, json};
use smtp::SmtpServer;

pub const USERS: &str = "/api/collections/users";

fn claims(token: &str) -> Value {
    let payload = token.split('.').nth(1).expect("payload");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .expect("base64");
    serde_json::from_slice(&bytes).expect("json")
}

/// A server whose settings send mail to a fresh SMTP receiver, with user `email`.
async fn setup(email: &str) -> (TestServer, SmtpServer, String) {
    let s = TestServer::start().await;
    let mail = SmtpServer::start().await;
    let r = s
        .su_patch(
            "/api/settings",
            json!({
                "smtp": {"enabled": true, "host": "127.0.0.1", "port": mail.port,
                         "username": "mailer", "password": "smtp-secret-123"},
                "meta": {"appName": "Acme", "appURL": "http://app.test",
                         "senderName": "Acme Support", "senderAddress": "support@acme.test"}
            }),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let id = create_user(&s, email, "password123").await;
    (s, mail, id)
}

async fn create_user(s: &TestServer, email: &str, password: &str) -> String {
    let r = s
        .post(
            &format!("{USERS}/records"),
            json!({"email": email, "password": password, "passwordConfirm": password}),
            None,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    r.body["id"].as_str().expect("id").to_string()
}

async fn login(s: &TestServer, email: &str, password: &str) -> common::Resp {
    s.post(
        &format!("{USERS}/auth-with-password"),
        json!({"identity": email, "password": password}),
        None,
    )
    .await
}

fn token_of(r: &common::Resp) -> String {
    assert_eq!(r.status, 200, "{}", r.body);
    r.body["token"].as_str().expect("token").to_string()
}

#[tokio::test]
async fn verification_flow_through_real_mail() {
    let (s, mail, id) = setup("alice@example.com").await;
    let r = s
        .post(
            &format!("{USERS}/request-verification"),
            json!({"email": "alice@example.com"}),
            None,
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.body);
    let m = mail.wait_for("alice@example.com").await;
    assert_eq!(m.subject(), "Verify your Acme email");
    assert_eq!(m.from, "support@acme.test");
    assert_eq!(
        m.auth,
        Some(("mailer".to_string(), "smtp-secret-123".to_string()))
    );
    let decoded = m.decoded();
    assert!(decoded.contains("http://app.test/_/#/auth/confirm-verification/"));
    assert!(decoded.contains("Content-Type: text/plain"), "{decoded}");
    let token = m.token_after("confirm-verification/");
    let c = claims(&token);
    assert_eq!(c["type"], json!("verification"));
    assert_eq!(c["email"], json!("alice@example.com"));
    assert_eq!(c["id"], json!(id));
    assert_eq!(c["collectionId"], json!("_pb_users_auth_"));
    let exp = c["exp"].as_i64().expect("exp") - chrono::Utc::now().timestamp();
    assert!((86390..=86400).contains(&exp), "exp in {exp}");

    let confirm = json!({"token": token});
    let r = s
        .post(
            &format!("{USERS}/confirm-verification"),
            confirm.clone(),
            None,
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.body);
    let r = s.get(&format!("{USERS}/records/{id}")).await;
    assert_eq!(r.body["verified"], json!(true));
    // Replaying a verification token is harmless: PocketBase answers 204 again.
    let r = s
        .post(&format!("{USERS}/confirm-verification"), confirm, None)
        .await;
    assert_eq!(r.status, 204);
}

#[tokio::test]
async fn password_reset_revokes_tokens_and_cannot_be_replayed() {
    let (s, mail, id) = setup("bob@example.com").await;
    let old = token_of(&login(&s, "bob@example.com", "password123").await);
    let r = s
        .post(
            &format!("{USERS}/request-password-reset"),
            json!({"email": "BOB@example.com"}),
            None,
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.body);
    let m = mail.wait_for("bob@example.com").await;
    assert_eq!(m.subject(), "Reset your Acme password");
    let token = m.token_after("confirm-password-reset/");
    assert_eq!(claims(&token)["type"], json!("passwordReset"));

    let url = format!("{USERS}/confirm-password-reset");
    let r = s
        .post(
            &url,
            json!({"token": token, "password": "short", "passwordConfirm": "other"}),
            None,
        )
        .await;
    let data = assert_error(&r, 400);
    assert_eq!(
        data["password"]["code"],
        json!("validation_length_out_of_range")
    );
    assert_eq!(
        data["passwordConfirm"]["code"],
        json!("validation_values_mismatch")
    );
    assert!(data.get("token").is_none(), "{data}");

    let body =
        json!({"token": token, "password": "new-password-1", "passwordConfirm": "new-password-1"});
    let r = s.post(&url, body.clone(), None).await;
    assert_eq!(r.status, 204, "{}", r.body);
    // Old tokens are revoked, the new password works, the address counts as verified.
    let r = s
        .post(&format!("{USERS}/auth-refresh"), json!({}), Some(&old))
        .await;
    assert_error(&r, 401);
    assert_eq!(
        login(&s, "bob@example.com", "password123").await.status,
        400
    );
    token_of(&login(&s, "bob@example.com", "new-password-1").await);
    assert_eq!(
        s.get(&format!("{USERS}/records/{id}")).await.body["verified"],
        json!(true)
    );
    // Replay: the reset token died with the old tokenKey.
    let r = s.post(&url, body, None).await;
    let data = assert_error(&r, 400);
    assert_eq!(data["token"]["code"], json!("validation_invalid_token"));
    assert_eq!(data["token"]["message"], json!("Invalid or expired token."));
}

#[tokio::test]
async fn email_change_through_real_mail() {
    let (s, mail, id) = setup("carol@example.com").await;
    create_user(&s, "taken@example.com", "password123").await;
    let token = token_of(&login(&s, "carol@example.com", "password123").await);
    let url = format!("{USERS}/request-email-change");
    let r = s.post(&url, json!({"newEmail": "x"}), None).await;
    assert_error(&r, 401);
    for (email, code) in [
        ("", "validation_required"),
        ("nope", "validation_is_email"),
        ("carol@example.com", "validation_not_in_invalid"),
        ("taken@example.com", "validation_invalid_new_email"),
    ] {
        let r = s.post(&url, json!({"newEmail": email}), Some(&token)).await;
        assert_eq!(assert_error(&r, 400)["newEmail"]["code"], json!(code));
    }
    let r = s
        .post(
            &url,
            json!({"newEmail": "carol.new@example.com"}),
            Some(&token),
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.body);
    let m = mail.wait_for("carol.new@example.com").await;
    assert_eq!(m.subject(), "Confirm your Acme new email address");
    let change = m.token_after("confirm-email-change/");
    let c = claims(&change);
    assert_eq!(
        (c["type"].clone(), c["email"].clone(), c["newEmail"].clone()),
        (
            json!("emailChange"),
            json!("carol@example.com"),
            json!("carol.new@example.com")
        )
    );
    let confirm = format!("{USERS}/confirm-email-change");
    let r = s
        .post(
            &confirm,
            json!({"token": change, "password": "wrong-password"}),
            None,
        )
        .await;
    assert_eq!(
        assert_error(&r, 400)["password"]["code"],
        json!("validation_invalid_password")
    );
    let r = s
        .post(
            &confirm,
            json!({"token": change, "password": "password123"}),
            None,
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.body);
    let rec = s.get(&format!("{USERS}/records/{id}")).await.body;
    assert_eq!(
        (rec["email"].clone(), rec["verified"].clone()),
        (json!("carol.new@example.com"), json!(true))
    );
    // Old tokens revoked; the token cannot be replayed.
    let r = s
        .post(&format!("{USERS}/auth-refresh"), json!({}), Some(&token))
        .await;
    assert_error(&r, 401);
    let r = s
        .post(
            &confirm,
            json!({"token": change, "password": "password123"}),
            None,
        )
        .await;
    assert_error(&r, 400);
    token_of(&login(&s, "carol.new@example.com", "password123").await);
}

#[tokio::test]
async fn otp_flow_through_real_mail() {
    let (s, mail, id) = setup("dave@example.com").await;
    let url = format!("{USERS}/request-otp");
    let r = s
        .post(&url, json!({"email": "dave@example.com"}), None)
        .await;
    assert_eq!(
        assert_error(&r, 403),
        &json!({}),
        "OTP is off by default: {}",
        r.body
    );
    let r = s
        .su_patch(
            "/api/collections/users",
            json!({"otp": {"enabled": true, "length": 6}}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = s
        .post(&url, json!({"email": "dave@example.com"}), None)
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let otp_id = r.body["otpId"].as_str().expect("otpId").to_string();
    let m = mail.wait_for("dave@example.com").await;
    assert_eq!(m.subject(), "OTP for Acme");
    let code = m.strong();
    assert!(
        code.len() == 6 && code.chars().all(|c| c.is_ascii_digit()),
        "{code}"
    );
    let auth = format!("{USERS}/auth-with-otp");
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let r = s
        .post(&auth, json!({"otpId": otp_id, "password": wrong}), None)
        .await;
    assert_eq!(assert_error(&r, 400), &json!({}));
    assert_eq!(r.body["message"], json!("Invalid or expired OTP."));
    let r = s
        .post(&auth, json!({"otpId": otp_id, "password": code}), None)
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["record"]["id"], json!(id));
    assert_eq!(
        r.body["record"]["verified"],
        json!(true),
        "the code proved the address"
    );
    assert_eq!(
        claims(r.body["token"].as_str().expect("token"))["type"],
        json!("auth")
    );
    // Used once, then gone.
    let r = s
        .post(&auth, json!({"otpId": otp_id, "password": code}), None)
        .await;
    assert_eq!(r.body["message"], json!("Invalid or expired OTP."));
    assert_eq!(s.count_rows("_otps"), 0);
    let r = s.post(&auth, json!({}), None).await;
    let data = assert_error(&r, 400);
    assert_eq!(data["otpId"]["code"], json!("validation_required"));
}

#[tokio::test]
async fn unknown_emails_get_the_same_answers_and_no_mail() {
    let (s, mail, _) = setup("erin@example.com").await;
    s.su_patch("/api/collections/users", json!({"otp": {"enabled": true}}))
        .await;
    for flow in ["request-verification", "request-password-reset"] {
        let url = format!("{USERS}/{flow}");
        let unknown = s
            .post(&url, json!({"email": "ghost@example.com"}), None)
            .await;
        let known = s
            .post(&url, json!({"email": "erin@example.com"}), None)
            .await;
        assert_eq!((unknown.status, &unknown.body), (204, &Value::Null));
        assert_eq!((known.status, &known.body), (204, &Value::Null));
        let r = s.post(&url, json!({"email": "not-an-email"}), None).await;
        assert_eq!(
            assert_error(&r, 400)["email"]["code"],
            json!("validation_is_email")
        );
    }
    let url = format!("{USERS}/request-otp");
    let unknown = s
        .post(&url, json!({"email": "ghost@example.com"}), None)
        .await;
    let known = s
        .post(&url, json!({"email": "erin@example.com"}), None)
        .await;
    for r in [&unknown, &known] {
        assert_eq!(r.status, 200);
        let keys: Vec<&String> = r.body.as_object().expect("object").keys().collect();
        assert_eq!(keys, vec!["otpId"]);
        assert_eq!(r.body["otpId"].as_str().expect("id").len(), 15);
    }
    // Three mails for erin; none for the ghost.
    for _ in 0..3 {
        mail.wait_for("erin@example.com").await;
    }
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(mail.all().is_empty(), "unexpected mail: {:?}", mail.all());
    // A second request inside the resend window sends nothing more.
    let r = s
        .post(
            &format!("{USERS}/request-password-reset"),
            json!({"email": "erin@example.com"}),
            None,
        )
        .await;
    assert_eq!(r.status, 204);
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(mail.all().is_empty());
}
