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
