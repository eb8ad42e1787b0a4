//! Auth-collection endpoints: `/api/collections/{collection}/auth-*`.

pub mod refresh;
pub mod with_password;

use std::sync::Arc;

use serde_json::{Value, json};

use crate::core::Core;
use crate::error::{ApiError, msg};
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

/// `{"record": …, "token": …}` (alphabetical, as PocketBase).
pub fn auth_response(record: &Record, token: String) -> Value {
    json!({"record": serialize::to_json_for_owner(record), "token": token})
}
