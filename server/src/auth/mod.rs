//! Authentication: JWT record tokens (HS256 keyed by `tokenKey` + collection secret), bcrypt
//! passwords, and the resolved auth state of a request ([`AuthInfo`]).

pub mod mail;
pub mod mfa;
pub mod oauth2;
pub mod options;
pub mod origins;
pub mod otp;
pub mod password;
pub mod record_tokens;
pub mod refs;
pub mod system;
pub mod tokens;

use std::sync::Arc;

use crate::records::Record;
use crate::schema::Collection;

/// Name of the superusers auth collection.
pub const SUPERUSERS: &str = "_superusers";

/// Who is making a request: a guest (both `None`) or an auth record and its collection.
#[derive(Debug, Clone, Default)]
pub struct AuthInfo {
    pub record: Option<Record>,
    pub collection: Option<Arc<Collection>>,
}

impl AuthInfo {
    pub fn guest() -> Self {
        Self::default()
    }

    pub fn is_superuser(&self) -> bool {
        self.collection
            .as_ref()
            .is_some_and(|c| c.name == SUPERUSERS)
    }

    pub fn is_guest(&self) -> bool {
        self.record.is_none()
    }

    pub fn id(&self) -> Option<&str> {
        self.record.as_ref().map(|r| r.id())
    }
}

pub mod resolve;
