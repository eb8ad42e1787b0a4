//! A real Cairn server for GTM Wizard's tests: `cairn::App` over a fresh data dir in a temp
//! directory, served on 127.0.0.1:0, with a superuser and GTM Wizard's schema imported through
//! `PUT /api/collections/import` (the same request an operator would send).

use std::path::PathBuf;
use std::sync::Arc;

use cairn::hooks::Hooks;
use cairn::{App, Config};
use serde_json::{Value, json};

pub const SU_EMAIL: &str = "admin@example.com";
pub const SU_PASSWORD: &str = "password123";

pub struct Server {
    pub dir: tempfile::TempDir,
    pub base: String,
    pub client: reqwest::Client,
    /// The superuser's token.
    pub su: String,
    pub app: Arc<App>,
    handle: actix_web::dev::ServerHandle,
}

pub struct Resp {
    pub status: u16,
    pub body: Value,
}

impl Resp {
    /// The record id of a 200 answer (panics with the body otherwise).
    pub fn id(&self) -> String {
        assert_eq!(
            self.status, 200,
            "expected 200, got {}: {}",
            self.status, self.body
        );
        self.body["id"].as_str().expect("id").to_string()
    }
}

/// The schema directory of this app (`schema/gtm-wizard`).
pub fn schema_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../schema/gtm-wizard")
}

pub fn read_json(path: PathBuf) -> Value {
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path:?}: {e}"))
}

impl Server {
    /// Starts Cairn and imports `schema/gtm-wizard/collections.json`.
    pub async fn start() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut config = Config::for_dir(dir.path());
        // `provider_keys.api_key` is a sealed field: writing it needs a key.
        config.encryption_key = Some("gtm-test-key-0123456789abcdefghi".into());
        let app = Arc::new(App::open(config, Hooks::default()).expect("app"));
        cairn::app::superusers::upsert(&app.core, SU_EMAIL, SU_PASSWORD)
            .await
            .expect("superuser");
        let (server, addr) = cairn::http::serve(
            app.core.clone(),
            "127.0.0.1:0".parse().expect("addr"),
            1 << 20,
            1,
        )
        .expect("binds");
        let handle = server.handle();
        tokio::spawn(server);
        let mut s = Self {
            dir,
            base: format!("http://{addr}"),
            client: reqwest::Client::new(),
            su: String::new(),
            app,
            handle,
        };
        let login = s
            .send(
                reqwest::Method::POST,
                "/api/collections/_superusers/auth-with-password",
                Some(json!({"identity": SU_EMAIL, "password": SU_PASSWORD})),
                None,
            )
            .await;
        s.su = login.body["token"].as_str().expect("su token").to_string();
        let r = s.import_schema().await;
        assert_eq!(r.status, 204, "schema import: {}", r.body);
        s
    }

    pub async fn import_schema(&self) -> Resp {
        let collections = read_json(schema_dir().join("collections.json"));
        let su = self.su.clone();
        self.send(
            reqwest::Method::PUT,
            "/api/collections/import",
            Some(json!({"collections": collections, "deleteMissing": false})),
            Some(&su),
        )
        .await
    }

    pub async fn stop(self) {
        self.app.core.realtime.close_all();
        self.handle.stop(true).await;
    }

    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
        token: Option<&str>,
    ) -> Resp {
        let mut rb = self
            .client
            .request(method, format!("{}{}", self.base, path));
        if let Some(t) = token {
            rb = rb.header("Authorization", t);
        }
        if let Some(b) = body {
            rb = rb.json(&b);
        }
        let resp = rb.send().await.expect("request sent");
        let status = resp.status().as_u16();
        let text = resp.text().await.expect("body");
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        Resp { status, body }
    }

    pub async fn list(&self, c: &str, token: Option<&str>) -> Resp {
        let path = format!("/api/collections/{c}/records?perPage=500");
        self.send(reqwest::Method::GET, &path, None, token).await
    }

    pub async fn view(&self, c: &str, id: &str, token: Option<&str>) -> Resp {
        let path = format!("/api/collections/{c}/records/{id}");
        self.send(reqwest::Method::GET, &path, None, token).await
    }

    pub async fn create(&self, c: &str, body: Value, token: Option<&str>) -> Resp {
        let path = format!("/api/collections/{c}/records");
        self.send(reqwest::Method::POST, &path, Some(body), token)
            .await
    }

    pub async fn update(&self, c: &str, id: &str, body: Value, token: Option<&str>) -> Resp {
        let path = format!("/api/collections/{c}/records/{id}");
        self.send(reqwest::Method::PATCH, &path, Some(body), token)
            .await
    }

    pub async fn delete(&self, c: &str, id: &str, token: Option<&str>) -> Resp {
        let path = format!("/api/collections/{c}/records/{id}");
        self.send(reqwest::Method::DELETE, &path, None, token).await
    }

    /// As the superuser (rules bypassed), expecting 200; returns the id.
    pub async fn su_create(&self, c: &str, body: Value) -> String {
        let su = self.su.clone();
        self.create(c, body, Some(&su)).await.id()
    }

    /// Signs a user up through the public create rule and signs in; returns (id, token).
    pub async fn user(&self, email: &str, name: &str) -> (String, String) {
        let id = self
            .create(
                "users",
                json!({"email": email, "password": "password123", "passwordConfirm": "password123", "name": name}),
                None,
            )
            .await
            .id();
        let login = self
            .send(
                reqwest::Method::POST,
                "/api/collections/users/auth-with-password",
                Some(json!({"identity": email, "password": "password123"})),
                None,
            )
            .await;
        assert_eq!(login.status, 200, "login: {}", login.body);
        let token = login.body["token"].as_str().expect("token").to_string();
        (id, token)
    }
}
