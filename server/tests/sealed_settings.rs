//! Settings secrets sealed at rest (AES-256-GCM under CAIRN_ENCRYPTION_KEY): the SQLite files
//! never hold them in plain text, reads redact them, and a missing or wrong key stops start-up.

mod common;

use cairn::{App, Config};
use common::{TEST_ENCRYPTION_KEY, TestServer, assert_error};
use serde_json::json;

const SECRETS: [&str; 3] = [
    "smtp-password-plain-7f3a",
    "s3-secret-plain-91bc",
    "backups-secret-plain-44de",
];

fn db_bytes(dir: &std::path::Path) -> Vec<u8> {
    let mut all = Vec::new();
    for name in ["data.db", "data.db-wal"] {
        if let Ok(b) = std::fs::read(dir.join(name)) {
            all.extend(b);
        }
    }
    all
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[tokio::test]
async fn secrets_are_sealed_redacted_and_need_the_key() {
    let s = TestServer::start().await;
    let r = s
        .su_patch(
            "/api/settings",
            json!({"smtp": {"password": SECRETS[0], "host": "mail.test"},
                   "s3": {"secret": SECRETS[1]},
                   "backups": {"s3": {"secret": SECRETS[2]}}}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let text = r.body.to_string();
    for secret in SECRETS {
        assert!(!text.contains(secret), "PATCH response leaks {secret}");
    }
    assert!(r.body["smtp"].get("password").is_none());
    let r = s.get("/api/settings").await;
    assert!(!r.body.to_string().contains("sealed:") && r.body["s3"].get("secret").is_none());
    // An empty secret keeps the stored one.
    s.su_patch("/api/settings", json!({"smtp": {"password": ""}}))
        .await;
    assert_eq!(s.app.core.settings.secret("/smtp/password"), SECRETS[0]);

    let bytes = db_bytes(s.dir.path());
    assert!(
        contains(&bytes, "mail.test"),
        "the settings row is in the files"
    );
    assert!(contains(&bytes, "sealed:v1:"));
    for secret in SECRETS {
        assert!(!contains(&bytes, secret), "{secret} stored in plain text");
    }

    // Close the database, keep a copy of its files (the test server's dir goes with it).
    s.app.close();
    let copy = tempfile::tempdir().expect("dir");
    for name in ["data.db", "data.db-wal"] {
        let from = s.dir.path().join(name);
        if from.exists() {
            std::fs::copy(&from, copy.path().join(name)).expect("copy");
        }
    }
    s.stop().await;
    let dir = copy.path().to_path_buf();
    let open = |key: Option<&str>| {
        let mut c = Config::for_dir(&dir);
        c.encryption_key = key.map(str::to_string);
        App::open(c, cairn::Hooks::default())
    };
    let err = open(None).err().expect("no key must fail").to_string();
    assert!(err.contains("CAIRN_ENCRYPTION_KEY"), "{err}");
    let err = open(Some("another-key-0123456789abcdefghij"))
        .err()
        .expect("wrong key must fail")
        .to_string();
    assert!(err.contains("cannot be opened"), "{err}");
    let err = open(Some("short")).err().expect("bad key").to_string();
    assert!(err.contains("32"), "{err}");
    let app = open(Some(TEST_ENCRYPTION_KEY)).expect("right key opens");
    assert_eq!(app.core.settings.secret("/s3/secret"), SECRETS[1]);
    app.close();
}

#[tokio::test]
async fn without_a_key_secrets_are_refused_not_stored_in_plain_text() {
    let dir = tempfile::tempdir().expect("dir");
    let app = App::open(Config::for_dir(dir.path()), cairn::Hooks::default()).expect("opens");
    let core = app.core.clone();
    let r = app
        .core
        .storage
        .write(move |conn| {
            core.settings
                .apply(conn, &json!({"smtp": {"password": "plain-secret-x"}}))
        })
        .await
        .expect("writer");
    let err = r.expect_err("refused");
    assert_eq!(err.status, 400);
    let resp = common::Resp {
        status: err.status,
        body: err.to_json(),
        headers: Default::default(),
    };
    let data = assert_error(&resp, 400);
    assert_eq!(
        data["smtp"]["password"]["code"],
        json!("validation_sealing_failed")
    );
    app.close();
    assert!(!contains(&db_bytes(dir.path()), "plain-secret-x"));
}

const CLIENT_SECRET: &str = "oauth-client-secret-plain-5e1d";

/// A copy of a closed server's database files (the server's own dir goes with it).
async fn closed_copy(s: TestServer) -> tempfile::TempDir {
    s.app.close();
    let copy = tempfile::tempdir().expect("dir");
    for name in ["data.db", "data.db-wal"] {
        let from = s.dir.path().join(name);
        if from.exists() {
            std::fs::copy(&from, copy.path().join(name)).expect("copy");
        }
    }
    s.stop().await;
    copy
}

fn open_with(dir: &std::path::Path, key: Option<&str>) -> anyhow::Result<App> {
    let mut c = Config::for_dir(dir);
    c.encryption_key = key.map(str::to_string);
    App::open(c, cairn::Hooks::default())
}

/// The `google` provider's client secret as the OAuth2 code sees it (opened).
fn opened_secret(app: &App) -> String {
    let users = app.core.schema.load().find("users").expect("users");
    cairn::auth::oauth2::Provider::of(&users, "google", &app.core.settings.sealer)
        .expect("provider")
        .client_secret
}

#[tokio::test]
async fn oauth2_client_secrets_are_sealed_in_collections() {
    let s = TestServer::start().await;
    let provider = |secret: Option<&str>| {
        let mut p = json!({"name": "google", "clientId": "client-1"});
        if let Some(secret) = secret {
            p["clientSecret"] = json!(secret);
        }
        json!({"oauth2": {"enabled": true, "providers": [p]}})
    };
    let r = s
        .su_patch("/api/collections/users", provider(Some(CLIENT_SECRET)))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = s.get("/api/collections/users").await;
    assert!(!r.body.to_string().contains(CLIENT_SECRET));
    assert!(
        r.body["oauth2"]["providers"][0]
            .get("clientSecret")
            .is_none()
    );
    assert_eq!(opened_secret(&s.app), CLIENT_SECRET, "opened where used");
    let bytes = db_bytes(s.dir.path());
    assert!(
        contains(&bytes, "client-1"),
        "the collection row is in the files"
    );
    assert!(
        !contains(&bytes, CLIENT_SECRET),
        "client secret stored in plain text"
    );
    // An update without the secret keeps it; a made-up sealed value is refused.
    let r = s.su_patch("/api/collections/users", provider(None)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(opened_secret(&s.app), CLIENT_SECRET);
    let r = s
        .su_patch("/api/collections/users", provider(Some("sealed:v1:AAAA")))
        .await;
    let data = assert_error(&r, 400);
    assert_eq!(
        data["oauth2"]["providers"]["0"]["clientSecret"]["code"],
        json!("validation_sealing_failed"),
        "{data}"
    );
    // Import goes through the same sealing.
    let mut users = s.get("/api/collections/users").await.body;
    users["oauth2"]["providers"][0]["clientSecret"] = json!("imported-secret-plain-77aa");
    let r = s
        .send(
            reqwest::Method::PUT,
            "/api/collections/import",
            Some(json!({"collections": [users]})),
            Some(&s.token),
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.body);
    assert_eq!(opened_secret(&s.app), "imported-secret-plain-77aa");
    assert!(!contains(
        &db_bytes(s.dir.path()),
        "imported-secret-plain-77aa"
    ));

    let copy = closed_copy(s).await;
    let err = open_with(copy.path(), None)
        .err()
        .expect("no key must fail")
        .to_string();
    assert!(
        err.contains("OAuth2") && err.contains("CAIRN_ENCRYPTION_KEY"),
        "{err}"
    );
    let err = open_with(copy.path(), Some("another-key-0123456789abcdefghij"))
        .err()
        .expect("wrong key must fail")
        .to_string();
    assert!(
        err.contains("users") && err.contains("cannot be opened"),
        "{err}"
    );
    let app = open_with(copy.path(), Some(TEST_ENCRYPTION_KEY)).expect("right key opens");
    assert_eq!(opened_secret(&app), "imported-secret-plain-77aa");
    app.close();
}

#[tokio::test]
async fn plain_client_secrets_at_rest_are_sealed_at_start_up_or_refused() {
    // A database that holds a plain client secret (as PocketBase stores them).
    let s = TestServer::start().await;
    s.su_patch(
        "/api/collections/users",
        json!({"oauth2": {"providers": [{"name": "google", "clientId": "client-1"}]}}),
    )
    .await;
    let copy = closed_copy(s).await;
    {
        let conn = rusqlite::Connection::open(copy.path().join("data.db")).expect("db");
        let options: String = conn
            .query_row(
                "SELECT options FROM _collections WHERE name = 'users'",
                [],
                |r| r.get(0),
            )
            .expect("options");
        let mut options: serde_json::Value = serde_json::from_str(&options).expect("json");
        options["oauth2"]["providers"][0]["clientSecret"] = json!(CLIENT_SECRET);
        conn.execute(
            "UPDATE _collections SET options = ?1 WHERE name = 'users'",
            [options.to_string()],
        )
        .expect("update");
    }
    let err = open_with(copy.path(), None)
        .err()
        .expect("plain secret without a key must fail")
        .to_string();
    assert!(err.contains("plain text"), "{err}");
    let app = open_with(copy.path(), Some(TEST_ENCRYPTION_KEY)).expect("opens and seals");
    assert_eq!(opened_secret(&app), CLIENT_SECRET);
    app.close();
    assert!(!contains(&db_bytes(copy.path()), CLIENT_SECRET));
}

#[tokio::test]
async fn without_a_key_client_secrets_are_refused() {
    let dir = tempfile::tempdir().expect("dir");
    let app = open_with(dir.path(), None).expect("opens");
    let sealer = app.core.settings.sealer.clone();
    let patch = json!({"oauth2": {"providers": [
        {"name": "google", "clientId": "c", "clientSecret": "plain-client-secret-x"}]}});
    let err = app
        .core
        .write_schema(move |conn, cache| {
            cairn::schema::service::update(conn, cache, &sealer, "users", &patch)
        })
        .await
        .expect_err("refused");
    let resp = common::Resp {
        status: err.status,
        body: err.to_json(),
        headers: Default::default(),
    };
    let data = assert_error(&resp, 400);
    assert_eq!(
        data["oauth2"]["providers"]["0"]["clientSecret"]["code"],
        json!("validation_sealing_failed")
    );
    app.close();
    assert!(!contains(&db_bytes(dir.path()), "plain-client-secret-x"));
}
