//! Superuser authentication: auth-with-password, auth-refresh, token checks.

mod common;

use base64::Engine;
use common::{SU_EMAIL, SU_PASSWORD, TestServer, assert_error};
use serde_json::{Value, json};

fn claims(token: &str) -> Value {
    let payload = token.split('.').nth(1).expect("payload");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .expect("base64");
    serde_json::from_slice(&bytes).expect("json")
}

#[tokio::test]
async fn password_auth_returns_token_and_record() {
    let s = TestServer::start().await;
    let r = s
        .post(
            "/api/collections/_superusers/auth-with-password",
            json!({"identity": SU_EMAIL, "password": SU_PASSWORD}),
            None,
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["record"]["email"], json!(SU_EMAIL));
    assert_eq!(r.body["record"]["collectionName"], json!("_superusers"));
    assert!(
        r.body["record"].get("password").is_none() && r.body["record"].get("tokenKey").is_none()
    );
    let token = r.body["token"].as_str().expect("token");
    let c = claims(token);
    let keys: Vec<&String> = c.as_object().expect("claims").keys().collect();
    assert_eq!(
        keys,
        vec!["collectionId", "exp", "id", "refreshable", "type"]
    );
    assert_eq!(c["type"], json!("auth"));
    assert_eq!(c["collectionId"], json!("pbc_3142635823"));
    assert_eq!(c["refreshable"], json!(true));
    let exp = c["exp"].as_i64().expect("exp");
    let now = chrono::Utc::now().timestamp();
    assert!(
        (exp - now - 86400).abs() < 10,
        "superuser tokens last a day"
    );
    // `fields` shapes the response.
    let r = s
        .post(
            "/api/collections/_superusers/auth-with-password?fields=token,record.email",
            json!({"identity": SU_EMAIL, "password": SU_PASSWORD}),
            None,
        )
        .await;
    assert_eq!(r.body["record"], json!({"email": SU_EMAIL}));
}

#[tokio::test]
async fn wrong_credentials_and_bad_input() {
    let s = TestServer::start().await;
    for body in [
        json!({"identity": SU_EMAIL, "password": "wrong"}),
        json!({"identity": "nobody@example.com", "password": SU_PASSWORD}),
    ] {
        let r = s
            .post(
                "/api/collections/_superusers/auth-with-password",
                body,
                None,
            )
            .await;
        assert_eq!(assert_error(&r, 400), &json!({}));
        assert_eq!(r.body["message"], json!("Failed to authenticate."));
    }
    let r = s
        .post(
            "/api/collections/_superusers/auth-with-password",
            json!({}),
            None,
        )
        .await;
    let data = assert_error(&r, 400);
    assert_eq!(data["identity"]["code"], json!("validation_required"));
    assert_eq!(data["password"]["code"], json!("validation_required"));
    let r = s
        .post(
            "/api/collections/pbc_nope/auth-with-password",
            json!({}),
            None,
        )
        .await;
    assert_error(&r, 404);
    s.create_collection(json!({"name": "plain", "type": "base"}))
        .await;
    let r = s
        .post(
            "/api/collections/plain/auth-with-password",
            json!({"identity": "a", "password": "b"}),
            None,
        )
        .await;
    assert_eq!(
        r.body["message"],
        json!("Missing or invalid auth collection context.")
    );
}

