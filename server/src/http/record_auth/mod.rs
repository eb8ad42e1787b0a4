//! Auth-collection endpoints: `/api/collections/{collection}/auth-*`.

pub mod auth_methods;
pub mod brute_force;
pub mod confirm_email_change;
pub mod confirm_password_reset;
pub mod confirm_verification;
pub mod file_token;
pub mod impersonate;
pub mod oauth2_redirect;
pub mod refresh;
pub mod request_email_change;
pub mod request_otp;
pub mod request_password_reset;
pub mod request_verification;
pub mod respond;
pub mod with_oauth2;
pub mod with_otp;
pub mod with_password;

use std::sync::Arc;

use actix_web::{HttpRequest, web};
use serde_json::{Map, Value, json};

use crate::core::Core;
use crate::error::{ApiError, FieldError, FieldErrors, msg};
use crate::records::resolver::RequestInfo;
use crate::records::{Record, serialize};
use crate::schema::Collection;

/// The path's auth collection or 404 "Missing or invalid auth collection context.".
pub fn auth_collection(core: &Core, id_or_name: &str) -> Result<Arc<Collection>, ApiError> {
    core.schema
        .load()
        .find(id_or_name)
        .filter(|c| c.is_auth())
        .ok_or_else(|| ApiError::new(404, msg::MISSING_AUTH_COLLECTION))
}

/// `{"record": …, "token": …}` (alphabetical, as PocketBase); `expand` applies to the record,
/// rendered for its owner (so `email` is always included).
pub async fn auth_response(
    core: &Arc<Core>,
    record: Record,
    token: String,
    expand: Option<&str>,
) -> Result<Value, ApiError> {
    if expand.is_none_or(str::is_empty) {
        return Ok(json!({"record": serialize::to_json_for_owner(&record), "token": token}));
    }
    let owner = crate::auth::AuthInfo {
        record: Some(record.clone()),
        collection: Some(record.collection.clone()),
    };
    let info = RequestInfo {
        auth: owner,
        context: "default".into(),
        ..RequestInfo::default()
    };
    let rendered = crate::http::render::record(core, info, record, expand).await?;
    Ok(json!({"record": rendered, "token": token}))
}

pub(crate) use crate::http::body::read_object;

/// A body value as text (`""` when missing or not a string).
pub(crate) fn text(body: &Map<String, Value>, key: &str) -> String {
    body.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

/// `validation_required` / `validation_is_email` for an email input.
pub(crate) fn check_email(errors: &mut FieldErrors, key: &str, value: &str) {
    if value.is_empty() {
        errors.add(key, FieldError::required());
    } else if !crate::schema::fields::email::is_email(value) {
        errors.add(
            key,
            FieldError::new("validation_is_email", "Must be a valid email address."),
        );
    }
}

/// The `email` of a `request-*` body, checked (PocketBase's validation error otherwise).
pub(crate) async fn read_email(
    req: &HttpRequest,
    payload: web::Payload,
) -> Result<String, ApiError> {
    let body = read_object(req, payload).await?;
    let email = text(&body, "email");
    let mut errors = FieldErrors::new();
    check_email(&mut errors, "email", &email);
    errors.into_result(msg::VALIDATION)?;
    Ok(email)
}

/// Mails `record` a link carrying a fresh token of `kind` bound to its email, rendered from the
/// collection's `template` option, in the background.
pub(crate) fn mail_token_link(
    core: &Arc<Core>,
    record: &Record,
    kind: &str,
    template: &str,
) -> Result<(), ApiError> {
    let to = record.get_str("email").to_string();
    let token = crate::auth::record_tokens::issue(record, kind, Some(&to), None)?;
    let m = crate::auth::mail::template::record_mail(
        &core.settings.get(),
        record,
        &[template],
        &to,
        &token,
        "",
    );
    crate::auth::mail::send_in_background(core, m);
    Ok(())
}

/// The error of an invalid, expired, forged or revoked token.
pub(crate) fn invalid_token() -> FieldError {
    FieldError::new("validation_invalid_token", "Invalid or expired token.")
}

/// The error of a valid token issued for another auth collection.
pub(crate) fn collection_mismatch() -> FieldError {
    FieldError::new(
        "validation_token_collection_mismatch",
        "The provided token is for different auth collection.",
    )
}

/// Mails of one kind are sent at most once per record in this window (PocketBase: 2 minutes);
/// returns whether this one may go.
pub(crate) fn may_resend(core: &Core, kind: &str, record: &Record) -> bool {
    core.settings.store.set_once(
        &format!("resend:{kind}:{}:{}", record.collection.id, record.id()),
        std::time::Duration::from_secs(120),
    )
}

pub(crate) const ALL_SUPERUSERS_VERIFIED: &str = "All superusers are verified by default.";
