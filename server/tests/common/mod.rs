//! Test harness: a real Cairn server on 127.0.0.1:0 over a fresh data directory (a real SQLite
//! file in a temp dir), a superuser, and a small JSON client.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use cairn::hooks::Hooks;
use cairn::{App, Config};
use serde_json::{Value, json};

pub const SU_EMAIL: &str = "admin@example.com";
pub const SU_PASSWORD: &str = "password123";
pub const TEST_ENCRYPTION_KEY: &str = "test-key-0123456789abcdefghijklm";

pub struct TestServer {
    pub dir: tempfile::TempDir,
    pub addr: SocketAddr,
    pub base: String,
    pub client: reqwest::Client,
    pub token: String,
    pub app: Arc<App>,
    handle: actix_web::dev::ServerHandle,
}

pub struct Resp {
    pub status: u16,
    pub body: Value,
    pub headers: reqwest::header::HeaderMap,
}

impl TestServer {
    pub async fn start() -> Self {
        Self::start_with_hooks(Hooks::default()).await
    }

    pub async fn start_with_hooks(hooks: Hooks) -> Self {
        Self::start_with_extensions(cairn::Extensions {
            hooks,
            ..Default::default()
        })
        .await
    }

    /// A server with a module's extensions (routes, job handlers, crons); the job runner runs.
    pub async fn start_with_extensions(ext: cairn::Extensions) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut config = Config::for_dir(dir.path());
        // Like a configured deployment: settings secrets are sealed with this key.
        config.encryption_key = Some(TEST_ENCRYPTION_KEY.into());
        let app = Arc::new(App::open_with(config, ext).expect("app opens"));
        cairn::jobs::Jobs::start(&app.core);
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
        let base = format!("http://{addr}");
        let client = reqwest::Client::new();
        let mut s = Self {
            dir,
            addr,
            base,
            client,
            token: String::new(),
            app,
            handle,
        };
        let r = s
            .post(
                "/api/collections/_superusers/auth-with-password",
                json!({"identity": SU_EMAIL, "password": SU_PASSWORD}),
                None,
            )
            .await;
        assert_eq!(r.status, 200, "superuser login: {}", r.body);
        s.token = r.body["token"].as_str().expect("token").to_string();
        s
    }

    pub fn db_path(&self) -> PathBuf {
        self.dir.path().join("data.db")
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
        Self::finish(rb).await
    }

    pub async fn finish(rb: reqwest::RequestBuilder) -> Resp {
        let resp = rb.send().await.expect("request sent");
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let text = resp.text().await.expect("body");
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        Resp {
            status,
            body,
            headers,
        }
    }

    /// As the superuser.
    pub async fn get(&self, path: &str) -> Resp {
        self.send(reqwest::Method::GET, path, None, Some(&self.token))
            .await
    }

    pub async fn post(&self, path: &str, body: Value, token: Option<&str>) -> Resp {
        self.send(reqwest::Method::POST, path, Some(body), token)
            .await
    }

    pub async fn su_post(&self, path: &str, body: Value) -> Resp {
        self.send(reqwest::Method::POST, path, Some(body), Some(&self.token))
            .await
    }

    pub async fn su_patch(&self, path: &str, body: Value) -> Resp {
        self.send(reqwest::Method::PATCH, path, Some(body), Some(&self.token))
            .await
    }

    pub async fn su_delete(&self, path: &str) -> Resp {
        self.send(reqwest::Method::DELETE, path, None, Some(&self.token))
            .await
    }

    pub async fn guest_get(&self, path: &str) -> Resp {
        self.send(reqwest::Method::GET, path, None, None).await
    }

    /// Creates a collection as the superuser and asserts success.
    pub async fn create_collection(&self, body: Value) -> Value {
        let r = self.su_post("/api/collections", body).await;
        assert_eq!(r.status, 200, "create collection: {}", r.body);
        r.body
    }

    /// Signs `email` up in `users` (password `password123`; the collection's create rule must
    /// allow it) and logs in: returns the record id and the token.
    pub async fn signup_and_login(&self, email: &str) -> (String, String) {
        let r = self
            .post(
                "/api/collections/users/records",
                json!({"email": email, "password": "password123", "passwordConfirm": "password123"}),
                None,
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let r = self
            .post(
                "/api/collections/users/auth-with-password",
                json!({"identity": email, "password": "password123"}),
                None,
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        (
            r.body["record"]["id"].as_str().expect("id").to_string(),
            r.body["token"].as_str().expect("token").to_string(),
        )
    }

    /// Counts rows of a table by reading the SQLite file directly (read-only).
    pub fn count_rows(&self, table: &str) -> i64 {
        let conn = rusqlite::Connection::open_with_flags(
            self.db_path(),
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
        )
        .expect("open db");
        conn.query_row(&format!("SELECT COUNT(*) FROM \"{table}\""), [], |r| {
            r.get(0)
        })
        .expect("count")
    }
}

/// Asserts the PocketBase error shape and returns `data`.
pub fn assert_error(r: &Resp, status: u16) -> &Value {
    assert_eq!(r.status, status, "unexpected status, body: {}", r.body);
    assert_eq!(r.body["status"], json!(status), "error body: {}", r.body);
    assert!(
        r.body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "error message: {}",
        r.body
    );
    assert!(r.body["data"].is_object(), "error data: {}", r.body);
    &r.body["data"]
}
