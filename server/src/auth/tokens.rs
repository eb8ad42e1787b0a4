//! Record tokens: HS256 JWTs with PocketBase's claims (`id`, `type`, `collectionId`,
//! `refreshable`, `exp`; no `iat`), signed with `record.tokenKey + collection.<kind>.secret`.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

/// Token types.
pub const AUTH: &str = "auth";
pub const FILE: &str = "file";
pub const VERIFICATION: &str = "verification";
pub const PASSWORD_RESET: &str = "passwordReset";
pub const EMAIL_CHANGE: &str = "emailChange";

/// The claims PocketBase puts in its tokens; fields are declared in its (alphabetical) output
/// order, optional ones only present for the token types that use them.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Claims {
    pub collection_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    pub exp: i64,
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refreshable: Option<bool>,
    #[serde(rename = "type")]
    pub kind: String,
}

#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("malformed token")]
    Malformed,
    #[error("invalid or expired token")]
    Invalid,
    #[error("signing failed: {0}")]
    Sign(String),
}

/// Signs claims with `tokenKey + secret`.
pub fn sign(claims: &Claims, token_key: &str, secret: &str) -> Result<String, TokenError> {
    let key = EncodingKey::from_secret(format!("{token_key}{secret}").as_bytes());
    jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &key)
        .map_err(|e| TokenError::Sign(e.to_string()))
}

/// Reads the claims without verifying (to find the record and collection whose key verifies).
pub fn peek(token: &str) -> Result<Claims, TokenError> {
    use base64::Engine;
    let payload = token.split('.').nth(1).ok_or(TokenError::Malformed)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .map_err(|_| TokenError::Malformed)?;
    serde_json::from_slice(&bytes).map_err(|_| TokenError::Malformed)
}

/// Verifies signature (HS256 only, so `alg: none` and others fail) and expiry.
pub fn verify(token: &str, token_key: &str, secret: &str) -> Result<Claims, TokenError> {
    let key = DecodingKey::from_secret(format!("{token_key}{secret}").as_bytes());
    let mut validation = Validation::new(Algorithm::HS256);
    validation.leeway = 0;
    validation.required_spec_claims = ["exp".to_string()].into_iter().collect();
    jsonwebtoken::decode::<Claims>(token, &key, &validation)
        .map(|d| d.claims)
        .map_err(|_| TokenError::Invalid)
}

/// Strips an optional case-insensitive `Bearer ` prefix.
pub fn from_header(value: &str) -> &str {
    let v = value.trim();
    if v.len() > 7 && v[..7].eq_ignore_ascii_case("bearer ") {
        v[7..].trim()
    } else {
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_and_verify() {
        let claims = Claims {
            collection_id: "c".into(),
            exp: chrono::Utc::now().timestamp() + 60,
            id: "r".into(),
            refreshable: Some(true),
            kind: AUTH.into(),
            ..Claims::default()
        };
        let t = sign(&claims, "key", "secret").expect("signs");
        assert_eq!(peek(&t).expect("peeks"), claims);
        assert!(verify(&t, "key", "secret").is_ok());
        assert!(verify(&t, "other", "secret").is_err());
        assert_eq!(from_header("Bearer abc"), "abc");
        assert_eq!(from_header("abc"), "abc");
    }

    #[test]
    fn expired_and_unsigned_tokens_fail() {
        let claims = Claims {
            collection_id: "c".into(),
            exp: chrono::Utc::now().timestamp() - 5,
            id: "r".into(),
            refreshable: Some(true),
            kind: AUTH.into(),
            ..Claims::default()
        };
        let t = sign(&claims, "key", "secret").expect("signs");
        assert!(verify(&t, "key", "secret").is_err());
        let none = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJjb2xsZWN0aW9uSWQiOiJjIiwiZXhwIjo5OTk5OTk5OTk5LCJpZCI6InIiLCJ0eXBlIjoiYXV0aCJ9.";
        assert!(verify(none, "key", "secret").is_err());
    }
}
