//! `@request.*` values: the request's context, method, query, headers, body and auth record,
//! as one JSON document that static lookups walk.

use serde_json::{Map, Value, json};

use crate::auth::AuthInfo;

/// What the rules may see of a request.
#[derive(Debug, Clone, Default)]
pub struct RequestInfo {
    pub auth: AuthInfo,
    /// `default`, `realtime`, `protectedFile`, `oauth2`, `otp`, `password`, `batch`, `expand`.
    pub context: String,
    pub method: String,
    pub query: Map<String, Value>,
    /// Header names lower-cased with `-` replaced by `_`.
    pub headers: Map<String, Value>,
    pub body: Map<String, Value>,
}

impl RequestInfo {
    /// The JSON document `@request.<path>` lookups walk.
    pub fn as_json(&self) -> Value {
        let auth = match &self.auth.record {
            Some(r) => {
                let mut m = r.data.clone();
                m.insert("collectionId".into(), json!(r.collection.id));
                m.insert("collectionName".into(), json!(r.collection.name));
                // Secrets never take part in rules.
                m.remove("password");
                m.remove("tokenKey");
                Value::Object(m)
            }
            None => Value::Null,
        };
        json!({
            "context": self.context,
            "method": self.method,
            "query": self.query,
            "headers": self.headers,
            "body": self.body,
            "auth": auth,
        })
    }
}

/// Walks `keys` through objects and arrays; `None` when a key is missing.
pub fn extract<'v>(mut v: &'v Value, keys: &[&str]) -> Option<&'v Value> {
    for k in keys {
        v = match v {
            Value::Object(m) => m.get(*k)?,
            Value::Array(a) => a.get(k.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(v)
}
