//! OAuth2 end to end against a local OAuth2/OIDC provider started by the test (authorize →
//! code, token endpoint that checks the client credentials, the redirect URI and the PKCE S256
//! verifier, user-info endpoint): a new user is created, a returning one signed in, an existing
//! account linked by email; bad verifiers and replayed codes fail.

mod common;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use base64::Engine;
use common::{TestServer, assert_error};
use serde_json::{Value, json};
use sha2::Digest;

const USERS: &str = "/api/collections/users";
const REDIRECT: &str = "http://app.test/oauth2-redirect";

#[derive(Default)]
struct ProviderState {
    /// code → (code_challenge, redirect_uri)
    codes: HashMap<String, (String, String)>,
    /// access token → user-info JSON
    tokens: HashMap<String, Value>,
    /// the user the next authorization signs in as
    next_user: Value,
    /// what `/userinfo/emails` lists (GitHub's `/user/emails`); `None` → 404
    emails: Option<Value>,
    counter: u64,
}

type Shared = Arc<Mutex<ProviderState>>;

fn b64url(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

async fn authorize(st: web::Data<Shared>, q: web::Query<HashMap<String, String>>) -> HttpResponse {
    if q.get("client_id").map(String::as_str) != Some("cairn-client")
        || q.get("code_challenge_method").map(String::as_str) != Some("S256")
    {
        return HttpResponse::BadRequest().body("bad client or no PKCE");
    }
    let mut s = st.lock().expect("lock");
    s.counter += 1;
    let code = format!("code-{}", s.counter);
    let redirect = q.get("redirect_uri").cloned().unwrap_or_default();
    let challenge = q.get("code_challenge").cloned().unwrap_or_default();
    s.codes.insert(code.clone(), (challenge, redirect.clone()));
    let state = q.get("state").cloned().unwrap_or_default();
    HttpResponse::Found()
        .insert_header(("Location", format!("{redirect}?code={code}&state={state}")))
        .finish()
}

async fn token(
    st: web::Data<Shared>,
    req: HttpRequest,
    form: web::Form<HashMap<String, String>>,
) -> HttpResponse {
    let bad = |e: &str| HttpResponse::BadRequest().json(json!({"error": e}));
    let basic = req
        .headers()
        .get("Authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|v| base64::engine::general_purpose::STANDARD.decode(v).ok())
        .map(|b| String::from_utf8_lossy(&b).into_owned());
    let form_creds = form.get("client_id").map(|id| {
        format!(
            "{id}:{}",
            form.get("client_secret").cloned().unwrap_or_default()
        )
    });
    if basic.or(form_creds).as_deref() != Some("cairn-client:cairn-secret") {
        return bad("invalid_client");
    }
    let mut s = st.lock().expect("lock");
    let Some((challenge, redirect)) = form.get("code").and_then(|c| s.codes.remove(c)) else {
        return bad("invalid_grant");
    };
    let verifier = form.get("code_verifier").cloned().unwrap_or_default();
    if b64url(&sha2::Sha256::digest(verifier.as_bytes())) != challenge {
        return bad("invalid_grant");
    }
    if form.get("redirect_uri") != Some(&redirect) {
        return bad("invalid_grant");
    }
    s.counter += 1;
    let access = format!("at-{}", s.counter);
    let user = s.next_user.clone();
    s.tokens.insert(access.clone(), user);
    HttpResponse::Ok().json(json!({"access_token": access, "token_type": "Bearer",
                                    "expires_in": 3600, "refresh_token": "rt-1"}))
}

async fn userinfo(st: web::Data<Shared>, req: HttpRequest) -> HttpResponse {
    let token = req
        .headers()
        .get("Authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    match st.lock().expect("lock").tokens.get(token) {
        Some(u) => HttpResponse::Ok().json(u),
        None => HttpResponse::Unauthorized().finish(),
    }
}

/// GitHub's `/user/emails` (token required).
async fn emails(st: web::Data<Shared>, req: HttpRequest) -> HttpResponse {
    let token = req
        .headers()
        .get("Authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    let s = st.lock().expect("lock");
    match (s.tokens.contains_key(token), &s.emails) {
        (false, _) => HttpResponse::Unauthorized().finish(),
        (true, None) => HttpResponse::NotFound().finish(),
        (true, Some(list)) => HttpResponse::Ok().json(list),
    }
}

/// Starts the provider; returns its base URL and state.
async fn start_provider() -> (String, Shared) {
    let state: Shared = Arc::default();
    let data = web::Data::new(state.clone());
    let server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .route("/authorize", web::get().to(authorize))
            .route("/token", web::post().to(token))
            .route("/userinfo", web::get().to(userinfo))
            .route("/userinfo/emails", web::get().to(emails))
    })
    .workers(1)
    .bind("127.0.0.1:0")
    .expect("bind provider");
    let addr = server.addrs()[0];
    tokio::spawn(server.run());
    (format!("http://{addr}"), state)
}

async fn setup() -> (TestServer, Shared) {
    let s = TestServer::start().await;
    let (base, provider) = start_provider().await;
    let r = s
        .su_patch(
            "/api/collections/users",
            json!({"oauth2": {"enabled": true, "providers": [{
                "name": "oidc", "clientId": "cairn-client", "clientSecret": "cairn-secret",
                "authURL": format!("{base}/authorize"), "tokenURL": format!("{base}/token"),
                "userInfoURL": format!("{base}/userinfo"), "displayName": "Local OIDC"}]}}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        !r.body.to_string().contains("cairn-secret"),
        "client secret leaked"
    );
    (s, provider)
}

/// The browser part: auth-methods → provider authorize URL → code (state checked).
async fn authorize_code(s: &TestServer) -> (String, String) {
    let r = s.guest_get(&format!("{USERS}/auth-methods")).await;
    let p = &r.body["oauth2"]["providers"][0];
    let auth_url = p["authURL"].as_str().expect("authURL");
    assert!(auth_url.ends_with("&redirect_uri="), "{auth_url}");
    let verifier = p["codeVerifier"].as_str().expect("verifier").to_string();
    assert_eq!(
        p["codeChallenge"],
        json!(b64url(&sha2::Sha256::digest(verifier.as_bytes())))
    );
    let url = format!("{auth_url}{}", urlencoding(REDIRECT));
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let resp = client.get(url).send().await.expect("authorize");
    assert_eq!(resp.status().as_u16(), 302);
    let location = resp.headers()["location"]
        .to_str()
        .expect("location")
        .to_string();
    let query: HashMap<String, String> = reqwest::Url::parse(&location)
        .expect("url")
        .query_pairs()
        .into_owned()
        .collect();
    assert_eq!(
        query["state"],
        p["state"].as_str().expect("state"),
        "state round trip"
    );
    (query["code"].clone(), verifier)
}

fn urlencoding(s: &str) -> String {
    reqwest::Url::parse_with_params("http://x/", [("v", s)])
        .expect("url")
        .query()
        .unwrap_or_default()
        .trim_start_matches("v=")
        .to_string()
}

async fn sign_in(s: &TestServer, extra: Value) -> common::Resp {
    let (code, verifier) = authorize_code(s).await;
    let mut body = json!({"provider": "oidc", "code": code, "codeVerifier": verifier,
                          "redirectURL": REDIRECT});
    if let (Value::Object(b), Value::Object(e)) = (&mut body, extra) {
        b.extend(e);
    }
    s.post(&format!("{USERS}/auth-with-oauth2"), body, None)
        .await
}

fn as_user(p: &Shared, user: Value) {
    p.lock().expect("lock").next_user = user;
}

#[tokio::test]
async fn new_user_then_returning_user() {
    let (s, p) = setup().await;
    as_user(
        &p,
        json!({"sub": "u-1", "name": "Olga", "email": "olga@example.com",
                       "email_verified": true}),
    );
    let r = sign_in(&s, json!({"createData": {"emailVisibility": true}})).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let rec = &r.body["record"];
    assert_eq!(rec["email"], json!("olga@example.com"));
    assert_eq!(rec["name"], json!("Olga"), "mappedFields.name");
    assert_eq!(
        (rec["verified"].clone(), rec["emailVisibility"].clone()),
        (json!(true), json!(true))
    );
    let meta = &r.body["meta"];
    assert_eq!(meta["isNew"], json!(true));
    assert_eq!(meta["id"], json!("u-1"));
    assert_eq!(
        meta["accessToken"].as_str().map(|t| t.starts_with("at-")),
        Some(true)
    );
    assert_eq!(meta["rawUser"]["sub"], json!("u-1"));
    assert_eq!(s.count_rows("_externalAuths"), 1);
    let id = rec["id"].clone();
    // The sign-in is an origin of the new record (the superuser's login is the other one).
    let origins = format!(
        "/api/collections/_authOrigins/records?filter=recordRef='{}'",
        id.as_str().expect("id")
    );
    assert_eq!(s.get(&origins).await.body["totalItems"], json!(1));
    let r = sign_in(&s, json!({})).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        (
            r.body["record"]["id"].clone(),
            r.body["meta"]["isNew"].clone()
        ),
        (id, json!(false))
    );
    assert_eq!(s.count_rows("_externalAuths"), 1);
    assert_eq!(
        s.get(&origins).await.body["totalItems"],
        json!(1),
        "same origin"
    );
}

#[tokio::test]
async fn existing_account_is_linked_by_email() {
    let (s, p) = setup().await;
    let r = s
        .post(
            &format!("{USERS}/records"),
            json!({"email": "linda@example.com", "password": "password123",
                   "passwordConfirm": "password123"}),
            None,
        )
        .await;
    let id = r.body["id"].clone();
    as_user(
        &p,
        json!({"sub": "l-9", "email": "linda@example.com", "email_verified": true}),
    );
    let r = sign_in(&s, json!({})).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["record"]["id"], id);
    assert_eq!(r.body["meta"]["isNew"], json!(false));
    assert_eq!(r.body["record"]["verified"], json!(true));
    assert_eq!(s.count_rows("_externalAuths"), 1);
}

