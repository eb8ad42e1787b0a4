//! Rate limiting from `settings.rateLimits` (off by default), as PocketBase: each rule has a
//! `label` (a tag like `users:create`/`*:auth`, `METHOD /path`, an exact `/path`, or a `/prefix/`),
//! an `audience` (`""`, `@guest`, `@auth`), a `duration` in seconds and `maxRequests`. A request
//! is counted against the first rule that matches it, in PocketBase's order: exact tag, wildcard
//! tag, method + path, method + prefix, path, prefix (longest prefix first). Counting is per
//! client IP in fixed windows. Over the limit: `429 {"data":{},"message":"Too Many
//! Requests.","status":429}`.

use std::time::Duration;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{Error, HttpRequest, web};
use serde_json::Value;

use crate::core::Core;
use crate::error::ApiError;

pub fn too_many() -> ApiError {
    ApiError::new(429, "Too Many Requests.")
}

/// The client's IP: the remote address, or the configured trusted proxy header
/// (`trustedProxy.headers`, leftmost or rightmost entry of a list).
pub fn client_ip(req: &HttpRequest, settings: &Value) -> String {
    let proxy = &settings["trustedProxy"];
    let leftmost = proxy["useLeftmostIP"].as_bool().unwrap_or(false);
    for name in proxy["headers"].as_array().into_iter().flatten() {
        let Some(name) = name.as_str() else { continue };
        let Some(value) = req.headers().get(name).and_then(|v| v.to_str().ok()) else {
            continue;
        };
        let mut parts = value.split(',').map(str::trim).filter(|p| !p.is_empty());
        let ip = if leftmost {
            parts.next()
        } else {
            parts.next_back()
        };
        if let Some(ip) = ip {
            return ip.to_string();
        }
    }
    req.peer_addr()
        .map(|a| a.ip().to_string())
        .unwrap_or_default()
}

/// The rate limit tags of a request (`name:action` before `*:action`), from its path.
fn tags(core: &Core, method: &str, path: &str) -> Vec<String> {
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    let (collection, actions): (&str, Vec<&str>) = match (method, segs.as_slice()) {
        (_, ["api", "files", c, ..]) => (c, vec!["file"]),
        ("GET", ["api", "collections", c, "records"]) => (c, vec!["list"]),
        ("POST", ["api", "collections", c, "records"]) => (c, vec!["create"]),
        ("GET", ["api", "collections", c, "records", _]) => (c, vec!["view"]),
        ("PATCH", ["api", "collections", c, "records", _]) => (c, vec!["update"]),
        ("DELETE", ["api", "collections", c, "records", _]) => (c, vec!["delete"]),
        ("GET", ["api", "collections", c, "auth-methods"]) => (c, vec!["listAuthMethods"]),
        ("POST", ["api", "collections", c, action]) => {
            let a = match *action {
                "auth-with-password" => vec!["authWithPassword", "auth"],
                "auth-with-oauth2" => vec!["authWithOAuth2", "auth"],
                "auth-with-otp" => vec!["authWithOTP", "auth"],
                "auth-refresh" => vec!["authRefresh"],
                "request-otp" => vec!["requestOTP"],
                "request-password-reset" => vec!["requestPasswordReset"],
                "confirm-password-reset" => vec!["confirmPasswordReset"],
                "request-verification" => vec!["requestVerification"],
                "confirm-verification" => vec!["confirmVerification"],
                "request-email-change" => vec!["requestEmailChange"],
                "confirm-email-change" => vec!["confirmEmailChange"],
                _ => vec![],
            };
            (c, a)
        }
        _ => return Vec::new(),
    };
    let name = core
        .schema
        .load()
        .find(collection)
        .map_or_else(|| collection.to_string(), |c| c.name.clone());
    let mut out = Vec::new();
    for a in actions {
        out.push(format!("{name}:{a}"));
        out.push(format!("*:{a}"));
    }
    out
}

