//! OAuth2 sign-in (authorization code + PKCE).

use std::sync::Arc;

use serde_json::Value;

use crate::core::Core;
use crate::schema::Collection;

/// The `oauth2.providers` entries of `auth-methods` (with a fresh state and PKCE pair each).
pub fn auth_methods_providers(_core: &Arc<Core>, _c: &Collection) -> Vec<Value> {
    Vec::new()
}
