//! `POST /api/settings/test/s3` (superusers only): `{"filesystem": "storage"|"backups"}` →
//! uploads a small test object to the configured bucket and deletes it again; 204 when both
//! worked. Errors are 400 "Failed to test the S3 filesystem." with the raw cause appended, as
//! PocketBase.

use actix_web::{HttpRequest, HttpResponse, web};
use bytes::Bytes;
use serde_json::Value;

use crate::error::{ApiError, FieldError, FieldErrors};
use crate::files::FileStore;
use crate::files::s3::{S3Config, S3Store};
use crate::http::body::read_object;
use crate::http::extract::{RequireSuperuser, core_of};

const FAILED: &str = "Failed to test the S3 filesystem.";

fn raw_error(cause: &str) -> ApiError {
    ApiError::bad_request(format!("{FAILED} Raw error: \n{cause}"))
}

/// Test the S3 storage or backups connection.
pub async fn handler(
    req: HttpRequest,
    _: RequireSuperuser,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let core = core_of(&req)?;
    let body = read_object(&req, payload).await?;
    let filesystem = body
        .get("filesystem")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let pointer = match filesystem {
        "storage" => "/s3",
        "backups" => "/backups/s3",
        other => {
            let mut errors = FieldErrors::new();
            let error = if other.is_empty() {
                FieldError::required()
            } else {
                FieldError::new("validation_in_invalid", "Must be a valid value.")
            };
            errors.add("filesystem", error);
            return Err(ApiError::validation(FAILED, errors));
        }
    };
    let Some(cfg) = S3Config::at(&core.settings, pointer) else {
        return Err(raw_error("S3 storage filesystem is not enabled."));
    };
    let store = S3Store::new(&cfg).map_err(|e| raw_error(&e.to_string()))?;
    let key = format!(
        "pb_settings_test_{}/test.txt",
        crate::schema::ids::random_alnum(5)
    );
    store
        .put(&key, Bytes::from_static(b"test"), "text/plain")
        .await
        .map_err(|e| raw_error(&format!("failed to upload a test file: [key: {key}] {e}.")))?;
    store
        .delete(&key)
        .await
        .map_err(|e| raw_error(&format!("failed to delete a test file: [key: {key}] {e}.")))?;
    Ok(HttpResponse::NoContent().finish())
}
