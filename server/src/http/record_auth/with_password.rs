//! `POST /api/collections/{collection}/auth-with-password`.

use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::Value;

use super::respond::{self, Success};
use crate::auth::mfa;
use crate::auth::resolve::authenticate_with_password;
use crate::error::{ApiError, FieldError, FieldErrors, msg};
use crate::http::body::read_object;
use crate::http::extract::core_of;
use crate::http::params::FieldsParams;

/// Authenticate with identity and password.
pub async fn handler(
    req: HttpRequest,
    path: web::Path<String>,
    params: web::Query<FieldsParams>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let core = core_of(&req)?;
    let c = super::auth_collection(&core, &path)?;
    let body = read_object(&req, payload).await?;
    let get = |k: &str| {
        body.get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let (identity, password, identity_field) =
        (get("identity"), get("password"), get("identityField"));
    let mut errors = FieldErrors::new();
    if identity.is_empty() {
        errors.add("identity", FieldError::required());
    }
    if password.is_empty() {
        errors.add("password", FieldError::required());
    }
    errors.into_result(msg::VALIDATION)?;
    let guard = super::brute_force::Guard::password(&core, &req, &c, &identity)?;
    let record = authenticate_with_password(
        &core,
        &c,
        &identity,
        Some(identity_field.as_str()),
        &password,
    )
    .await
    .inspect_err(|e| guard.failed(e))?;
    guard.succeeded();
    let success = Success {
        record,
        method: mfa::PASSWORD,
        mfa_id: respond::mfa_id(&req, &body),
        meta: None,
    };
    respond::finish(&core, &req, &c, &params, success).await
}
