//! `POST /api/collections/{collection}/auth-with-oauth2`: `{provider, code, codeVerifier,
//! redirectURL (or legacy redirectUrl), createData?}` → auth response with `meta` (the
//! provider user, tokens, `rawUser`, `isNew`).

use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::{Map, Value, json};

use super::respond::{self, Success};
use crate::auth::oauth2::{Provider, link};
use crate::auth::{mfa, options};
use crate::error::{ApiError, FieldError, FieldErrors, msg};
use crate::http::extract::{Auth, core_of};
use crate::http::params::FieldsParams;

const OAUTH2_DISABLED: &str = "The collection is not configured to allow OAuth2 authentication.";

/// Authenticate with an OAuth2 authorization code.
pub async fn handler(
    req: HttpRequest,
    path: web::Path<String>,
    params: web::Query<FieldsParams>,
    Auth(auth): Auth,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let core = core_of(&req)?;
    let c = super::auth_collection(&core, &path)?;
    if !options::oauth2_enabled(&c) {
        return Err(ApiError::forbidden(OAUTH2_DISABLED));
    }
    let body = super::read_object(&req, payload).await?;
    let name = super::text(&body, "provider");
    let code = super::text(&body, "code");
    let verifier = super::text(&body, "codeVerifier");
    let mut redirect = super::text(&body, "redirectURL");
    if redirect.is_empty() {
        redirect = super::text(&body, "redirectUrl");
    }
    let mut errors = FieldErrors::new();
    for (key, value) in [
        ("provider", &name),
        ("code", &code),
        ("redirectURL", &redirect),
    ] {
        if value.is_empty() {
            errors.add(key, FieldError::required());
        }
    }
    let provider = Provider::of(&c, &name, &core.settings.sealer);
    if !name.is_empty() && provider.is_none() {
        errors.add(
            "provider",
            FieldError::new(
                "validation_invalid_provider",
                format!("Provider with name {name} is missing or is not enabled."),
            )
            .with_params(json!({"provider": name})),
        );
    }
    errors.into_result(msg::VALIDATION)?;
    let provider = provider.ok_or_else(|| ApiError::bad_request(msg::VALIDATION))?;
    let (user, mut meta) = provider
        .exchange(&code, &verifier, &redirect)
        .await
        .map_err(|e| {
            tracing::info!(error = %e, provider = %name, "OAuth2 sign-in failed");
            ApiError::bad_request("Failed to fetch OAuth2 token.")
        })?;
    let create_data = match body.get("createData") {
        Some(Value::Object(m)) => m.clone(),
        _ => Map::new(),
    };
    let (record, is_new) = link::resolve(&core, &c, &name, &user, auth.record, create_data).await?;
    meta["isNew"] = Value::Bool(is_new);
    let success = Success {
        record,
        method: mfa::OAUTH2,
        mfa_id: respond::mfa_id(&req, &body),
        meta: Some(meta),
    };
    respond::finish(&core, &req, &c, &params, success).await
}
