//! Tokens of every kind for a record (`verification`, `passwordReset`, `emailChange`, `file`),
//! and finding the record a token belongs to, as PocketBase's `FindAuthRecordByToken` does:
//! read the claims unverified → the type must match → load the record of the claimed auth
//! collection → verify HS256 with `tokenKey + <kind>Token.secret` and the expiry.

use super::tokens::{self, Claims};
use crate::core::Core;
use crate::error::{ApiError, msg};
use crate::records::{Record, cached_read};

/// The collection option holding a token kind's secret and duration.
pub fn option_key(kind: &str) -> &'static str {
    match kind {
        tokens::VERIFICATION => "verificationToken",
        tokens::PASSWORD_RESET => "passwordResetToken",
        tokens::EMAIL_CHANGE => "emailChangeToken",
        tokens::FILE => "fileToken",
        _ => "authToken",
    }
}

/// Signs a token of `kind` for `record`, with the extra claims of that kind.
pub fn issue(
    record: &Record,
    kind: &str,
    email: Option<&str>,
    new_email: Option<&str>,
) -> Result<String, ApiError> {
    let c = &record.collection;
    let auth = c
        .auth
        .as_ref()
        .ok_or_else(|| ApiError::bad_request(msg::MISSING_AUTH_COLLECTION))?;
    let key = option_key(kind);
    let claims = Claims {
        collection_id: c.id.clone(),
        email: email.map(str::to_string),
        exp: chrono::Utc::now().timestamp() + auth.token_duration(key),
        id: record.id().to_string(),
        new_email: new_email.map(str::to_string),
        refreshable: None,
        kind: kind.to_string(),
    };
    tokens::sign(&claims, record.get_str("tokenKey"), auth.token_secret(key))
        .map_err(ApiError::internal)
}

/// The auth record a valid, unexpired token of `kind` was issued for, with its verified claims.
/// `None` for anything else (malformed, forged, `alg: none`, expired, other type, unknown
/// record, revoked through a new `tokenKey`).
pub async fn find_record(core: &Core, token: &str, kind: &str) -> Option<(Record, Claims)> {
    let claims = tokens::peek(token).ok()?;
    if claims.kind != kind {
        return None;
    }
    let collection = core.schema.load().by_id(&claims.collection_id)?;
    let secret = collection
        .auth
        .as_ref()?
        .token_secret(option_key(kind))
        .to_string();
    let record = cached_read::find_by_id(core, &collection, &claims.id)
        .await
        .ok()?
        .ok()??;
    let verified = tokens::verify(token, record.get_str("tokenKey"), &secret).ok()?;
    if verified.kind != kind || verified.id != record.id() {
        return None;
    }
    Some((record, verified))
}
