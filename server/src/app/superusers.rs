//! `cairn superuser upsert|delete`: manage `_superusers` records through the normal record
//! pipeline (so hooks and validation apply), acting as a superuser.

use std::sync::Arc;

use serde_json::{Map, Value, json};

use crate::auth::{AuthInfo, SUPERUSERS};
use crate::core::Core;
use crate::error::ApiError;
use crate::records::exec::Exec;
use crate::records::resolver::RequestInfo;
use crate::records::{pipeline, read};

pub(crate) fn system_auth(
    core: &Core,
) -> Result<(RequestInfo, Arc<crate::schema::Collection>), ApiError> {
    let c = core
        .schema
        .load()
        .find(SUPERUSERS)
        .ok_or_else(|| ApiError::internal("missing _superusers"))?;
    // Acting as a superuser: the collection identifies the requester, there is no record.
    let auth = AuthInfo {
        record: None,
        collection: Some(c.clone()),
    };
    let info = RequestInfo {
        auth,
        context: "default".into(),
        ..RequestInfo::default()
    };
    Ok((info, c))
}

/// Creates the superuser or sets its password.
pub async fn upsert(core: &Arc<Core>, email: &str, password: &str) -> Result<(), ApiError> {
    let (auth, c) = system_auth(core)?;
    let c2 = c.clone();
    let email_owned = email.to_string();
    let existing = core
        .storage
        .read(move |conn| read::find_by_field(conn, &c2, "email", &email_owned, 1))
        .await?
        .map_err(ApiError::internal)?;
    let mut body = Map::new();
    body.insert("password".into(), json!(password));
    body.insert("passwordConfirm".into(), json!(password));
    match existing.into_iter().next() {
        Some(r) => {
            pipeline::update(core, &Exec::Direct, c, r.id(), auth, body, false).await?;
        }
        None => {
            body.insert("email".into(), Value::String(email.to_string()));
            pipeline::create(core, &Exec::Direct, c, auth, body, false).await?;
        }
    }
    Ok(())
}

/// Deletes the superuser with `email` (not an error when there is none; refused for the last
/// superuser).
pub async fn delete(core: &Arc<Core>, email: &str) -> Result<bool, ApiError> {
    if !crate::schema::fields::email::is_email(email) {
        return Err(ApiError::bad_request("invalid or missing email address"));
    }
    let (auth, c) = system_auth(core)?;
    let c2 = c.clone();
    let email_owned = email.to_string();
    let existing = core
        .storage
        .read(move |conn| read::find_by_field(conn, &c2, "email", &email_owned, 1))
        .await?
        .map_err(ApiError::internal)?;
    match existing.into_iter().next() {
        Some(r) => {
            pipeline::delete(core, &Exec::Direct, c, r.id(), auth).await?;
            Ok(true)
        }
        None => Ok(false),
    }
}
