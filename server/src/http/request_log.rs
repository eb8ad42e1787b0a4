//! The request logger (PocketBase's activity logger): after each response, an entry with the
//! method, url, status, execTime, referer, user agent, caller and IPs goes to the log queue
//! ([`crate::logs::Logs::push`], never a write on the request's path).
//!
//! As PocketBase does: nothing is logged when `settings.logs.maxDays` is 0 or the entry's level
//! is below `minLevel`; IPs only with `logIP`, the caller's id only with `logAuthId`; a failed
//! request is level 8 (error) with the API error's message and details. Successful requests are
//! not logged for the routes PocketBase marks so — the logs API itself, the realtime
//! connections, the OAuth2 redirect (its URL carries the code) and the console's static files —
//! nor CORS preflights, which PocketBase answers before its logger.

use std::time::Instant;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, header};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage, web};
use serde_json::{Map, Value, json};

use crate::core::Core;
use crate::error::ApiError;
use crate::logs::{Entry, LEVEL_ERROR, LEVEL_INFO};

/// Who made the request, left in the request's extensions by the auth extractor.
#[derive(Debug, Clone)]
pub struct Caller {
    pub collection: String,
    pub id: String,
}

/// PocketBase's length caps for the logged strings.
const MAX_METHOD: usize = 50;
const MAX_URL: usize = 3000;
const MAX_HEADER: usize = 2000;

fn cut(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => s[..i].to_string(),
        None => s.to_string(),
    }
}

/// Routes whose successful requests are not logged.
fn skip_success(path: &str) -> bool {
    path == "/api/logs"
        || path.starts_with("/api/logs/")
        || path == "/api/realtime"
        || path == "/api/realtime/ws"
        || path == "/api/oauth2-redirect"
        || path == "/_"
        || path.starts_with("/_/")
}

/// The middleware.
pub async fn log_requests(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let Some(core) = req.app_data::<web::Data<Core>>().cloned() else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let settings = core.settings.get();
    let logs = &settings["logs"];
    let preflight = req.method() == Method::OPTIONS
        && req
            .headers()
            .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    if logs["maxDays"].as_i64().unwrap_or(0) <= 0 || preflight {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    let started = Instant::now();
    let method = cut(req.method().as_str(), MAX_METHOD);
    let url = cut(
        req.uri()
            .path_and_query()
            .map(|p| p.as_str())
            .unwrap_or("/"),
        MAX_URL,
    );
    let header_text = |name: header::HeaderName| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(|v| cut(v, MAX_HEADER))
            .unwrap_or_default()
    };
    let (referer, user_agent) = (
        header_text(header::REFERER),
        header_text(header::USER_AGENT),
    );
    let ips = logs["logIP"].as_bool().unwrap_or(true).then(|| {
        let remote = req
            .peer_addr()
            .map(|a| a.ip().to_string())
            .unwrap_or_default();
        (
            super::rate_limit::client_ip(req.request(), &settings),
            remote,
        )
    });
    let skip = skip_success(req.path());

    let res = next.call(req).await?.map_into_boxed_body();

    let status = res.status().as_u16();
    let api_error = res
        .response()
        .error()
        .and_then(|e| e.as_error::<ApiError>());
    let failed = status >= 400;
    if skip && !failed {
        return Ok(res);
    }
    let level = if failed { LEVEL_ERROR } else { LEVEL_INFO };
    if level < logs["minLevel"].as_i64().unwrap_or(0) {
        return Ok(res);
    }
    let mut data = Map::with_capacity(12);
    data.insert("type".into(), json!("request"));
    data.insert(
        "execTime".into(),
        json!(started.elapsed().as_secs_f64() * 1000.0),
    );
    if failed {
        let (message, details) = match api_error {
            Some(e) => (
                e.message.clone(),
                if e.data.is_empty() {
                    Value::Null
                } else {
                    Value::Object(e.data.clone())
                },
            ),
            None => (
                res.status()
                    .canonical_reason()
                    .unwrap_or_default()
                    .to_string(),
                Value::Null,
            ),
        };
        data.insert("error".into(), json!(message));
        data.insert("details".into(), details);
    }
    let caller = res.request().extensions().get::<Caller>().cloned();
    data.insert("url".into(), json!(url));
    data.insert("method".into(), json!(method));
    data.insert("status".into(), json!(status));
    data.insert("referer".into(), json!(referer));
    data.insert("userAgent".into(), json!(user_agent));
    data.insert(
        "auth".into(),
        json!(caller.as_ref().map(|c| c.collection.as_str()).unwrap_or("")),
    );
    if logs["logAuthId"].as_bool().unwrap_or(false)
        && let Some(c) = &caller
    {
        data.insert("authId".into(), json!(c.id));
    }
    if let Some((user_ip, remote_ip)) = ips {
        data.insert("userIP".into(), json!(user_ip));
        data.insert("remoteIP".into(), json!(remote_ip));
    }
    // The message shows the path unescaped, as PocketBase's does.
    let shown = percent_encoding::percent_decode_str(&url)
        .decode_utf8()
        .map(|s| s.into_owned())
        .unwrap_or_else(|_| url.clone());
    core.logs.push(Entry {
        id: crate::schema::ids::record_id(),
        created: crate::schema::ids::now_string(),
        level,
        message: format!("{method} {shown}"),
        data,
    });
    Ok(res)
}
