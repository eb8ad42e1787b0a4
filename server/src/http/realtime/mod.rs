//! Realtime transports: PocketBase's SSE protocol (`GET/POST /api/realtime`) and a WebSocket
//! transport (`/api/realtime/ws`) carrying the same topics and payloads.
//!
//! WebSocket protocol (JSON text frames):
//! - server → client on connect: `{"type":"connect","clientId":"…"}`
//! - client → server: `{"type":"auth","token":"…"}` (guest → auth upgrade only),
//!   `{"type":"subscribe","topics":["posts/*", "posts/ID?options=…"]}`,
//!   `{"type":"unsubscribe","topics":[…]}` (empty list = all), `{"type":"ping"}`
//! - server → client: `{"type":"subscriptions","topics":[…]}` after each change,
//!   `{"type":"event","event":"<topic as subscribed>","data":{"record":…,"action":…}}`,
//!   `{"type":"pong"}`, `{"type":"error","status":…,"message":…}`
//! - WebSocket pings every 30 s; a client silent for 90 s, or one whose queue overflows
//!   (close code 1013), is disconnected.

pub mod sse;
pub mod subscribe;
pub mod ws;

use crate::auth::AuthInfo;
use crate::error::ApiError;

/// Auth may only go from guest to a record, or stay the same record.
pub fn check_auth_change(current: &AuthInfo, new: &AuthInfo) -> Result<(), ApiError> {
    let same = |a: &AuthInfo, b: &AuthInfo| {
        a.id() == b.id()
            && a.collection.as_ref().map(|c| &c.id) == b.collection.as_ref().map(|c| &c.id)
    };
    if current.is_guest() || same(current, new) {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "The current and the previous request authorization don't match.",
        ))
    }
}
