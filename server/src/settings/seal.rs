//! Sealed secrets: AES-256-GCM under `CAIRN_ENCRYPTION_KEY`. A sealed value is the text
//! `sealed:v1:` + base64(12-byte random nonce ‖ ciphertext ‖ tag), so it can sit where the plain
//! string was (in the settings document, in collection options) and is recognisable on load.
//!
//! Without a key nothing can be sealed: storing a secret is refused rather than written in
//! plain text, and a database holding sealed values refuses to start.

use aes_gcm::aead::{Aead, AeadCore, KeyInit, OsRng};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use base64::Engine;

const PREFIX: &str = "sealed:v1:";

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum SealError {
    #[error(
        "CAIRN_ENCRYPTION_KEY must be 32 characters or the base64 encoding of 32 bytes \
         (e.g. `openssl rand -base64 32`)"
    )]
    BadKey,
    #[error("no encryption key: set CAIRN_ENCRYPTION_KEY (or --encryption-key) to store secrets")]
    NoKey,
    #[error(
        "the stored secrets cannot be opened with this CAIRN_ENCRYPTION_KEY (wrong key, or the \
         data was altered)"
    )]
    WrongKey,
}

/// Seals and opens secrets with the configured key (if any).
#[derive(Clone, Default)]
pub struct Sealer {
    cipher: Option<Aes256Gcm>,
}

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sealer")
            .field("has_key", &self.cipher.is_some())
            .finish()
    }
}

pub fn is_sealed(value: &str) -> bool {
    value.starts_with(PREFIX)
}

impl Sealer {
    /// From the configured key: 32 characters used as-is, or base64 of 32 bytes.
    pub fn new(key: Option<&str>) -> Result<Self, SealError> {
        let Some(key) = key.map(str::trim).filter(|k| !k.is_empty()) else {
            return Ok(Self::default());
        };
        let bytes = if key.len() == 32 {
            key.as_bytes().to_vec()
        } else {
            base64::engine::general_purpose::STANDARD
                .decode(key)
                .map_err(|_| SealError::BadKey)?
        };
        if bytes.len() != 32 {
            return Err(SealError::BadKey);
        }
        let key = Key::<Aes256Gcm>::from_slice(&bytes);
        Ok(Self {
            cipher: Some(Aes256Gcm::new(key)),
        })
    }

    pub fn has_key(&self) -> bool {
        self.cipher.is_some()
    }

    /// Seals `plain` (an already sealed value is returned unchanged).
    pub fn seal(&self, plain: &str) -> Result<String, SealError> {
        if is_sealed(plain) {
            return Ok(plain.to_string());
        }
        let cipher = self.cipher.as_ref().ok_or(SealError::NoKey)?;
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        let mut out = nonce.to_vec();
        out.extend(
            cipher
                .encrypt(&nonce, plain.as_bytes())
                .map_err(|_| SealError::WrongKey)?,
        );
        Ok(format!(
            "{PREFIX}{}",
            base64::engine::general_purpose::STANDARD.encode(out)
        ))
    }

    /// Seals a submitted secret: plain text is sealed; a value that is already sealed is kept
    /// only if it opens with this key (a foreign or altered one is refused now rather than
    /// failing at use or at the next start-up).
    pub fn seal_submitted(&self, value: &str) -> Result<String, SealError> {
        if is_sealed(value) {
            self.open(value)?;
            return Ok(value.to_string());
        }
        self.seal(value)
    }

    /// Opens a sealed value; a plain value is returned as is.
    pub fn open(&self, value: &str) -> Result<String, SealError> {
        let Some(b64) = value.strip_prefix(PREFIX) else {
            return Ok(value.to_string());
        };
        let cipher = self.cipher.as_ref().ok_or(SealError::NoKey)?;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(b64)
            .map_err(|_| SealError::WrongKey)?;
        if bytes.len() < 12 {
            return Err(SealError::WrongKey);
        }
        let (nonce, data) = bytes.split_at(12);
        let plain = cipher
            .decrypt(Nonce::from_slice(nonce), data)
            .map_err(|_| SealError::WrongKey)?;
        String::from_utf8(plain).map_err(|_| SealError::WrongKey)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "0123456789abcdef0123456789abcdef";

    #[test]
    fn seal_and_open() {
        let s = Sealer::new(Some(KEY)).expect("key");
        let sealed = s.seal("hunter2").expect("seal");
        assert!(is_sealed(&sealed) && !sealed.contains("hunter2"));
        assert_ne!(
            sealed,
            s.seal("hunter2").expect("seal"),
            "fresh nonce each time"
        );
        assert_eq!(s.open(&sealed).expect("open"), "hunter2");
        assert_eq!(s.seal_submitted(&sealed).expect("own seal kept"), sealed);
        assert_eq!(s.open("plain").expect("plain"), "plain");
        let other = Sealer::new(Some(&"x".repeat(32))).expect("key");
        assert_eq!(other.open(&sealed), Err(SealError::WrongKey));
        assert_eq!(other.seal_submitted(&sealed), Err(SealError::WrongKey));
        assert_eq!(Sealer::default().open(&sealed), Err(SealError::NoKey));
        assert_eq!(Sealer::default().seal("x"), Err(SealError::NoKey));
        assert!(Sealer::new(Some("short")).is_err());
        let b64 = base64::engine::general_purpose::STANDARD.encode([7u8; 32]);
        assert!(Sealer::new(Some(&b64)).is_ok_and(|s| s.has_key()));
    }
}
