//! One-time passwords (`_otps`): a random numeric code of `otp.length` digits, stored hashed
//! (the `password` field), valid for `otp.duration` seconds, deleted once used. Brute force: an
//! OTP is dropped after [`MAX_FAILURES`] wrong codes.

use std::sync::Arc;
use std::time::Duration;

use rand::Rng;
use serde_json::{Map, Value, json};

use super::{options, system};
use crate::core::Core;
use crate::error::ApiError;
use crate::records::Record;
use crate::schema::Collection;

pub const COLLECTION: &str = "_otps";
pub const INVALID: &str = "Invalid or expired OTP.";
/// Wrong codes tolerated per OTP before it is deleted.
pub const MAX_FAILURES: u64 = 5;

/// A random code of `len` digits.
pub fn random_code(len: usize) -> String {
    let mut rng = rand::rng();
    (0..len)
        .map(|_| char::from(b'0' + rng.random_range(0..10u8)))
        .collect()
}

/// Stores a new OTP for `record` (sent to `sent_to`); returns it and the plain code.
pub async fn create(
    core: &Arc<Core>,
    record: &Record,
    sent_to: &str,
) -> Result<(Record, String), ApiError> {
    let code = random_code(options::otp(&record.collection).length);
    let mut body = Map::new();
    body.insert("collectionRef".into(), json!(record.collection.id));
    body.insert("recordRef".into(), json!(record.id()));
    body.insert("password".into(), json!(code));
    body.insert("sentTo".into(), json!(sent_to));
    let otp = system::create(core, system::collection(core, COLLECTION)?, body).await?;
    Ok((otp, code))
}

/// Checks `code` against OTP `otp_id` of collection `c`; on success deletes the OTP and
/// returns the auth record and the address the code was sent to. Every failure is
/// "Invalid or expired OTP." (400).
pub async fn verify(
    core: &Arc<Core>,
    c: &Arc<Collection>,
    otp_id: &str,
    code: &str,
) -> Result<(Record, String), ApiError> {
    let invalid = || ApiError::bad_request(INVALID);
    let otps = system::collection(core, COLLECTION)?;
    let otp = system::find(core, &otps, otp_id)
        .await?
        .ok_or_else(invalid)?;
    if otp.get_str("collectionRef") != c.id {
        return Err(invalid());
    }
    let expired = options::age_seconds(otp.get_str("created"))
        .is_none_or(|age| age > options::otp(c).duration);
    if expired {
        system::delete(core, otps, otp_id).await?;
        return Err(invalid());
    }
    let (plain, hash) = (code.to_string(), otp.get_str("password").to_string());
    let ok = tokio::task::spawn_blocking(move || super::password::verify(&plain, &hash))
        .await
        .map_err(ApiError::internal)?;
    if !ok {
        let key = format!("otp-failures:{otp_id}");
        let window = Duration::from_secs(options::otp(c).duration.max(1).unsigned_abs());
        if core.settings.store.hit(&key, window) >= MAX_FAILURES {
            system::delete(core, otps, otp_id).await?;
            core.settings.store.remove(&key);
        }
        return Err(invalid());
    }
    let record = system::find(core, c, otp.get_str("recordRef"))
        .await?
        .ok_or_else(invalid)?;
    system::delete(core, otps, otp_id).await?;
    Ok((record, otp.get_str("sentTo").to_string()))
}

/// Marks the record verified when the code went to its current email (ownership proven).
pub async fn mark_verified(
    core: &Arc<Core>,
    record: Record,
    sent_to: &str,
) -> Result<Record, ApiError> {
    if record.get_bool("verified") || !record.get_str("email").eq_ignore_ascii_case(sent_to) {
        return Ok(record);
    }
    let mut body = Map::new();
    body.insert("verified".into(), Value::Bool(true));
    system::update(core, &record, body).await
}
