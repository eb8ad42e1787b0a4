//! Event payloads passed through hook chains.

use std::sync::Arc;

use serde_json::{Map, Value};

use crate::auth::AuthInfo;
use crate::records::Record;
use crate::schema::Collection;

/// A record request (create/update/delete) as received from a client.
#[derive(Debug, Clone)]
pub struct RecordRequestEvent {
    pub collection: Arc<Collection>,
    /// For create/update: the record with the submitted body applied; for delete: the record.
    pub record: Record,
    /// The stored record before an update (None on create).
    pub original: Option<Record>,
    pub auth: AuthInfo,
    /// The submitted body (after multipart merging).
    pub body: Map<String, Value>,
}

/// A model-level event (validate, persist, after-success).
#[derive(Debug, Clone)]
pub struct RecordEvent {
    pub collection: Arc<Collection>,
    pub record: Record,
    pub original: Option<Record>,
}
