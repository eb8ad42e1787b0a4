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

/// A mail about to be sent (`on_mailer_send`), whatever sent it (an auth flow, a login alert, a
/// settings test mail). Handlers may change the message (recipient, subject, HTML body), or
/// return `Ok(e)` without calling `next` to not send it (the sender then sees success, as with
/// PocketBase's `onMailerSend`); an error stops it and is reported as a send failure.
#[derive(Debug, Clone)]
pub struct MailerEvent {
    pub message: crate::auth::mail::Mail,
}
