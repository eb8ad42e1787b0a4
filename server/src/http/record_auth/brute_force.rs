//! Brute-force protection for password and OTP authentication, on top of the (optional)
//! settings rate limits: failed attempts are counted per client IP + collection + identity
//! ([`PER_IDENTITY`] in [`WINDOW`]) and per client IP ([`PER_IP`] in [`WINDOW`]); past either
//! limit the endpoint answers PocketBase's 429 until the window ends, even for correct
//! credentials. Keyed by IP so that a stranger cannot lock a user out from elsewhere.

use std::sync::Arc;
use std::time::Duration;

use actix_web::HttpRequest;

use crate::core::Core;
use crate::error::ApiError;
use crate::schema::Collection;

/// Failures tolerated for one identity from one IP.
pub const PER_IDENTITY: u64 = 5;
/// Failures tolerated from one IP across identities.
pub const PER_IP: u64 = 30;
pub const WINDOW: Duration = Duration::from_secs(300);

/// The failure counters of one attempt.
pub struct Guard {
    core: Arc<Core>,
    keys: [String; 2],
}

impl Guard {
    fn new(
        core: &Arc<Core>,
        req: &HttpRequest,
        scope: &str,
        identity: &str,
    ) -> Result<Self, ApiError> {
        let ip = crate::http::rate_limit::client_ip(req, &core.settings.get());
        let keys = [
            format!("bf:{scope}:{ip}:{}", identity.to_lowercase()),
            format!("bf:ip:{ip}"),
        ];
        let store = &core.settings.store;
        if store.count(&keys[0]) >= PER_IDENTITY || store.count(&keys[1]) >= PER_IP {
            return Err(crate::http::rate_limit::too_many());
        }
        Ok(Self {
            core: core.clone(),
            keys,
        })
    }

    /// A password attempt for `identity` on `c`.
    pub fn password(
        core: &Arc<Core>,
        req: &HttpRequest,
        c: &Collection,
        identity: &str,
    ) -> Result<Self, ApiError> {
        Self::new(core, req, &format!("pw:{}", c.id), identity)
    }

    /// An OTP attempt for `otp_id` on `c`.
    pub fn otp(
        core: &Arc<Core>,
        req: &HttpRequest,
        c: &Collection,
        otp_id: &str,
    ) -> Result<Self, ApiError> {
        Self::new(core, req, &format!("otp:{}", c.id), otp_id)
    }

    /// Counts a failure when `e` is a credentials failure (400), not a server fault.
    pub fn failed(&self, e: &ApiError) {
        if e.status == 400 {
            for key in &self.keys {
                self.core.settings.store.hit(key, WINDOW);
            }
        }
    }

    /// A success clears this identity's counter (not the IP's).
    pub fn succeeded(&self) {
        self.core.settings.store.remove(&self.keys[0]);
    }
}
