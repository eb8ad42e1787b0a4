//! `POST /api/files/token` (any auth record): a short-lived `file` token for protected files,
//! `{"token": …}`.

use actix_web::HttpResponse;
use serde_json::json;

use crate::auth::{record_tokens, tokens};
use crate::error::ApiError;
use crate::http::extract::RequireAuth;

/// Issue a file token.
pub async fn handler(RequireAuth(auth): RequireAuth) -> Result<HttpResponse, ApiError> {
    let record = auth.record.ok_or_else(ApiError::unauthorized)?;
    let token = record_tokens::issue(&record, tokens::FILE, None, None)?;
    Ok(HttpResponse::Ok().json(json!({"token": token})))
}
