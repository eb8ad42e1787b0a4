//! `POST /api/collections/{collection}/auth-with-password`.

use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::Value;

use crate::auth::resolve::{authenticate_with_password, issue_auth_token};
use crate::error::{ApiError, FieldError, FieldErrors, msg};
use crate::http::body::read_body;
use crate::http::extract::core_of;
use crate::http::params::FieldsParams;
use crate::http::state::max_body;

/// Authenticate with identity and password.
pub async fn handler(
    req: HttpRequest,
    path: web::Path<String>,
    params: web::Query<FieldsParams>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let core = core_of(&req)?;
    let c = super::auth_collection(&core, &path)?;
    let body = read_body(&req, payload, max_body(&req)).await?.data;
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
    let record = authenticate_with_password(
        &core,
        &c,
        &identity,
        Some(identity_field.as_str()),
        &password,
    )
    .await?;
    check_auth_rule(&core, &req, &c, &record).await?;
    let token = issue_auth_token(&record, true, None)?;
    let body = super::auth_response(&core, record, token, params.expand.as_deref()).await?;
    Ok(HttpResponse::Ok().json(params.pick(body)))
}

/// The collection's `authRule`, evaluated with the authenticating record as `@request.auth`:
/// `null` refuses everyone, `""` allows everyone.
async fn check_auth_rule(
    core: &std::sync::Arc<crate::core::Core>,
    req: &HttpRequest,
    c: &std::sync::Arc<crate::schema::Collection>,
    record: &crate::records::Record,
) -> Result<(), ApiError> {
    let refused = || {
        ApiError::forbidden(
            "The request doesn't satisfy the collection requirements to authenticate.",
        )
    };
    let rule = c.auth.as_ref().and_then(|a| a.auth_rule.clone());
    match rule {
        None => Err(refused()),
        Some(r) if r.trim().is_empty() => Ok(()),
        Some(r) => {
            let owner = crate::auth::AuthInfo {
                record: Some(record.clone()),
                collection: Some(c.clone()),
            };
            let mut info = crate::http::extract::request_info(req, owner, serde_json::Map::new());
            info.context = "password".into();
            let gate = crate::records::rules::Gate::Expression(r);
            match crate::records::pipeline::find_with_rule(
                core,
                &crate::records::exec::Exec::Direct,
                c,
                record.id(),
                &info,
                &gate,
            )
            .await?
            {
                Some(_) => Ok(()),
                None => Err(refused()),
            }
        }
    }
}
