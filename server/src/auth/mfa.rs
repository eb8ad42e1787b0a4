//! Multi-factor authentication (`_mfas`): when a collection's `mfa.enabled` is set (and its
//! `mfa.rule`, if any, matches the record), a successful first factor does not log in; it
//! stores an MFA session (the method used) and answers `401 {"mfaId": …}`. The second factor
//! must use a different method and carry the `mfaId`; the session lasts `mfa.duration` seconds.

use std::sync::Arc;

use serde_json::{Map, json};

use super::{options, system};
use crate::core::Core;
use crate::error::ApiError;
use crate::records::Record;

pub const COLLECTION: &str = "_mfas";
pub const INVALID: &str = "Invalid or expired MFA session.";
pub const SAME_METHOD: &str = "A different authentication method is required.";

/// Auth methods as PocketBase names them in `_mfas.method`.
pub const PASSWORD: &str = "password";
pub const OTP: &str = "otp";
pub const OAUTH2: &str = "oauth2";

/// What the MFA step decided.
#[derive(Debug, PartialEq)]
pub enum Step {
    /// MFA does not apply, or the second factor completed it: issue the token.
    Done,
    /// First factor accepted: answer 401 with this `mfaId`.
    Required(String),
}

/// Starts or completes an MFA session for `record` authenticated with `method`. `applies` is
/// whether the collection's `mfa.rule` matched (the caller evaluates rules).
pub async fn step(
    core: &Arc<Core>,
    record: &Record,
    method: &str,
    mfa_id: Option<&str>,
    applies: bool,
) -> Result<Step, ApiError> {
    let c = &record.collection;
    let opts = options::mfa(c);
    if !opts.enabled || !applies {
        return Ok(Step::Done);
    }
    let mfas = system::collection(core, COLLECTION)?;
    let Some(mfa_id) = mfa_id.filter(|m| !m.is_empty()) else {
        let mut body = Map::new();
        body.insert("collectionRef".into(), json!(c.id));
        body.insert("recordRef".into(), json!(record.id()));
        body.insert("method".into(), json!(method));
        let mfa = system::create(core, mfas, body).await?;
        return Ok(Step::Required(mfa.id().to_string()));
    };
    let invalid = || ApiError::bad_request(INVALID);
    let mfa = system::find(core, &mfas, mfa_id)
        .await?
        .ok_or_else(invalid)?;
    let expired =
        options::age_seconds(mfa.get_str("created")).is_none_or(|age| age > opts.duration);
    if expired {
        system::delete(core, mfas, mfa_id).await?;
        return Err(invalid());
    }
    if mfa.get_str("recordRef") != record.id() || mfa.get_str("collectionRef") != c.id {
        return Err(invalid());
    }
    if mfa.get_str("method") == method {
        return Err(ApiError::bad_request(SAME_METHOD));
    }
    system::delete(core, mfas, mfa_id).await?;
    Ok(Step::Done)
}
