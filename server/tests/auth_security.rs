//! Token security on the confirm endpoints (expired, forged, `alg: none`, wrong type, another
//! collection), MFA, impersonation, file tokens, auth-methods, rate limits and brute-force
//! protection.

mod common;

use base64::Engine;
use common::{TestServer, assert_error};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

const USERS: &str = "/api/collections/users";

async fn create_user(s: &TestServer, collection: &str, email: &str) -> String {
    let r = s
        .su_post(
            &format!("/api/collections/{collection}/records"),
            json!({"email": email, "password": "password123", "passwordConfirm": "password123"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    r.body["id"].as_str().expect("id").to_string()
}

/// `(tokenKey, <kind> secret)` read from the SQLite file.
fn keys(s: &TestServer, collection: &str, id: &str, kind: &str) -> (String, String) {
    let conn = rusqlite::Connection::open_with_flags(
        s.db_path(),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .expect("open db");
    let token_key: String = conn
        .query_row(
            &format!("SELECT tokenKey FROM \"{collection}\" WHERE id = ?"),
            [id],
            |r| r.get(0),
        )
        .expect("tokenKey");
    let options: String = conn
        .query_row(
            "SELECT options FROM _collections WHERE name = ?",
            [collection],
            |r| r.get(0),
        )
        .expect("options");
    let options: Value = serde_json::from_str(&options).expect("json");
    let secret = options[kind]["secret"]
        .as_str()
        .expect("secret")
        .to_string();
    (token_key, secret)
}

fn sign(claims: &Value, key: &str) -> String {
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(key.as_bytes()),
    )
    .expect("sign")
}

fn unsigned(claims: &Value) -> String {
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    format!(
        "{}.{}.",
        b64.encode(br#"{"alg":"none","typ":"JWT"}"#),
        b64.encode(claims.to_string())
    )
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

#[tokio::test]
async fn confirm_endpoints_refuse_bad_tokens() {
    let s = TestServer::start().await;
    let id = create_user(&s, "users", "alice@example.com").await;
    let (tk, secret) = keys(&s, "users", &id, "verificationToken");
    let claims = |exp: i64, kind: &str| {
        json!({"collectionId": "_pb_users_auth_", "email": "alice@example.com", "exp": exp,
               "id": id, "type": kind})
    };
    let good_key = format!("{tk}{secret}");
    let invalid = json!("validation_invalid_token");
    let cases = [
        (
            "expired",
            sign(&claims(now() - 10, "verification"), &good_key),
        ),
        (
            "forged",
            sign(&claims(now() + 600, "verification"), "guessed-key"),
        ),
        ("alg none", unsigned(&claims(now() + 600, "verification"))),
        (
            "other type",
            sign(&claims(now() + 600, "passwordReset"), &good_key),
        ),
        ("tampered", {
            let t = sign(&claims(now() + 600, "verification"), &good_key);
            let other = unsigned(&claims(now() + 6000, "verification"));
            let parts: Vec<&str> = t.split('.').collect();
            let forged_payload = other.split('.').nth(1).expect("payload");
            format!("{}.{}.{}", parts[0], forged_payload, parts[2])
        }),
    ];
    for (what, token) in &cases {
        let r = s
            .post(
                &format!("{USERS}/confirm-verification"),
                json!({"token": token}),
                None,
            )
            .await;
        assert_eq!(assert_error(&r, 400)["token"]["code"], invalid, "{what}");
        let r = s
            .post(
                &format!("{USERS}/confirm-password-reset"),
                json!({"token": token, "password": "password999", "passwordConfirm": "password999"}),
                None,
            )
            .await;
        assert_eq!(assert_error(&r, 400)["token"]["code"], invalid, "{what}");
    }
    let r = s.get(&format!("{USERS}/records/{id}")).await;
    assert_eq!(r.body["verified"], json!(false));
    // An auth token carries no email claim (PocketBase's message).
    let auth = s
        .post(
            &format!("{USERS}/auth-with-password"),
            json!({"identity": "alice@example.com", "password": "password123"}),
            None,
        )
        .await;
    let auth_token = auth.body["token"].as_str().expect("token");
    let r = s
        .post(
            &format!("{USERS}/confirm-verification"),
            json!({"token": auth_token}),
            None,
        )
        .await;
    assert_eq!(
        assert_error(&r, 400)["token"],
        json!({"code": "validation_invalid_token_claims", "message": "Missing email token claim."})
    );
    // A valid token of another auth collection.
    s.create_collection(json!({"name": "members", "type": "auth"}))
        .await;
    let r = s
        .post(
            "/api/collections/members/confirm-verification",
            json!({"token": sign(&claims(now() + 600, "verification"), &good_key)}),
            None,
        )
        .await;
    assert_eq!(
        assert_error(&r, 400)["token"]["code"],
        json!("validation_token_collection_mismatch")
    );
    // A genuine one still works.
    let r = s
        .post(
            &format!("{USERS}/confirm-verification"),
            json!({"token": sign(&claims(now() + 600, "verification"), &good_key)}),
            None,
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.body);
    // Superusers are always verified; non-auth collections have no auth routes.
    let r = s
        .post(
            "/api/collections/_superusers/request-verification",
            json!({"email": "a@b.c"}),
            None,
        )
        .await;
    assert_eq!(
        r.body["message"],
        json!("All superusers are verified by default.")
    );
    s.create_collection(json!({"name": "posts", "type": "base"}))
        .await;
    let r = s
        .post(
            "/api/collections/posts/request-password-reset",
            json!({"email": "a@b.c"}),
            None,
        )
        .await;
    assert_eq!(
        r.body["message"],
        json!("Missing or invalid auth collection context.")
    );
    assert_error(&r, 404);
}

#[tokio::test]
async fn mfa_requires_two_different_methods() {
    let s = TestServer::start().await;
    let id = create_user(&s, "users", "mia@example.com").await;
    let r = s
        .su_patch(
            "/api/collections/users",
            json!({"mfa": {"enabled": true}, "otp": {"enabled": true}}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let pw = json!({"identity": "mia@example.com", "password": "password123"});
    let url = format!("{USERS}/auth-with-password");
    let r = s.post(&url, pw.clone(), None).await;
    assert_eq!(r.status, 401, "{}", r.body);
    let keys: Vec<&String> = r.body.as_object().expect("object").keys().collect();
    assert_eq!(keys, vec!["mfaId"], "a bare mfaId body");
    let mfa_id = r.body["mfaId"].as_str().expect("mfaId").to_string();
    assert_eq!(s.count_rows("_mfas"), 1);
    // Same method again: refused. Unknown session: refused. Wrong password: plain failure.
    let r = s
        .post(&format!("{url}?mfaId={mfa_id}"), pw.clone(), None)
        .await;
    assert_eq!(
        r.body["message"],
        json!("A different authentication method is required.")
    );
    assert_error(&r, 400);
    let r = s.post(&format!("{url}?mfaId=nope"), pw.clone(), None).await;
    assert_eq!(r.body["message"], json!("Invalid or expired MFA session."));
    let r = s
        .post(
            &format!("{url}?mfaId={mfa_id}"),
            json!({"identity": "mia@example.com", "password": "wrong-one"}),
            None,
        )
        .await;
    assert_eq!(r.body["message"], json!("Failed to authenticate."));
    // Second factor: OTP with the mfaId in the body.
    let otp = s
        .post(
            &format!("{USERS}/request-otp"),
            json!({"email": "mia@example.com"}),
            None,
        )
        .await;
    let otp_id = otp.body["otpId"].as_str().expect("otpId").to_string();
    // The code is not mailed here (no SMTP): set a known one through the pipeline as superuser.
    let r = s
        .su_patch(
            &format!("/api/collections/_otps/records/{otp_id}"),
            json!({"password": "12345678"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = s
        .post(
            &format!("{USERS}/auth-with-otp"),
            json!({"otpId": otp_id, "password": "12345678", "mfaId": mfa_id}),
            None,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["record"]["id"], json!(id));
    assert_eq!(s.count_rows("_mfas"), 0);
    // mfa.rule limits MFA to matching records (the OTP login verified the address).
    s.su_patch(
        "/api/collections/users",
        json!({"mfa": {"rule": "verified = false"}}),
    )
    .await;
    let r = s.post(&url, pw, None).await;
    assert_eq!(r.status, 200, "rule unmet → no MFA: {}", r.body);
}

#[tokio::test]
async fn impersonate_file_token_and_auth_methods() {
    let s = TestServer::start().await;
    let id = create_user(&s, "users", "ivy@example.com").await;
    let url = format!("{USERS}/impersonate/{id}");
    let user = s
        .post(
            &format!("{USERS}/auth-with-password"),
            json!({"identity": "ivy@example.com", "password": "password123"}),
            None,
        )
        .await;
    let user_token = user.body["token"].as_str().expect("token").to_string();
    assert_error(&s.post(&url, json!({}), None).await, 401);
    assert_error(&s.post(&url, json!({}), Some(&user_token)).await, 403);
    let r = s
        .su_post(&format!("{USERS}/impersonate/nope"), json!({}))
        .await;
    assert_error(&r, 404);
    let r = s.su_post(&url, json!({"duration": -1})).await;
    assert_eq!(
        assert_error(&r, 400)["duration"]["code"],
        json!("validation_min_greater_equal_than_required")
    );
    let r = s.su_post(&url, json!({"duration": 100})).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["record"]["email"], json!("ivy@example.com"));
    let token = r.body["token"].as_str().expect("token").to_string();
    let c = claims(&token);
    assert_eq!(c["refreshable"], json!(false));
    assert!((c["exp"].as_i64().expect("exp") - now() - 100).abs() <= 2);
    // A non-refreshable token is echoed back by auth-refresh.
    let r = s
        .post(&format!("{USERS}/auth-refresh"), json!({}), Some(&token))
        .await;
    assert_eq!(r.body["token"], json!(token));

    assert_error(&s.post("/api/files/token", json!({}), None).await, 401);
    let r = s
        .post("/api/files/token", json!({}), Some(&user_token))
        .await;
    let c = claims(r.body["token"].as_str().expect("file token"));
    let keys: Vec<&String> = c.as_object().expect("claims").keys().collect();
    assert_eq!(keys, vec!["collectionId", "exp", "id", "type"]);
    assert_eq!(c["type"], json!("file"));

    let r = s.guest_get(&format!("{USERS}/auth-methods")).await;
    assert_eq!(
        r.body,
        json!({"password":{"identityFields":["email"],"enabled":true},
               "oauth2":{"providers":[],"enabled":false},
               "mfa":{"enabled":false,"duration":0},"otp":{"enabled":false,"duration":0},
               "authProviders":[],"usernamePassword":false,"emailPassword":true})
    );
    s.su_patch("/api/collections/users", json!({"otp": {"enabled": true}}))
        .await;
    let r = s
        .guest_get(&format!("{USERS}/auth-methods?fields=otp"))
        .await;
    assert_eq!(r.body, json!({"otp": {"enabled": true, "duration": 180}}));
}

fn claims(token: &str) -> Value {
    let payload = token.split('.').nth(1).expect("payload");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .expect("base64");
    serde_json::from_slice(&bytes).expect("json")
}

#[tokio::test]
async fn rate_limits_trip_with_pocketbase_body() {
    let s = TestServer::start().await;
    create_user(&s, "users", "rl@example.com").await;
    let r = s
        .su_patch(
            "/api/settings",
            json!({"rateLimits": {"enabled": true, "rules": [
                {"label": "*:auth", "audience": "", "duration": 60, "maxRequests": 2},
                {"label": "users:list", "audience": "@guest", "duration": 60, "maxRequests": 1}
            ]}}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let url = format!("{USERS}/auth-with-password");
    let body = json!({"identity": "rl@example.com", "password": "password123"});
    for _ in 0..2 {
        assert_eq!(s.post(&url, body.clone(), None).await.status, 200);
    }
    let r = s.post(&url, body, None).await;
    assert_eq!(r.status, 429);
    assert_eq!(
        r.body,
        json!({"data":{},"message":"Too Many Requests.","status":429})
    );
    // Audience: guests are limited, the superuser is not.
    assert_eq!(s.guest_get(&format!("{USERS}/records")).await.status, 200);
    assert_eq!(s.guest_get(&format!("{USERS}/records")).await.status, 429);
    assert_eq!(s.get(&format!("{USERS}/records")).await.status, 200);
    // Other routes are untouched.
    assert_eq!(s.guest_get("/api/health").await.status, 200);
}

#[tokio::test]
async fn brute_force_on_password_auth_is_stopped() {
    let s = TestServer::start().await;
    create_user(&s, "users", "bf@example.com").await;
    let url = format!("{USERS}/auth-with-password");
    for _ in 0..5 {
        let r = s
            .post(
                &url,
                json!({"identity": "bf@example.com", "password": "guess-guess"}),
                None,
            )
            .await;
        assert_eq!(r.body["message"], json!("Failed to authenticate."));
    }
    let r = s
        .post(
            &url,
            json!({"identity": "bf@example.com", "password": "password123"}),
            None,
        )
        .await;
    assert_eq!(
        r.status, 429,
        "locked even with the right password: {}",
        r.body
    );
    assert_eq!(
        r.body,
        json!({"data":{},"message":"Too Many Requests.","status":429})
    );
}
