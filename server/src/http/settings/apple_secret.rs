//! `POST /api/settings/apple/generate-client-secret` (superusers only): Apple's OAuth2 client
//! secret is an ES256 JWT signed with the developer's `.p8` key. Body `{"clientId", "teamId",
//! "keyId", "privateKey", "duration"}` → `{"secret"}`, with PocketBase's validation and messages.

use actix_web::{HttpRequest, HttpResponse, web};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde::Serialize;
use serde_json::{Value, json};

use crate::error::{ApiError, FieldError, FieldErrors};
use crate::http::body::read_object;
use crate::http::extract::RequireSuperuser;

const INVALID: &str = "Invalid client secret data.";
/// About six months: Apple's upper bound for a client secret's lifetime.
const MAX_DURATION: i64 = 15_777_000;

#[derive(Serialize)]
struct Claims<'a> {
    iss: &'a str,
    sub: &'a str,
    aud: [&'a str; 1],
    exp: i64,
    iat: i64,
}

fn exactly_ten(value: &str) -> Option<FieldError> {
    (value.chars().count() != 10).then(|| {
        FieldError::new(
            "validation_length_invalid",
            "The length must be exactly 10.",
        )
        .with_params(json!({"min": 10, "max": 10}))
    })
}

/// A PKCS#8 PEM block, as PocketBase's pattern requires.
fn looks_like_pem(key: &str) -> bool {
    key.find("-----BEGIN PRIVATE KEY----")
        .is_some_and(|start| key[start..].contains("-----END PRIVATE KEY----"))
}

/// Generate an Apple client secret.
pub async fn handler(
    req: HttpRequest,
    _: RequireSuperuser,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let body = read_object(&req, payload).await?;
    let text = |k: &str| body.get(k).and_then(Value::as_str).unwrap_or_default();
    let (client_id, team_id, key_id) = (text("clientId"), text("teamId"), text("keyId"));
    let private_key = text("privateKey").trim();
    let duration = body.get("duration").and_then(Value::as_i64).unwrap_or(0);
    let mut errors = FieldErrors::new();
    if client_id.is_empty() {
        errors.add("clientId", FieldError::required());
    }
    for (name, value) in [("teamId", team_id), ("keyId", key_id)] {
        if value.is_empty() {
            errors.add(name, FieldError::required());
        } else if let Some(e) = exactly_ten(value) {
            errors.add(name, e);
        }
    }
    if private_key.is_empty() {
        errors.add("privateKey", FieldError::required());
    } else if !looks_like_pem(private_key) {
        errors.add(
            "privateKey",
            FieldError::new("validation_match_invalid", "Must be in a valid format."),
        );
    }
    if duration == 0 {
        errors.add("duration", FieldError::required());
    } else if duration < 0 {
        errors.add(
            "duration",
            FieldError::new(
                "validation_min_greater_equal_than_required",
                "Must be no less than 1.",
            )
            .with_params(json!({"threshold": 1})),
        );
    } else if duration > MAX_DURATION {
        errors.add(
            "duration",
            FieldError::new(
                "validation_max_less_equal_than_required",
                format!("Must be no greater than {MAX_DURATION}."),
            )
            .with_params(json!({"threshold": MAX_DURATION})),
        );
    }
    errors.into_result(INVALID)?;

    let failed = |e: jsonwebtoken::errors::Error| {
        ApiError::bad_request(format!(
            "Failed to generate client secret. Raw error: \n{e}"
        ))
    };
    let key = EncodingKey::from_ec_pem(private_key.as_bytes()).map_err(failed)?;
    let now = chrono::Utc::now().timestamp();
    let claims = Claims {
        iss: team_id,
        sub: client_id,
        aud: ["https://appleid.apple.com"],
        exp: now + duration,
        iat: now,
    };
    let mut header = Header::new(Algorithm::ES256);
    header.kid = Some(key_id.to_string());
    let secret = jsonwebtoken::encode(&header, &claims, &key).map_err(failed)?;
    Ok(HttpResponse::Ok().json(json!({ "secret": secret })))
}