#[tokio::test]
async fn pkce_codes_and_input_are_checked() {
    let (s, p) = setup().await;
    as_user(
        &p,
        json!({"sub": "x-1", "email": "x@example.com", "email_verified": true}),
    );
    let (code, _) = authorize_code(&s).await;
    let url = format!("{USERS}/auth-with-oauth2");
    let body = |code: &str, verifier: &str| json!({"provider": "oidc", "code": code, "codeVerifier": verifier, "redirectURL": REDIRECT});
    // A verifier that does not match the challenge: the provider refuses the exchange.
    let r = s
        .post(
            &url,
            body(&code, "not-the-verifier-0123456789012345678901234"),
            None,
        )
        .await;
    assert_eq!(r.body["message"], json!("Failed to fetch OAuth2 token."));
    assert_error(&r, 400);
    // Codes are single use.
    let (code, verifier) = authorize_code(&s).await;
    assert_eq!(s.post(&url, body(&code, &verifier), None).await.status, 200);
    assert_error(&s.post(&url, body(&code, &verifier), None).await, 400);
    let r = s
        .post(
            &url,
            json!({"provider": "nope", "code": "c", "redirectURL": REDIRECT}),
            None,
        )
        .await;
    assert_eq!(
        assert_error(&r, 400)["provider"]["code"],
        json!("validation_invalid_provider")
    );
    let r = s.post(&url, json!({}), None).await;
    let data = assert_error(&r, 400);
    assert_eq!(data["code"]["code"], json!("validation_required"));
    // The popup callback: an unknown realtime client goes to the failure page.
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let resp = client
        .get(format!(
            "{}/api/oauth2-redirect?state=nobody&code=abc",
            s.base
        ))
        .send()
        .await
        .expect("redirect");
    assert_eq!(resp.status().as_u16(), 307);
    assert_eq!(
        resp.headers()["location"],
        "../_/#/auth/oauth2-redirect-failure"
    );
}

