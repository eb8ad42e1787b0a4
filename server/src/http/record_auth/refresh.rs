//! `POST /api/collections/{collection}/auth-refresh`: a new token for the current auth record.

use actix_web::{HttpRequest, HttpResponse, web};

use crate::auth::resolve::{is_refreshable, issue_auth_token};
use crate::error::ApiError;
use crate::http::extract::{RequireAuth, core_of};
use crate::http::params::FieldsParams;

/// Refresh the auth token.
pub async fn handler(
    req: HttpRequest,
    path: web::Path<String>,
    params: web::Query<FieldsParams>,
    RequireAuth(auth): RequireAuth,
) -> Result<HttpResponse, ApiError> {
    let core = core_of(&req)?;
    let c = super::auth_collection(&core, &path)?;
    let (Some(record), Some(token_collection)) = (auth.record, auth.collection) else {
        return Err(ApiError::unauthorized());
    };
    if token_collection.id != c.id {
        return Err(ApiError::forbidden(format!(
            "The request requires auth record from {} collection.",
            token_collection.name
        )));
    }
    let raw = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let token = if is_refreshable(raw) {
        issue_auth_token(&record, true, None)?
    } else {
        crate::auth::tokens::from_header(raw).to_string()
    };
    let body = super::auth_response(&core, record, token, params.expand.as_deref()).await?;
    Ok(HttpResponse::Ok().json(params.pick(body)))
}
