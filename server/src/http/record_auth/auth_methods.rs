//! `GET /api/collections/{collection}/auth-methods`: which ways to sign in a collection offers,
//! in PocketBase's shape (including the legacy `authProviders`, `usernamePassword`,
//! `emailPassword` keys). Durations are 0 while a method is disabled.

use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::{Value, json};

use crate::auth::options;
use crate::error::ApiError;
use crate::http::extract::core_of;
use crate::http::params::FieldsParams;

/// List the collection's auth methods.
pub async fn handler(
    req: HttpRequest,
    path: web::Path<String>,
    params: web::Query<FieldsParams>,
) -> Result<HttpResponse, ApiError> {
    let core = core_of(&req)?;
    let c = super::auth_collection(&core, &path)?;
    let auth = c.auth.as_ref().ok_or_else(ApiError::not_found)?;
    let password_enabled = auth.password_auth_enabled();
    let identity_fields = if password_enabled {
        auth.identity_fields()
    } else {
        Vec::new()
    };
    let has = |f: &str| identity_fields.iter().any(|x| x == f);
    let (mfa, otp) = (options::mfa(&c), options::otp(&c));
    let oauth2_enabled = options::oauth2_enabled(&c);
    let providers: Vec<Value> = if oauth2_enabled {
        crate::auth::oauth2::auth_methods_providers(&core, &c)
    } else {
        Vec::new()
    };
    let legacy: Vec<Value> = providers
        .iter()
        .map(|p| {
            let mut p = p.clone();
            p["logo"] = json!("");
            p
        })
        .collect();
    let body = json!({
        "password": {"identityFields": identity_fields, "enabled": password_enabled},
        "oauth2": {"providers": providers, "enabled": oauth2_enabled},
        "mfa": {"enabled": mfa.enabled, "duration": if mfa.enabled { mfa.duration } else { 0 }},
        "otp": {"enabled": otp.enabled, "duration": if otp.enabled { otp.duration } else { 0 }},
        "authProviders": legacy,
        "usernamePassword": password_enabled && has("username"),
        "emailPassword": password_enabled && has("email"),
    });
    Ok(HttpResponse::Ok().json(params.pick(body)))
}