#[tokio::test]
async fn github_private_email_comes_from_the_emails_endpoint() {
    let (s, p) = setup().await;
    let base = {
        let r = s.guest_get(&format!("{USERS}/auth-methods")).await;
        let url = r.body["oauth2"]["providers"][0]["authURL"]
            .as_str()
            .expect("authURL")
            .to_string();
        url[..url.find("/authorize").expect("base")].to_string()
    };
    // Only the GitHub preset, pointed at the local provider (so /user/emails is local too).
    let r = s
        .su_patch(
            USERS,
            json!({"oauth2": {"providers": [{
                "name": "github", "clientId": "cairn-client", "clientSecret": "cairn-secret",
                "authURL": format!("{base}/authorize"), "tokenURL": format!("{base}/token"),
                "userInfoURL": format!("{base}/userinfo")}]}}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    as_user(
        &p,
        json!({"id": 4242, "login": "octo", "name": "Octo Cat", "email": null}),
    );
    p.lock().expect("lock").emails = Some(json!([
        {"email": "old@example.com", "primary": false, "verified": true},
        {"email": "unverified@example.com", "primary": true, "verified": false},
        {"email": "octo@example.com", "primary": true, "verified": true}
    ]));
    let (code, verifier) = authorize_code(&s).await;
    let r = s
        .post(
            &format!("{USERS}/auth-with-oauth2"),
            json!({"provider": "github", "code": code, "codeVerifier": verifier,
                   "redirectURL": REDIRECT}),
            None,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["meta"]["email"], json!("octo@example.com"));
    assert_eq!(r.body["meta"]["id"], json!("4242"));
    assert_eq!(r.body["meta"]["username"], json!("octo"));
    assert_eq!(r.body["record"]["email"], json!("octo@example.com"));
    assert_eq!(r.body["meta"]["isNew"], json!(true));
}

/// A P-256 key pair made for this test only (`openssl ecparam -name prime256v1 -genkey`,
/// PKCS#8 as Apple's `.p8` files are).
const APPLE_TEST_KEY: &str = "-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgs5LwH6PXF43pOLYc
I2N6KLKUhdacIAay+eOihCBtuoKhRANCAARj3EK0LNNLanGGM6+wcCQbm/bDVsCY
9c/pZJkrnmQXRW9VPJesU8SuonFT6tm106xyjJ3YyrlslLmnkwuosFsh
-----END PRIVATE KEY-----";
const APPLE_TEST_PUBLIC_KEY: &str = "-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEY9xCtCzTS2pxhjOvsHAkG5v2w1bA
mPXP6WSZK55kF0VvVTyXrFPErqJxU+rZtdOscoyd2Mq5bJS5p5MLqLBbIQ==
-----END PUBLIC KEY-----";

/// `POST /api/settings/apple/generate-client-secret`: PocketBase's validation (codes, messages,
/// params), superusers only, and an ES256 JWT with Apple's claims that verifies with the public
/// key.
#[tokio::test]
async fn apple_client_secret_is_an_es256_jwt_with_apples_claims() {
    let s = TestServer::start().await;
    let url = "/api/settings/apple/generate-client-secret";
    let r = s.post(url, json!({}), None).await;
    assert_eq!(r.status, 401, "{}", r.body);

    let r = s.su_post(url, json!({})).await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert_eq!(r.body["message"], json!("Invalid client secret data."));
    for field in ["clientId", "teamId", "keyId", "privateKey", "duration"] {
        assert_eq!(
            r.body["data"][field]["code"],
            json!("validation_required"),
            "{field}: {}",
            r.body
        );
    }
    let r = s
        .su_post(
            url,
            json!({"clientId": "c", "teamId": "short", "keyId": "0123456789",
                   "privateKey": "nope", "duration": 99_999_999}),
        )
        .await;
    assert_eq!(
        r.body["data"],
        json!({
            "teamId": {"code": "validation_length_invalid", "message": "The length must be exactly 10.",
                       "params": {"min": 10, "max": 10}},
            "privateKey": {"code": "validation_match_invalid", "message": "Must be in a valid format."},
            "duration": {"code": "validation_max_less_equal_than_required",
                         "message": "Must be no greater than 15777000.", "params": {"threshold": 15_777_000}},
        })
    );
    let r = s
        .su_post(
            url,
            json!({"clientId": "c", "teamId": "0123456789", "keyId": "0123456789",
                   "privateKey": "-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----",
                   "duration": 100}),
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(
        r.body["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("Failed to generate client secret. Raw error: \n")),
        "{}",
        r.body
    );

    let r = s
        .su_post(
            url,
            json!({"clientId": "com.example.app", "teamId": "TEAM012345", "keyId": "KEYID67890",
                   "privateKey": APPLE_TEST_KEY, "duration": 3600}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let secret = r.body["secret"].as_str().expect("secret");
    let header = jsonwebtoken::decode_header(secret).expect("header");
    assert_eq!(header.alg, jsonwebtoken::Algorithm::ES256);
    assert_eq!(header.kid.as_deref(), Some("KEYID67890"));
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::ES256);
    validation.set_audience(&["https://appleid.apple.com"]);
    validation.set_issuer(&["TEAM012345"]);
    let key =
        jsonwebtoken::DecodingKey::from_ec_pem(APPLE_TEST_PUBLIC_KEY.as_bytes()).expect("key");
    let claims = jsonwebtoken::decode::<Value>(secret, &key, &validation)
        .expect("the secret verifies with the public key")
        .claims;
    assert_eq!(claims["sub"], json!("com.example.app"));
    let lifetime = claims["exp"].as_i64().expect("exp") - claims["iat"].as_i64().expect("iat");
    assert_eq!(lifetime, 3600);
    s.stop().await;
}
