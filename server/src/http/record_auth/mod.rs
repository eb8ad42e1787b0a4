//! Auth-collection endpoints: `/api/collections/{collection}/auth-*`.

pub mod refresh;
pub mod with_password;

use std::sync::Arc;

use serde_json::{Value, json};

use crate::core::Core;
use crate::error::{ApiError, msg};
use crate::records::resolver::RequestInfo;
use crate::records::{Record, serialize};
use crate::schema::Collection;

/// The path's auth collection or 404 "Missing or invalid auth collection context.".
pub fn auth_collection(core: &Core, id_or_name: &str) -> Result<Arc<Collection>, ApiError> {
    core.schema
        .load()
        .find(id_or_name)
        .filter(|c| c.is_auth())
        .ok_or_else(|| ApiError::new(404, msg::MISSING_AUTH_COLLECTION))
}

/// `{"record": …, "token": …}` (alphabetical, as PocketBase); `expand` applies to the record,
/// rendered for its owner (so `email` is always included).
pub async fn auth_response(
    core: &Arc<Core>,
    record: Record,
    token: String,
    expand: Option<&str>,
) -> Result<Value, ApiError> {
    if expand.is_none_or(str::is_empty) {
        return Ok(json!({"record": serialize::to_json_for_owner(&record), "token": token}));
    }
    let owner = crate::auth::AuthInfo {
        record: Some(record.clone()),
        collection: Some(record.collection.clone()),
    };
    let info = RequestInfo {
        auth: owner,
        context: "default".into(),
        ..RequestInfo::default()
    };
    let rendered = crate::http::render::record(core, info, record, expand).await?;
    Ok(json!({"record": rendered, "token": token}))
}