/// The first rule matching the request, in PocketBase's resolution order.
fn matching_rule<'a>(
    rules: &'a [Value],
    tags: &[String],
    method: &str,
    path: &str,
) -> Option<&'a Value> {
    let label = |r: &&Value| r["label"].as_str().unwrap_or_default().to_string();
    let find = |pred: &dyn Fn(&str) -> bool| rules.iter().find(|r| pred(&label(r)));
    let longest_prefix = |with_method: bool| {
        rules
            .iter()
            .filter_map(|r| {
                let l = label(&r);
                let p = if with_method {
                    l.strip_prefix(method)?.strip_prefix(' ')?.to_string()
                } else if l.starts_with('/') {
                    l.clone()
                } else {
                    return None;
                };
                (p.ends_with('/') && path.starts_with(&p)).then_some((p.len(), r))
            })
            .max_by_key(|(len, _)| *len)
            .map(|(_, r)| r)
    };
    let method_path = format!("{method} {path}");
    tags.iter()
        .find_map(|t| find(&|l| l == t))
        .or_else(|| find(&|l| l == method_path))
        .or_else(|| longest_prefix(true))
        .or_else(|| find(&|l| l == path))
        .or_else(|| longest_prefix(false))
}

/// Whether the request is over its rule's limit (counting it).
async fn limited(req: &ServiceRequest, core: &Core) -> bool {
    let settings = core.settings.get();
    let rl = &settings["rateLimits"];
    if !rl["enabled"].as_bool().unwrap_or(false) {
        return false;
    }
    let ip = client_ip(req.request(), &settings);
    let excluded = rl["excludedIPs"]
        .as_array()
        .is_some_and(|a| a.iter().any(|v| v.as_str() == Some(ip.as_str())));
    if excluded {
        return false;
    }
    let (method, path) = (req.method().as_str(), req.path());
    let rules = rl["rules"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    let Some(rule) = matching_rule(rules, &tags(core, method, path), method, path) else {
        return false;
    };
    let audience = rule["audience"].as_str().unwrap_or_default();
    if !audience.is_empty() {
        let token = req
            .headers()
            .get(actix_web::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        let is_auth = !token.trim().is_empty()
            && crate::auth::resolve::resolve_token(core, token)
                .await
                .is_some();
        if (audience == "@guest" && is_auth) || (audience == "@auth" && !is_auth) {
            return false;
        }
    }
    let max = rule["maxRequests"].as_u64().unwrap_or(0);
    let secs = rule["duration"].as_u64().unwrap_or(0).max(1);
    let key = format!(
        "rl:{}:{audience}:{ip}",
        rule["label"].as_str().unwrap_or_default()
    );
    core.settings.store.hit(&key, Duration::from_secs(secs)) > max
}

/// The middleware.
pub async fn check(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let core = req.app_data::<web::Data<Core>>().cloned();
    if let Some(core) = core
        && limited(&req, &core).await
    {
        return Ok(req.error_response(too_many()));
    }
    Ok(next.call(req).await?.map_into_boxed_body())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::matching_rule;

    #[test]
    fn resolution_order() {
        let rules = vec![
            json!({"label": "/api/"}),
            json!({"label": "/api/collections/"}),
            json!({"label": "*:auth"}),
            json!({"label": "users:auth"}),
            json!({"label": "POST /api/batch"}),
        ];
        let tags = vec!["users:auth".to_string(), "*:auth".to_string()];
        let p = "/api/collections/users/auth-with-password";
        let r = |t: &[String], m: &str, p: &str| {
            matching_rule(&rules, t, m, p).map(|r| r["label"].clone())
        };
        assert_eq!(r(&tags, "POST", p), Some(json!("users:auth")));
        assert_eq!(r(&tags[1..], "POST", p), Some(json!("*:auth")));
        assert_eq!(r(&[], "POST", "/api/batch"), Some(json!("POST /api/batch")));
        assert_eq!(r(&[], "GET", p), Some(json!("/api/collections/")));
        assert_eq!(r(&[], "GET", "/api/health"), Some(json!("/api/")));
        assert_eq!(r(&[], "GET", "/other"), None);
    }
}
