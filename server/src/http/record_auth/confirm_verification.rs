//! `POST /api/collections/{collection}/confirm-verification`: marks the record of a valid
//! verification token verified (204; again 204 when it already is).

use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::{Map, Value};

use crate::auth::{SUPERUSERS, record_tokens, system, tokens};
use crate::error::{ApiError, FieldError, FieldErrors, msg};
use crate::http::extract::core_of;

/// Confirm an email address with a verification token.
pub async fn handler(
    req: HttpRequest,
    path: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let core = core_of(&req)?;
    let c = super::auth_collection(&core, &path)?;
    if c.name == SUPERUSERS {
        return Err(ApiError::bad_request(super::ALL_SUPERUSERS_VERIFIED));
    }
    let body = super::read_object(&req, payload).await?;
    let token = super::text(&body, "token");
    let mut errors = FieldErrors::new();
    let mut found = None;
    if token.is_empty() {
        errors.add("token", FieldError::required());
    } else if tokens::peek(&token)
        .ok()
        .and_then(|c| c.email)
        .is_none_or(|e| e.is_empty())
    {
        errors.add(
            "token",
            FieldError::new(
                "validation_invalid_token_claims",
                "Missing email token claim.",
            ),
        );
    } else {
        match record_tokens::find_record(&core, &token, tokens::VERIFICATION).await {
            None => errors.add("token", super::invalid_token()),
            Some((record, _)) if record.collection.id != c.id => {
                errors.add("token", super::collection_mismatch());
            }
            Some((record, claims)) if claims.email.as_deref() != Some(record.get_str("email")) => {
                errors.add(
                    "token",
                    FieldError::new(
                        "validation_token_email_mismatch",
                        "The record email doesn't match with the requested token claims.",
                    ),
                );
            }
            Some((record, _)) => found = Some(record),
        }
    }
    errors.into_result(msg::VALIDATION)?;
    if let Some(record) = found.filter(|r| !r.get_bool("verified")) {
        let mut patch = Map::new();
        patch.insert("verified".into(), Value::Bool(true));
        system::update(&core, &record, patch).await?;
    }
    Ok(HttpResponse::NoContent().finish())
}
