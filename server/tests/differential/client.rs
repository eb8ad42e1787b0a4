//! One server under test (Cairn or PocketBase) seen through the same small JSON client, plus
//! the query-string encoding both receive byte for byte.

use serde_json::Value;

/// Who sends a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Guest,
    /// A regular `users` record (Bob, role "member").
    User,
    Superuser,
}

impl Role {
    pub fn label(self) -> &'static str {
        match self {
            Role::Guest => "guest",
            Role::User => "user",
            Role::Superuser => "superuser",
        }
    }
}

/// A status and a parsed body (a JSON string when the body is not JSON).
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub body: Value,
}

pub struct Target {
    pub name: &'static str,
    pub base: String,
    pub client: reqwest::Client,
    pub su_token: String,
    pub user_token: String,
}

impl Target {
    pub fn new(name: &'static str, base: String) -> Self {
        Self {
            name,
            base,
            client: reqwest::Client::new(),
            su_token: String::new(),
            user_token: String::new(),
        }
    }

    fn token(&self, role: Role) -> Option<&str> {
        match role {
            Role::Guest => None,
            Role::User => Some(&self.user_token),
            Role::Superuser => Some(&self.su_token),
        }
    }

    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&Value>,
        role: Role,
    ) -> Reply {
        let mut rb = self
            .client
            .request(method, format!("{}{}", self.base, path));
        if let Some(t) = self.token(role) {
            rb = rb.header("Authorization", t);
        }
        if let Some(b) = body {
            rb = rb.json(b);
        }
        let resp = rb
            .send()
            .await
            .unwrap_or_else(|e| panic!("{} {path}: request failed: {e}", self.name));
        let status = resp.status().as_u16();
        let text = resp.text().await.expect("response body");
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        Reply { status, body }
    }

    pub async fn get(&self, path: &str, role: Role) -> Reply {
        self.send(reqwest::Method::GET, path, None, role).await
    }

    /// A superuser write that must succeed; returns the body.
    pub async fn su_write(&self, method: reqwest::Method, path: &str, body: &Value) -> Value {
        let r = self
            .send(method.clone(), path, Some(body), Role::Superuser)
            .await;
        assert!(
            r.status == 200,
            "seeding {}: {method} {path} -> {}: {}\nrequest body: {body}",
            self.name,
            r.status,
            r.body
        );
        r.body
    }

    /// Logs in an auth record and returns its token.
    pub async fn login(&self, collection: &str, identity: &str, password: &str) -> String {
        let body = serde_json::json!({"identity": identity, "password": password});
        let r = self
            .send(
                reqwest::Method::POST,
                &format!("/api/collections/{collection}/auth-with-password"),
                Some(&body),
                Role::Guest,
            )
            .await;
        assert_eq!(r.status, 200, "{} login {identity}: {}", self.name, r.body);
        r.body["token"].as_str().expect("token").to_string()
    }
}

/// Percent-encodes a query-string component (everything but RFC 3986 unreserved characters).
pub fn enc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `/api/collections/{collection}/records?k=v&...` with encoded values.
pub fn records_url(collection: &str, params: &[(&str, &str)]) -> String {
    let mut url = format!("/api/collections/{collection}/records");
    for (i, (k, v)) in params.iter().enumerate() {
        url.push(if i == 0 { '?' } else { '&' });
        url.push_str(k);
        url.push('=');
        url.push_str(&enc(v));
    }
    url
}

/// The string literal `pb.filter()` would produce for `s` (JSON string syntax).
pub fn quoted(s: &str) -> String {
    serde_json::to_string(s).expect("string serializes")
}