#[tokio::test]
async fn refresh_and_token_checks() {
    let s = TestServer::start().await;
    let r = s
        .post(
            "/api/collections/_superusers/auth-refresh",
            json!({}),
            Some(&s.token),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["record"]["email"], json!(SU_EMAIL));
    // Bearer prefix works too.
    let r = s
        .post(
            "/api/collections/_superusers/auth-refresh",
            json!({}),
            Some(&format!("Bearer {}", s.token)),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_error(
        &s.post("/api/collections/_superusers/auth-refresh", json!({}), None)
            .await,
        401,
    );

    // A user token on the superusers route: 403 naming the token's collection.
    s.post(
        "/api/collections/users/records",
        json!({"email": "u@example.com", "password": "12345678", "passwordConfirm": "12345678"}),
        None,
    )
    .await;
    let login = s
        .post(
            "/api/collections/users/auth-with-password",
            json!({"identity": "u@example.com", "password": "12345678"}),
            None,
        )
        .await;
    let user_token = login.body["token"].as_str().expect("token").to_string();
    let r = s
        .post(
            "/api/collections/_superusers/auth-refresh",
            json!({}),
            Some(&user_token),
        )
        .await;
    assert_error(&r, 403);
    assert_eq!(
        r.body["message"],
        json!("The request requires auth record from users collection.")
    );
    let r = s
        .post(
            "/api/collections/users/auth-refresh",
            json!({}),
            Some(&s.token),
        )
        .await;
    assert_eq!(
        r.body["message"],
        json!("The request requires auth record from _superusers collection.")
    );
}

#[tokio::test]
async fn forged_expired_and_unsigned_tokens_are_rejected() {
    let s = TestServer::start().await;
    let good = s.token.clone();
    let parts: Vec<&str> = good.split('.').collect();
    let mut c = claims(&good);
    let enc = |v: &Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
    // Forged signature.
    let forged = format!("{}.{}.{}", parts[0], parts[1], "AAAA");
    // alg: none.
    let none = format!(
        "{}.{}.",
        enc(&json!({"alg": "none", "typ": "JWT"})),
        parts[1]
    );
    // Expired but validly shaped (signature no longer matches either way).
    c["exp"] = json!(1);
    let expired = format!("{}.{}.{}", parts[0], enc(&c), parts[2]);
    // Wrong type.
    let mut file = claims(&good);
    file["type"] = json!("file");
    let wrong_type = format!("{}.{}.{}", parts[0], enc(&file), parts[2]);
    for t in [forged, none, expired, wrong_type, "garbage".to_string()] {
        let r = s
            .send(reqwest::Method::GET, "/api/collections", None, Some(&t))
            .await;
        assert_error(&r, 401);
    }
    // A password change revokes old tokens.
    cairn::app::superusers::upsert(&s.app.core, SU_EMAIL, "newpassword1")
        .await
        .expect("upsert");
    let r = s
        .send(reqwest::Method::GET, "/api/collections", None, Some(&good))
        .await;
    assert_error(&r, 401);
    let r = s
        .post(
            "/api/collections/_superusers/auth-with-password",
            json!({"identity": SU_EMAIL, "password": "newpassword1"}),
            None,
        )
        .await;
    assert_eq!(r.status, 200);
}

#[tokio::test]
async fn protected_auth_fields_and_manage_rule() {
    let s = TestServer::start().await;
    let users = s.get("/api/collections/users").await.body;
    let mut fields = users["fields"].as_array().expect("fields").clone();
    fields.push(json!({"name": "role", "type": "text"}));
    s.su_patch("/api/collections/users", json!({"fields": fields}))
        .await;
    let mk = |email: &str, extra: Value| {
        let mut body =
            json!({"email": email, "password": "12345678", "passwordConfirm": "12345678"});
        if let (Value::Object(b), Value::Object(e)) = (&mut body, extra) {
            b.extend(e);
        }
        body
    };
    let r = s
        .post(
            "/api/collections/users/records",
            mk("v@example.com", json!({"verified": true})),
            None,
        )
        .await;
    assert_eq!(
        assert_error(&r, 400)["verified"]["code"],
        json!("validation_values_mismatch")
    );
    let a = s
        .post(
            "/api/collections/users/records",
            mk("a@example.com", json!({})),
            None,
        )
        .await
        .body["id"]
        .as_str()
        .expect("id")
        .to_string();
    let m = s
        .post(
            "/api/collections/users/records",
            mk("m@example.com", json!({})),
            None,
        )
        .await
        .body["id"]
        .as_str()
        .expect("id")
        .to_string();
    s.su_patch(
        &format!("/api/collections/users/records/{m}"),
        json!({"role": "manager"}),
    )
    .await;
    let login = |email: &'static str| {
        s.post(
            "/api/collections/users/auth-with-password",
            json!({"identity": email, "password": "12345678"}),
            None,
        )
    };
    let a_token = login("a@example.com").await.body["token"]
        .as_str()
        .expect("token")
        .to_string();
    let path = format!("/api/collections/users/records/{a}");
    let r = s
        .send(
            reqwest::Method::PATCH,
            &path,
            Some(json!({"email": "new@example.com"})),
            Some(&a_token),
        )
        .await;
    assert_eq!(
        assert_error(&r, 400)["email"]["code"],
        json!("validation_values_mismatch")
    );
    let r = s
        .send(
            reqwest::Method::PATCH,
            &path,
            Some(json!({"verified": true})),
            Some(&a_token),
        )
        .await;
    assert_eq!(
        assert_error(&r, 400)["verified"]["code"],
        json!("validation_values_mismatch")
    );
    let r = s
        .send(
            reqwest::Method::PATCH,
            &path,
            Some(json!({"password": "newpass123", "passwordConfirm": "newpass123"})),
            Some(&a_token),
        )
        .await;
    assert_eq!(
        assert_error(&r, 400)["oldPassword"]["code"],
        json!("validation_required")
    );
    let r = s.send(reqwest::Method::PATCH, &path, Some(json!({"password": "newpass123", "passwordConfirm": "newpass123", "oldPassword": "wrong"})), Some(&a_token)).await;
    assert_eq!(
        assert_error(&r, 400)["oldPassword"]["code"],
        json!("validation_invalid_old_password")
    );
    let r = s
        .send(
            reqwest::Method::PATCH,
            &path,
            Some(json!({"emailVisibility": true})),
            Some(&a_token),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = s.send(reqwest::Method::PATCH, &path, Some(json!({"password": "newpass123", "passwordConfirm": "newpass123", "oldPassword": "12345678"})), Some(&a_token)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    // The old token was revoked by the password change.
    assert_error(
        &s.post(
            "/api/collections/users/auth-refresh",
            json!({}),
            Some(&a_token),
        )
        .await,
        401,
    );

    // A manager (manageRule) may change another user's protected fields, if updateRule allows it.
    s.su_patch(
        "/api/collections/users",
        json!({"updateRule": "id = @request.auth.id || @request.auth.role = 'manager'",
        "manageRule": "@request.auth.role = 'manager'"}),
    )
    .await;
    let m_token = login("m@example.com").await.body["token"]
        .as_str()
        .expect("token")
        .to_string();
    let r = s.send(reqwest::Method::PATCH, &path, Some(json!({"email": "renamed@example.com", "verified": true, "password": "managed12", "passwordConfirm": "managed12"})), Some(&m_token)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["verified"], json!(true));
    let r = s
        .post(
            "/api/collections/users/auth-with-password",
            json!({"identity": "renamed@example.com", "password": "managed12"}),
            None,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    // authRule: null refuses every login; an expression is checked against the record.
    s.su_patch(
        "/api/collections/users",
        json!({"authRule": "verified = true"}),
    )
    .await;
    let r = login("m@example.com").await;
    assert_error(&r, 403);
    assert_eq!(
        r.body["message"],
        json!("The request doesn't satisfy the collection requirements to authenticate.")
    );
    assert_eq!(
        s.post(
            "/api/collections/users/auth-with-password",
            json!({"identity": "renamed@example.com", "password": "managed12"}),
            None
        )
        .await
        .status,
        200
    );
}

#[tokio::test]
async fn email_change_revokes_tokens_and_provider_secrets_are_kept() {
    let s = TestServer::start().await;
    let r = s.post("/api/collections/users/records", json!({"email": "e@example.com", "password": "12345678", "passwordConfirm": "12345678"}), None).await;
    let id = r.body["id"].as_str().expect("id").to_string();
    let login = s
        .post(
            "/api/collections/users/auth-with-password",
            json!({"identity": "e@example.com", "password": "12345678"}),
            None,
        )
        .await;
    let token = login.body["token"].as_str().expect("token").to_string();
    assert_eq!(
        s.post(
            "/api/collections/users/auth-refresh",
            json!({}),
            Some(&token)
        )
        .await
        .status,
        200
    );
    let r = s
        .su_patch(
            &format!("/api/collections/users/records/{id}"),
            json!({"email": "e2@example.com"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_error(
        &s.post(
            "/api/collections/users/auth-refresh",
            json!({}),
            Some(&token),
        )
        .await,
        401,
    );

    // OAuth2 client secrets are write-only: an update that omits them keeps the stored ones.
    let provider =
        json!({"name": "github", "clientId": "cid", "clientSecret": "very-secret-value"});
    let r = s
        .su_patch(
            "/api/collections/users",
            json!({"oauth2": {"enabled": true, "providers": [provider]}}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.body["oauth2"]["providers"][0]
            .get("clientSecret")
            .is_none(),
        "never returned"
    );
    let r = s
        .su_patch(
            "/api/collections/users",
            json!({"oauth2": {"providers": [{"name": "github", "clientId": "cid2"}]}}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let conn = rusqlite::Connection::open_with_flags(
        s.db_path(),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .expect("db");
    let options: String = conn
        .query_row(
            "SELECT options FROM _collections WHERE name = 'users'",
            [],
            |row| row.get(0),
        )
        .expect("row");
    let options: Value = serde_json::from_str(&options).expect("json");
    let stored = &options["oauth2"]["providers"][0];
    assert_eq!(stored["clientId"], json!("cid2"));
    assert!(
        stored["clientSecret"]
            .as_str()
            .is_some_and(|s| !s.is_empty()),
        "{stored}"
    );
}
