//! `POST /api/batch`: several record writes in one transaction. Off until enabled in settings;
//! each sub-request is checked against its own rule; the first failure rolls everything back.
//! Files come as multipart parts named `requests.N.field` (or `requests[N].field`, modifiers
//! allowed) and go to sub-request N; they are stored as each write runs, removed again if the
//! batch rolls back, and the files the batch made obsolete are removed once it commits.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock};
use std::time::Duration;

use actix_web::{HttpRequest, HttpResponse, web};
use regex::Regex;
use serde_json::{Map, Value, json};

use crate::auth::AuthInfo;
use crate::auth::resolve::resolve_token;
use crate::core::Core;
use crate::error::{ApiError, FieldError, FieldErrors, msg};
use crate::files::{FileTxn, Upload};
use crate::http::body::read_body;
use crate::http::extract::{Auth, core_of, request_info};
use crate::records::exec::{BatchSession, Exec};
use crate::records::fields_picker::FieldsPicker;
use crate::records::pipeline;

/// Default body limit of a batch (PocketBase: 128 MiB).
const DEFAULT_MAX_BODY: u64 = 128 << 20;

#[expect(clippy::unwrap_used, reason = "constant patterns")]
static COLLECTION_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^/api/collections/([^/?#]+)/records/?(?:\?(.*))?$").unwrap());
#[expect(clippy::unwrap_used, reason = "constant patterns")]
static RECORD_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^/api/collections/([^/?#]+)/records/([^/?#]+)/?(?:\?(.*))?$").unwrap()
});

fn read_failed() -> ApiError {
    ApiError::bad_request("Failed to read the submitted batch data.")
}

fn invalid(code: &'static str, message: String, params: Option<Value>) -> ApiError {
    let mut e = FieldError::new(code, message);
    if let Some(p) = params {
        e = e.with_params(p);
    }
    let mut errors = FieldErrors::new();
    errors.add("requests", e);
    ApiError::validation("Invalid batch request data.", errors)
}

/// Run a batch of record writes.
pub async fn handler(
    req: HttpRequest,
    Auth(auth): Auth,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let core = core_of(&req)?;
    let (enabled, max_requests, timeout, max_body) = core.settings.batch();
    if !enabled {
        return Err(ApiError::forbidden("Batch requests are not allowed."));
    }
    let limit = if max_body == 0 {
        DEFAULT_MAX_BODY
    } else {
        max_body
    };
    let mut body = read_body(&req, payload, usize::try_from(limit).unwrap_or(usize::MAX))
        .await
        .map_err(|e| if e.status == 413 { e } else { read_failed() })?;
    let mut uploads = route_files(std::mem::take(&mut body.files));
    let requests = match body.data.get("requests") {
        Some(Value::Array(items)) => items.clone(),
        None | Some(Value::Null) => Vec::new(),
        Some(_) => return Err(read_failed()),
    };
    if requests.is_empty() {
        return Err(invalid(
            "validation_required",
            "Cannot be blank.".into(),
            None,
        ));
    }
    if max_requests > 0 && requests.len() as u64 > max_requests {
        return Err(invalid(
            "validation_length_too_long",
            format!("The length must be no more than {max_requests}."),
            Some(json!({"max": max_requests, "min": 0})),
        ));
    }
    let seconds = if timeout == 0 { 3600 } else { timeout };
    let session = core.storage.session(Duration::from_secs(seconds)).await?;
    let batch = Arc::new(BatchSession::new(session));
    let exec = Exec::Batch(batch.clone());
    let txn = FileTxn::new();
    let mut responses = Vec::with_capacity(requests.len());
    for (i, sub) in requests.iter().enumerate() {
        let files = pipeline::WriteFiles {
            uploads: uploads.remove(&i).unwrap_or_default(),
            txn: txn.clone(),
        };
        match run_one(&core, &exec, &req, &auth, sub, files).await {
            Ok(r) => responses.push(r),
            Err(e) => {
                drop(exec);
                if let Ok(b) = Arc::try_unwrap(batch)
                    && let Err(rb) = b.rollback().await
                {
                    tracing::error!(error = %rb, "batch rollback failed");
                }
                txn.rollback().await;
                let mut failed = Map::new();
                failed.insert(
                    i.to_string(),
                    json!({"code": "batch_request_failed", "message": "Batch request failed.", "response": e.to_json()}),
                );
                let mut data = Map::new();
                data.insert("requests".into(), Value::Object(failed));
                return Err(ApiError::bad_request("Batch transaction failed.").with_data(data));
            }
        }
    }
    drop(exec);
    let batch =
        Arc::try_unwrap(batch).map_err(|_| ApiError::internal("batch session still shared"))?;
    if let Err(e) = batch.commit(&core).await {
        txn.rollback().await;
        return Err(e);
    }
    txn.commit().await;
    Ok(HttpResponse::Ok().json(responses))
}

/// The sub-request index and body key of a batch file part: `requests.N.key` or
/// `requests[N].key`.
fn file_target(part: &str) -> Option<(usize, String)> {
    let rest = part.strip_prefix("requests")?;
    let (index, key) = if let Some(r) = rest.strip_prefix('[') {
        let (n, k) = r.split_once(']')?;
        (n, k.strip_prefix('.')?)
    } else {
        rest.strip_prefix('.')?.split_once('.')?
    };
    let index = index.parse().ok()?;
    (!key.is_empty()).then(|| (index, key.to_string()))
}

/// Groups file parts by sub-request; parts of any other name are dropped.
fn route_files(files: Vec<(String, Upload)>) -> HashMap<usize, Vec<(String, Upload)>> {
    let mut out: HashMap<usize, Vec<(String, Upload)>> = HashMap::new();
    for (part, upload) in files {
        if let Some((i, key)) = file_target(&part) {
            out.entry(i).or_default().push((key, upload));
        }
    }
    out
}

fn query_map(query: Option<&str>) -> Map<String, Value> {
    web::Query::<std::collections::HashMap<String, String>>::from_query(query.unwrap_or_default())
        .map(|q| {
            q.into_inner()
                .into_iter()
                .map(|(k, v)| (k, Value::String(v)))
                .collect()
        })
        .unwrap_or_default()
}

/// One sub-request → `{"body": …, "status": …}`.
async fn run_one(
    core: &Arc<Core>,
    exec: &Exec,
    req: &HttpRequest,
    auth: &AuthInfo,
    sub: &Value,
    files: pipeline::WriteFiles,
) -> Result<Value, ApiError> {
    let method = sub["method"]
        .as_str()
        .unwrap_or_default()
        .to_ascii_uppercase();
    let url = sub["url"].as_str().unwrap_or_default();
    let body = sub["body"].as_object().cloned().unwrap_or_default();
    // A sub-request may carry its own Authorization header.
    let auth = match sub["headers"].as_object().and_then(|h| {
        h.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("authorization"))
    }) {
        Some((_, v)) => resolve_token(core, v.as_str().unwrap_or_default())
            .await
            .unwrap_or_default(),
        None => auth.clone(),
    };
    let route = if let Some(caps) = RECORD_RE.captures(url) {
        Some((
            caps[1].to_string(),
            Some(caps[2].to_string()),
            caps.get(3).map(|m| m.as_str().to_string()),
        ))
    } else {
        COLLECTION_RE.captures(url).map(|caps| {
            (
                caps[1].to_string(),
                None,
                caps.get(2).map(|m| m.as_str().to_string()),
            )
        })
    };
    let Some((collection, id, query)) = route else {
        return Err(ApiError::bad_request(msg::BAD_REQUEST));
    };
    let c = core
        .schema
        .load()
        .find(&collection)
        .ok_or_else(|| ApiError::new(404, msg::MISSING_COLLECTION))?;
    let mut info = request_info(req, auth.clone(), Map::new());
    info.method = method.clone();
    info.context = "batch".into();
    info.query = query_map(query.as_deref());
    let record = match (method.as_str(), id) {
        ("POST", None) => {
            pipeline::create_with_files(core, exec, c, info.clone(), body, false, files).await?
        }
        ("PATCH", Some(id)) => {
            pipeline::update_with_files(core, exec, c, &id, info.clone(), body, false, files)
                .await?
        }
        ("DELETE", Some(id)) => {
            pipeline::delete_with_files(core, exec, c, &id, info, files.txn).await?;
            return Ok(json!({"body": null, "status": 204}));
        }
        ("PUT", None) => {
            let existing = match body
                .get("id")
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
            {
                Some(id) => pipeline::find(core, exec, &c, id)
                    .await?
                    .map(|_| id.to_string()),
                None => None,
            };
            match existing {
                Some(id) => {
                    pipeline::update_with_files(
                        core,
                        exec,
                        c,
                        &id,
                        info.clone(),
                        body,
                        false,
                        files,
                    )
                    .await?
                }
                None => {
                    pipeline::create_with_files(core, exec, c, info.clone(), body, false, files)
                        .await?
                }
            }
        }
        _ => return Err(ApiError::bad_request(msg::BAD_REQUEST)),
    };
    let expand = info
        .query
        .get("expand")
        .and_then(Value::as_str)
        .map(str::to_string);
    let fields = info
        .query
        .get("fields")
        .and_then(Value::as_str)
        .map(str::to_string);
    let rendered =
        crate::http::render::records_with(core, exec, info, vec![record], expand.as_deref())
            .await?
            .into_iter()
            .next()
            .unwrap_or(Value::Null);
    let rendered = match fields.as_deref().and_then(FieldsPicker::parse) {
        Some(p) => p.pick(rendered),
        None => rendered,
    };
    Ok(json!({"body": rendered, "status": 200}))
}

#[cfg(test)]
mod tests {
    use super::file_target;

    #[test]
    fn file_parts_name_their_sub_request() {
        assert_eq!(file_target("requests.0.doc"), Some((0, "doc".into())));
        assert_eq!(file_target("requests[12].doc+"), Some((12, "doc+".into())));
        assert_eq!(file_target("requests.3.+doc"), Some((3, "+doc".into())));
        for bad in [
            "doc",
            "requests.x.doc",
            "requests[1]doc",
            "requests.1.",
            "requests",
        ] {
            assert_eq!(file_target(bad), None, "{bad}");
        }
    }
}
