//! Extractors that state a handler's auth requirement in its signature: [`Auth`] (anyone; guest
//! when the token is missing or invalid) and [`RequireSuperuser`] (401 guest / 403 other auth).

use std::sync::Arc;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use futures_util::future::LocalBoxFuture;

use crate::auth::AuthInfo;
use crate::auth::resolve::resolve_token;
use crate::core::Core;
use crate::error::{ApiError, msg};

pub fn core_of(req: &HttpRequest) -> Result<Arc<Core>, ApiError> {
    req.app_data::<web::Data<Core>>()
        .map(|d| d.clone().into_inner())
        .ok_or_else(|| ApiError::internal("missing app state"))
}

fn header_token(req: &HttpRequest) -> Option<String> {
    req.headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .filter(|s| !s.trim().is_empty())
}

/// The requester (guest when no valid token was sent).
pub struct Auth(pub AuthInfo);

impl FromRequest for Auth {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let core = core_of(req);
        let token = header_token(req);
        let req = req.clone();
        Box::pin(async move {
            let core = core?;
            let info = match token {
                Some(t) => resolve_token(&core, &t).await.unwrap_or_default(),
                None => AuthInfo::guest(),
            };
            // The request log names the caller without resolving the token a second time.
            if let (Some(c), Some(r)) = (&info.collection, &info.record) {
                req.extensions_mut().insert(super::request_log::Caller {
                    collection: c.name.clone(),
                    id: r.id().to_string(),
                });
            }
            Ok(Self(info))
        })
    }
}

/// Requires a superuser token.
pub struct RequireSuperuser(pub AuthInfo);

impl FromRequest for RequireSuperuser {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let auth = Auth::from_request(req, payload);
        Box::pin(async move {
            let Auth(info) = auth.await?;
            if info.is_guest() {
                Err(ApiError::unauthorized())
            } else if !info.is_superuser() {
                Err(ApiError::forbidden(msg::FORBIDDEN_AUTH))
            } else {
                Ok(Self(info))
            }
        })
    }
}

/// Requires any valid auth token.
pub struct RequireAuth(pub AuthInfo);

impl FromRequest for RequireAuth {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let auth = Auth::from_request(req, payload);
        Box::pin(async move {
            let Auth(info) = auth.await?;
            if info.is_guest() {
                Err(ApiError::unauthorized())
            } else {
                Ok(Self(info))
            }
        })
    }
}

/// What rules may see of this request (`@request.*`), with the given auth and body.
pub fn request_info(
    req: &HttpRequest,
    auth: AuthInfo,
    body: serde_json::Map<String, serde_json::Value>,
) -> crate::records::resolver::RequestInfo {
    use serde_json::Value;
    let query =
        web::Query::<std::collections::HashMap<String, String>>::from_query(req.query_string())
            .map(|q| {
                q.into_inner()
                    .into_iter()
                    .map(|(k, v)| (k, Value::String(v)))
                    .collect()
            })
            .unwrap_or_default();
    let headers = req
        .headers()
        .iter()
        .filter_map(|(k, v)| {
            Some((
                k.as_str().to_ascii_lowercase().replace('-', "_"),
                Value::String(v.to_str().ok()?.to_string()),
            ))
        })
        .collect();
    crate::records::resolver::RequestInfo {
        auth,
        context: "default".into(),
        method: req.method().as_str().to_string(),
        query,
        headers,
        body,
    }
}
