//! The end of every successful first factor (password, OTP, OAuth2), as PocketBase's
//! `RecordAuthResponse`: the collection's `authRule`, then the MFA step (401 `{"mfaId"}` or
//! completion with a different method), then the sign-in origin and its new-device alert
//! ([`origins`]), then a new auth token and the auth response (`?expand=`/`?fields=` honoured;
//! `meta` for OAuth2).

use std::sync::Arc;

use actix_web::{HttpRequest, HttpResponse};
use serde_json::{Map, Value, json};

use crate::auth::mfa::{self, Step};
use crate::auth::resolve::issue_auth_token;
use crate::auth::{AuthInfo, options, origins};
use crate::core::Core;
use crate::error::ApiError;
use crate::http::params::FieldsParams;
use crate::records::Record;
use crate::records::rules::Gate;
use crate::schema::Collection;

const AUTH_RULE_FAILED: &str =
    "The request doesn't satisfy the collection requirements to authenticate.";

/// Whether `rule` holds for `record`, evaluated with the record itself as `@request.auth`.
async fn record_matches(
    core: &Arc<Core>,
    req: &HttpRequest,
    c: &Arc<Collection>,
    record: &Record,
    rule: &str,
    context: &str,
) -> Result<bool, ApiError> {
    let owner = AuthInfo {
        record: Some(record.clone()),
        collection: Some(c.clone()),
    };
    let mut info = crate::http::extract::request_info(req, owner, Map::new());
    info.context = context.into();
    let gate = Gate::Expression(rule.to_string());
    let found = crate::records::pipeline::find_with_rule(
        core,
        &crate::records::exec::Exec::Direct,
        c,
        record.id(),
        &info,
        &gate,
    )
    .await?;
    Ok(found.is_some())
}

/// The collection's `authRule`: `null` refuses everyone, `""` allows everyone (403 otherwise).
pub async fn check_auth_rule(
    core: &Arc<Core>,
    req: &HttpRequest,
    c: &Arc<Collection>,
    record: &Record,
    context: &str,
) -> Result<(), ApiError> {
    let rule = c.auth.as_ref().and_then(|a| a.auth_rule.clone());
    let ok = match rule {
        None => false,
        Some(r) if r.trim().is_empty() => true,
        Some(r) => record_matches(core, req, c, record, &r, context).await?,
    };
    if ok {
        Ok(())
    } else {
        Err(ApiError::forbidden(AUTH_RULE_FAILED))
    }
}

/// `mfaId` from the query string, else from the body.
pub fn mfa_id(req: &HttpRequest, body: &Map<String, Value>) -> Option<String> {
    let query = actix_web::web::Query::<std::collections::HashMap<String, String>>::from_query(
        req.query_string(),
    )
    .ok()
    .and_then(|q| q.get("mfaId").cloned())
    .filter(|s| !s.is_empty());
    query.or_else(|| {
        body.get("mfaId")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    })
}

/// What a first factor hands over to [`finish`].
pub struct Success<'a> {
    pub record: Record,
    /// `password`, `otp` or `oauth2`.
    pub method: &'a str,
    pub mfa_id: Option<String>,
    /// OAuth2's `meta` (provider user + `isNew`).
    pub meta: Option<Value>,
}

/// authRule → MFA → origin (login alert) → token → response.
pub async fn finish(
    core: &Arc<Core>,
    req: &HttpRequest,
    c: &Arc<Collection>,
    params: &FieldsParams,
    success: Success<'_>,
) -> Result<HttpResponse, ApiError> {
    let Success {
        record,
        method,
        mfa_id,
        meta,
    } = success;
    check_auth_rule(core, req, c, &record, method).await?;
    let opts = options::mfa(c);
    let applies = if !opts.enabled || opts.rule.trim().is_empty() {
        true
    } else {
        record_matches(core, req, c, &record, &opts.rule, method).await?
    };
    if let Step::Required(id) = mfa::step(core, &record, method, mfa_id.as_deref(), applies).await?
    {
        return Ok(HttpResponse::Unauthorized().json(json!({"mfaId": id})));
    }
    if origins::alert_enabled(c) {
        let ip = crate::http::rate_limit::client_ip(req, &core.settings.get());
        let user_agent = req
            .headers()
            .get(actix_web::http::header::USER_AGENT)
            .map_or(&[][..], |v| v.as_bytes());
        let origin = origins::Origin::new(&ip, user_agent);
        if let Err(e) = origins::record_sign_in(core, &record, &origin).await {
            tracing::warn!(error = %e, "recording the sign-in origin failed");
        }
    }
    let token = issue_auth_token(&record, true, None)?;
    let mut body = super::auth_response(core, record, token, params.expand.as_deref()).await?;
    if let (Some(meta), Value::Object(obj)) = (meta, &mut body) {
        obj.insert("meta".into(), meta);
    }
    Ok(HttpResponse::Ok().json(params.pick(body)))
}
