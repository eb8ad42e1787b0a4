//! Turning an `Authorization` header into [`AuthInfo`], and issuing auth tokens.

use std::sync::Arc;

use super::AuthInfo;
use super::tokens::{self, Claims};
use crate::core::Core;
use crate::error::ApiError;
use crate::records::{Record, cached_read, read};

/// Resolves a raw token. Any problem (malformed, unknown record, bad signature, expired, not an
/// auth token) yields `None`; callers decide whether that means guest or 401.
pub async fn resolve_token(core: &Core, raw: &str) -> Option<AuthInfo> {
    let token = tokens::from_header(raw);
    if token.is_empty() {
        return None;
    }
    let claims = tokens::peek(token).ok()?;
    if claims.kind != tokens::AUTH {
        return None;
    }
    let collection = core.schema.load().by_id(&claims.collection_id)?;
    let auth = collection.auth.as_ref()?;
    let secret = auth.token_secret("authToken").to_string();
    let record = cached_read::find_by_id(core, &collection, &claims.id)
        .await
        .ok()?
        .ok()??;
    tokens::verify(token, record.get_str("tokenKey"), &secret).ok()?;
    Some(AuthInfo {
        record: Some(record),
        collection: Some(collection),
    })
}

/// A new auth token for `record` (refreshable unless impersonated).
pub fn issue_auth_token(
    record: &Record,
    refreshable: bool,
    duration_override: Option<i64>,
) -> Result<String, ApiError> {
    let c = &record.collection;
    let auth = c
        .auth
        .as_ref()
        .ok_or_else(|| ApiError::bad_request(crate::error::msg::MISSING_AUTH_COLLECTION))?;
    let duration = duration_override
        .filter(|d| *d > 0)
        .unwrap_or_else(|| auth.token_duration("authToken"));
    let claims = Claims {
        collection_id: c.id.clone(),
        // NOTE: saturating: an impersonation `duration` is any non-negative number the client
        // sends (PocketBase only checks >= 0), and an overflow must not panic the worker.
        exp: chrono::Utc::now().timestamp().saturating_add(duration),
        id: record.id().to_string(),
        refreshable: Some(refreshable),
        kind: tokens::AUTH.to_string(),
        ..Claims::default()
    };
    tokens::sign(
        &claims,
        record.get_str("tokenKey"),
        auth.token_secret("authToken"),
    )
    .map_err(ApiError::internal)
}

/// Whether a token of this record may be refreshed (impersonation tokens may not).
pub fn is_refreshable(raw: &str) -> bool {
    tokens::peek(tokens::from_header(raw))
        .ok()
        .and_then(|c| c.refreshable)
        .unwrap_or(false)
}

/// Password authentication against an auth collection's identity fields.
pub async fn authenticate_with_password(
    core: &Core,
    c: &Arc<crate::schema::Collection>,
    identity: &str,
    identity_field: Option<&str>,
    password: &str,
) -> Result<Record, ApiError> {
    let fail = || ApiError::bad_request("Failed to authenticate.");
    let auth = c.auth.as_ref().ok_or_else(fail)?;
    if !auth.password_auth_enabled() {
        return Err(ApiError::forbidden(
            "The collection is not configured to allow password authentication.",
        ));
    }
    let mut fields = auth.identity_fields();
    if let Some(f) = identity_field.filter(|f| !f.is_empty()) {
        if !fields.iter().any(|x| x == f) {
            return Err(fail());
        }
        fields = vec![f.to_string()];
    }
    // The first-superuser installer's temporary account only works through its printed link.
    if identity.is_empty()
        || password.is_empty()
        || crate::app::installer::is_installer(&c.name, identity)
    {
        return Err(fail());
    }
    let c2 = c.clone();
    let identity = identity.to_string();
    let found = core
        .storage
        .read(move |conn| {
            for field in fields {
                let rows = read::find_by_field(conn, &c2, &field, &identity, 1)?;
                if let Some(r) = rows.into_iter().next() {
                    return Ok(Some(r));
                }
            }
            Ok::<_, sea_orm::DbErr>(None)
        })
        .await?
        .map_err(ApiError::internal)?;
    let plain = password.to_string();
    let hash = found
        .as_ref()
        .map(|r| r.get_str("password").to_string())
        .unwrap_or_default();
    // Verify even when no record matched, so timing does not reveal which identities exist.
    let ok = tokio::task::spawn_blocking(move || {
        if hash.is_empty() {
            let _ = super::password::verify(
                &plain,
                "$2a$10$abcdefghijklmnopqrstuuSQeXqgMwnJeRW2cpSqsQ0LWvsA5Yq4a",
            );
            false
        } else {
            super::password::verify(&plain, &hash)
        }
    })
    .await
    .map_err(ApiError::internal)?;
    match found {
        Some(r) if ok => Ok(r),
        _ => Err(fail()),
    }
}
