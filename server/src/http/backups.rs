//! `/api/backups` as PocketBase 0.40: list, create (`{name?}`), upload (multipart `file`),
//! download (`?token=` a superuser's file token, since a browser link sends no header) and
//! delete, restore — with PocketBase's messages and validation codes.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use crate::auth::{record_tokens, tokens};
use crate::backups::{BackupError, valid_name};
use crate::error::{ApiError, FieldError, FieldErrors};
use crate::http::extract::{RequireSuperuser, core_of};

const INVALID_DATA: &str = "An error occurred while validating the submitted data.";

fn busy() -> ApiError {
    ApiError::bad_request(BackupError::Busy.to_string())
}

fn field_error(field: &str, code: &'static str, message: &str) -> ApiError {
    let mut errors = FieldErrors::new();
    errors.add(field, FieldError::new(code, message));
    ApiError::validation(INVALID_DATA, errors)
}

/// List backups.
pub async fn list(req: HttpRequest, _: RequireSuperuser) -> Result<HttpResponse, ApiError> {
    let core = core_of(&req)?;
    let backups = core.backups.clone();
    let list = web::block(move || backups.list())
        .await
        .map_err(ApiError::internal)?
        .map_err(|e| {
            ApiError::bad_request(format!("Failed to retrieve backup items. Raw error: \n{e}"))
        })?;
    Ok(HttpResponse::Ok().json(list))
}

#[derive(Debug, Default, Deserialize)]
struct CreateBody {
    #[serde(default)]
    name: String,
}

/// Create a backup now (answers once it is written).
pub async fn create(
    req: HttpRequest,
    payload: web::Payload,
    _: RequireSuperuser,
) -> Result<HttpResponse, ApiError> {
    let core = core_of(&req)?;
    let body = crate::http::body::read_object(&req, payload).await?;
    let body: CreateBody =
        serde_json::from_value(serde_json::Value::Object(body)).map_err(|_| {
            ApiError::bad_request("An error occurred while loading the submitted data.")
        })?;
    let name = if body.name.is_empty() {
        let app_name = core.settings.get()["meta"]["appName"]
            .as_str()
            .unwrap_or("")
            .to_string();
        crate::backups::default_name(&app_name)
    } else if !valid_name(&body.name) {
        return Err(field_error(
            "name",
            "validation_match_invalid",
            "Must be in a valid format.",
        ));
    } else {
        body.name
    };
    if core.backups.path_of(&name).is_some() {
        return Err(field_error(
            "name",
            "validation_backup_name_exists",
            "The backup file name is invalid or already exists.",
        ));
    }
    let backups = core.backups.clone();
    match web::block(move || backups.create(&name))
        .await
        .map_err(ApiError::internal)?
    {
        Ok(()) => Ok(HttpResponse::NoContent().finish()),
        Err(BackupError::Busy) => Err(busy()),
        Err(e) => {
            tracing::warn!(error = %e, "creating a backup failed");
            Err(ApiError::bad_request("Failed to create backup."))
        }
    }
}

/// Upload a backup zip (multipart field `file`; kept under the file's name).
pub async fn upload(
    req: HttpRequest,
    payload: web::Payload,
    _: RequireSuperuser,
) -> Result<HttpResponse, ApiError> {
    let core = core_of(&req)?;
    // No body limit here (as PocketBase): a backup is as large as the data.
    let body = crate::http::body::read_body(&req, payload, usize::MAX).await?;
    let Some((_, file)) = body.files.into_iter().find(|(part, _)| part == "file") else {
        return Err(field_error(
            "file",
            "validation_required",
            "Cannot be blank.",
        ));
    };
    if !file.data.starts_with(b"PK\x03\x04") {
        return Err(field_error(
            "file",
            "validation_invalid_mime_type",
            "\"application/octet-stream\" mime type is not allowed (allowed: application/zip).",
        ));
    }
    let name = file.original_name.clone();
    if !valid_name(&name) {
        return Err(field_error(
            "file",
            "validation_match_invalid",
            "The file name must be lowercase letters, digits, _ or - and end in .zip.",
        ));
    }
    let backups = core.backups.clone();
    match web::block(move || backups.save(&name, &file.data))
        .await
        .map_err(ApiError::internal)?
    {
        Ok(()) => Ok(HttpResponse::NoContent().finish()),
        Err(BackupError::Exists(_)) => Err(field_error(
            "file",
            "validation_backup_name_exists",
            "Backup file with the specified name already exists.",
        )),
        Err(e) => {
            tracing::warn!(error = %e, "storing an uploaded backup failed");
            Err(ApiError::bad_request("Failed to upload backup."))
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    token: String,
}

/// Download a backup with a superuser's file token.
pub async fn download(
    req: HttpRequest,
    key: web::Path<String>,
    query: web::Query<TokenQuery>,
) -> Result<HttpResponse, ApiError> {
    let core = core_of(&req)?;
    let denied = || ApiError::forbidden("Insufficient permissions to access the resource.");
    let (record, _) = record_tokens::find_record(&core, &query.token, tokens::FILE)
        .await
        .ok_or_else(denied)?;
    if record.collection.name != "_superusers" {
        return Err(denied());
    }
    let key = key.into_inner();
    let path = core.backups.path_of(&key).ok_or_else(ApiError::not_found)?;
    let data = web::block(move || std::fs::read(path))
        .await
        .map_err(ApiError::internal)?
        .map_err(|_| ApiError::not_found())?;
    Ok(HttpResponse::Ok()
        .content_type("application/zip")
        .insert_header((
            actix_web::http::header::CONTENT_DISPOSITION,
            format!("attachment; filename={key}"),
        ))
        .body(data))
}

/// Delete a backup.
pub async fn delete(
    req: HttpRequest,
    key: web::Path<String>,
    _: RequireSuperuser,
) -> Result<HttpResponse, ApiError> {
    let core = core_of(&req)?;
    let key = key.into_inner();
    if core.backups.is_active(&key) {
        return Err(ApiError::bad_request(
            "The backup is currently being used and cannot be deleted.",
        ));
    }
    let backups = core.backups.clone();
    match web::block(move || backups.delete(&key))
        .await
        .map_err(ApiError::internal)?
    {
        Ok(()) => Ok(HttpResponse::NoContent().finish()),
        Err(e) => Err(ApiError::bad_request(format!(
            "Invalid or already deleted backup file. Raw error: \n{e}"
        ))),
    }
}

/// Restore a backup: answers once the data is swapped in (PocketBase answers first and
/// restarts its process; Cairn restores in place, so the answer means it is done).
pub async fn restore(
    req: HttpRequest,
    key: web::Path<String>,
    _: RequireSuperuser,
) -> Result<HttpResponse, ApiError> {
    let core = core_of(&req)?;
    let key = key.into_inner();
    match crate::backups::restore::restore(&core, &key).await {
        Ok(()) => Ok(HttpResponse::NoContent().finish()),
        Err(BackupError::Busy) => Err(busy()),
        Err(BackupError::Missing(_)) => {
            Err(ApiError::bad_request("Missing or invalid backup file."))
        }
        Err(e @ BackupError::Invalid(_)) => Err(ApiError::bad_request(e.to_string())),
        Err(e) => {
            tracing::error!(error = %e, backup = key, "restoring a backup failed");
            Err(ApiError::bad_request(format!(
                "Failed to restore the backup: {e}"
            )))
        }
    }
}
