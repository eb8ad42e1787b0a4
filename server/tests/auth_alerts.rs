//! New-device login alerts through a real SMTP receiver: `_authOrigins` rows with PocketBase's
//! fingerprints (MD5 of IP + User-Agent, values taken from PocketBase 0.40.6), the
//! `authAlert` mail for a new origin of a record that signed in before (never for the first
//! sign-in or a known origin), at most 5 origins, every sign-in method (password, OTP, after
//! MFA), none for refresh/impersonate or with `authAlert.enabled = false`, and the origins
//! dropped on a password change and with the record.

mod common;
#[path = "common/smtp.rs"]
mod smtp;

use std::time::Duration;

use common::TestServer;
use serde_json::{Value, json};
use smtp::SmtpServer;

const USERS: &str = "/api/collections/users";
const EMAIL: &str = "ada@example.com";
const PASSWORD: &str = "password123";
/// MD5("127.0.0.1" + user agent) as PocketBase 0.40.6 stored it.
const UA_ONE: (&str, &str) = ("UA-one", "d8178d87b3d31a474310d9a22ab6fc46");
const UA_TWO: (&str, &str) = ("UA-two", "d6e4231b9db010fdab2e6511f5a762be");

async fn setup() -> (TestServer, SmtpServer, String) {
    let s = TestServer::start().await;
    let mail = SmtpServer::start().await;
    let r = s
        .su_patch(
            "/api/settings",
            json!({
                "smtp": {"enabled": true, "host": "127.0.0.1", "port": mail.port},
                "meta": {"appName": "Acme", "senderAddress": "support@acme.test"}
            }),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = s
        .post(
            &format!("{USERS}/records"),
            json!({"email": EMAIL, "password": PASSWORD, "passwordConfirm": PASSWORD}),
            None,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let id = r.body["id"].as_str().expect("id").to_string();
    (s, mail, id)
}

async fn post_as(s: &TestServer, ua: &str, path: &str, body: Value) -> common::Resp {
    let rb = s
        .client
        .post(format!("{}{path}", s.base))
        .header("User-Agent", ua)
        .json(&body);
    TestServer::finish(rb).await
}

async fn login(s: &TestServer, ua: &str) -> common::Resp {
    let r = post_as(
        s,
        ua,
        &format!("{USERS}/auth-with-password"),
        json!({"identity": EMAIL, "password": PASSWORD}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    r
}

/// The user's origin fingerprints, newest first.
async fn fingerprints(s: &TestServer, id: &str) -> Vec<String> {
    let r = s
        .get(&format!(
            "/api/collections/_authOrigins/records?sort=-created&filter=recordRef='{id}'"
        ))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    r.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|o| {
            assert_eq!(o["collectionRef"], json!("_pb_users_auth_"));
            o["fingerprint"].as_str().expect("fingerprint").to_string()
        })
        .collect()
}

/// Waits a moment and asserts that no (further) mail arrived.
async fn assert_no_mail(mail: &SmtpServer) {
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(mail.all().is_empty(), "unexpected mail: {:?}", mail.all());
}

/// Waits (≤ 10 s) until the user has `n` origins (the clean-up hooks run after the commit).
async fn wait_for_origins(s: &TestServer, id: &str, n: usize) {
    for _ in 0..100 {
        if fingerprints(s, id).await.len() == n {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("expected {n} origins, have {:?}", fingerprints(s, id).await);
}

#[tokio::test]
async fn new_origins_are_recorded_and_alerted_as_pocketbase() {
    let (s, mail, id) = setup().await;
    // First sign-in ever: recorded, no alert.
    login(&s, UA_ONE.0).await;
    assert_eq!(fingerprints(&s, &id).await, vec![UA_ONE.1]);
    // Same origin again: nothing new.
    login(&s, UA_ONE.0).await;
    assert_eq!(fingerprints(&s, &id).await, vec![UA_ONE.1]);
    assert_no_mail(&mail).await;

    // A new origin: recorded and alerted.
    login(&s, UA_TWO.0).await;
    assert_eq!(fingerprints(&s, &id).await, vec![UA_TWO.1, UA_ONE.1]);
    let m = mail.wait_for(EMAIL).await;
    assert_eq!(m.subject(), "Login from a new location");
    assert_eq!(m.from, "support@acme.test");
    let body = m.decoded();
    assert!(
        body.contains("We noticed a login to your Acme account from a new location:"),
        "{body}"
    );
    // {ALERT_INFO} = "<now> - <ip> <user agent>"
    let info_start = body.find("<em>").expect("alert info") + 4;
    let info = &body[info_start..info_start + body[info_start..].find("</em>").expect("end")];
    let (when, origin) = info.split_once(" - ").expect("info shape");
    assert_eq!(origin, "127.0.0.1 UA-two");
    assert_eq!(when.len(), "2026-11-22 01:30:52.663Z".len(), "{when}");
    assert_no_mail(&mail).await;

    // At most 5 origins: the oldest (by creation) goes, even if it was used recently.
    login(&s, UA_ONE.0).await;
    for n in 3..=6 {
        login(&s, &format!("UA-{n}")).await;
        mail.wait_for(EMAIL).await;
    }
    let kept = fingerprints(&s, &id).await;
    assert_eq!(kept.len(), 5, "{kept:?}");
    assert!(!kept.contains(&UA_ONE.1.to_string()), "{kept:?}");
    assert!(kept.contains(&UA_TWO.1.to_string()), "{kept:?}");
    assert_no_mail(&mail).await;
}

#[tokio::test]
async fn refresh_impersonate_and_disabled_alerts_record_nothing() {
    let (s, mail, id) = setup().await;
    let token = login(&s, UA_ONE.0).await.body["token"]
        .as_str()
        .expect("token")
        .to_string();
    let rb = s
        .client
        .post(format!("{}{USERS}/auth-refresh", s.base))
        .header("User-Agent", "refresher")
        .header("Authorization", &token);
    assert_eq!(TestServer::finish(rb).await.status, 200);
    let r = s
        .su_post(&format!("{USERS}/impersonate/{id}"), json!({}))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(fingerprints(&s, &id).await, vec![UA_ONE.1]);

    let r = s
        .su_patch(USERS, json!({"authAlert": {"enabled": false}}))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    login(&s, UA_TWO.0).await;
    assert_eq!(fingerprints(&s, &id).await, vec![UA_ONE.1]);
    assert_no_mail(&mail).await;
}

#[tokio::test]
async fn otp_and_mfa_sign_ins_are_origins_too() {
    let (s, mail, id) = setup().await;
    login(&s, UA_ONE.0).await;
    let r = s
        .su_patch(
            USERS,
            json!({"otp": {"enabled": true}, "mfa": {"enabled": true}}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    // First factor from a new device: 401 {mfaId}, no origin yet.
    let r = post_as(
        &s,
        UA_TWO.0,
        &format!("{USERS}/auth-with-password"),
        json!({"identity": EMAIL, "password": PASSWORD}),
    )
    .await;
    assert_eq!(r.status, 401, "{}", r.body);
    let mfa_id = r.body["mfaId"].as_str().expect("mfaId").to_string();
    assert_eq!(fingerprints(&s, &id).await, vec![UA_ONE.1]);
    // Second factor (OTP from the mail) completes the sign-in: recorded and alerted.
    let r = post_as(
        &s,
        UA_TWO.0,
        &format!("{USERS}/request-otp"),
        json!({"email": EMAIL}),
    )
    .await;
    let otp_id = r.body["otpId"].as_str().expect("otpId").to_string();
    let code = mail.wait_for(EMAIL).await.strong();
    let r = post_as(
        &s,
        UA_TWO.0,
        &format!("{USERS}/auth-with-otp"),
        json!({"otpId": otp_id, "password": code, "mfaId": mfa_id}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(fingerprints(&s, &id).await, vec![UA_TWO.1, UA_ONE.1]);
    let m = mail.wait_for(EMAIL).await;
    assert_eq!(m.subject(), "Login from a new location");
    assert!(m.decoded().contains("127.0.0.1 UA-two"));
}

#[tokio::test]
async fn origins_go_with_a_new_password_and_with_the_record() {
    let (s, _mail, id) = setup().await;
    login(&s, UA_ONE.0).await;
    login(&s, UA_TWO.0).await;
    let record = format!("{USERS}/records/{id}");
    // Another change keeps them.
    let r = s.su_patch(&record, json!({"name": "Ada"})).await;
    assert_eq!(r.status, 200, "{}", r.body);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(fingerprints(&s, &id).await.len(), 2);
    let r = s
        .su_patch(
            &record,
            json!({"password": "another-pass-1", "passwordConfirm": "another-pass-1"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    wait_for_origins(&s, &id, 0).await;

    let r = post_as(
        &s,
        UA_ONE.0,
        &format!("{USERS}/auth-with-password"),
        json!({"identity": EMAIL, "password": "another-pass-1"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(fingerprints(&s, &id).await.len(), 1);
    let r = s.su_delete(&record).await;
    assert_eq!(r.status, 204, "{}", r.body);
    wait_for_origins(&s, &id, 0).await;
}
