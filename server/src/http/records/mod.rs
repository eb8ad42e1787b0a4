//! Record CRUD endpoints: `/api/collections/{collection}/records[/{id}]`.

pub mod create;
pub mod delete;
pub mod list;
pub mod update;
pub mod view;

use std::sync::Arc;

use crate::core::Core;
use crate::error::{ApiError, msg};
use crate::schema::Collection;

/// The path's collection (name or id, case-insensitive name) or 404 "Missing collection context.".
pub fn collection(core: &Core, id_or_name: &str) -> Result<Arc<Collection>, ApiError> {
    core.schema
        .load()
        .find(id_or_name)
        .ok_or_else(|| ApiError::new(404, msg::MISSING_COLLECTION))
}

/// Like [`collection`], with the message PocketBase uses on create/update routes.
pub fn writable_collection(core: &Core, id_or_name: &str) -> Result<Arc<Collection>, ApiError> {
    core.schema
        .load()
        .find(id_or_name)
        .ok_or_else(|| ApiError::new(404, msg::INVALID_COLLECTION))
}
