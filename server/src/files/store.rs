//! The storage backend boundary: one trait for the local filesystem and S3-compatible stores.
//! Keys are `/`-separated and checked with [`super::names::safe_key`] by every backend.

use std::ops::Range;
use std::time::SystemTime;

use bytes::Bytes;
use futures_util::stream::BoxStream;

/// A stream of an object's bytes.
pub type ByteStream = BoxStream<'static, Result<Bytes, std::io::Error>>;

/// What serving needs to know about a stored object.
#[derive(Debug, Clone, PartialEq)]
pub struct Meta {
    pub size: u64,
    pub modified: SystemTime,
    /// As detected when stored (or from the content, for the local store).
    pub content_type: String,
    /// A strong entity tag, quoted.
    pub etag: String,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("object not found")]
    NotFound,
    #[error("invalid storage key")]
    InvalidKey,
    #[error("storage error: {0}")]
    Backend(String),
}

impl From<std::io::Error> for StoreError {
    fn from(e: std::io::Error) -> Self {
        if e.kind() == std::io::ErrorKind::NotFound {
            Self::NotFound
        } else {
            Self::Backend(e.to_string())
        }
    }
}

impl From<StoreError> for crate::error::ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => crate::error::ApiError::not_found(),
            other => crate::error::ApiError::internal(other),
        }
    }
}

/// A file store. Writes are atomic: a reader sees the old object or the whole new one.
#[async_trait::async_trait]
pub trait FileStore: Send + Sync {
    /// A short name for logs (`local`, `s3`).
    fn kind(&self) -> &'static str;

    /// Stores `data` under `key` with the given content type.
    async fn put(&self, key: &str, data: Bytes, content_type: &str) -> Result<(), StoreError>;

    /// The object's metadata; [`StoreError::NotFound`] when missing.
    async fn head(&self, key: &str) -> Result<Meta, StoreError>;

    /// The object's bytes, or those in `range` (which must lie inside the object).
    async fn get(&self, key: &str, range: Option<Range<u64>>) -> Result<ByteStream, StoreError>;

    /// Deletes one object; a missing one is not an error.
    async fn delete(&self, key: &str) -> Result<(), StoreError>;

    /// Deletes every object whose key starts with `prefix` (which ends with `/`).
    async fn delete_prefix(&self, prefix: &str) -> Result<(), StoreError>;

    async fn exists(&self, key: &str) -> Result<bool, StoreError> {
        match self.head(key).await {
            Ok(_) => Ok(true),
            Err(StoreError::NotFound) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// The whole object in memory, refused above `limit` bytes.
    async fn read_all(&self, key: &str, limit: u64) -> Result<Bytes, StoreError> {
        use futures_util::StreamExt;
        let meta = self.head(key).await?;
        if meta.size > limit {
            return Err(StoreError::Backend(format!(
                "object of {} bytes is over the {limit} bytes limit",
                meta.size
            )));
        }
        let mut stream = self.get(key, None).await?;
        let mut buf = Vec::with_capacity(usize::try_from(meta.size).unwrap_or(0));
        while let Some(chunk) = stream.next().await {
            let chunk = chunk?;
            if (buf.len() + chunk.len()) as u64 > limit {
                return Err(StoreError::Backend("object grew over the limit".into()));
            }
            buf.extend_from_slice(&chunk);
        }
        Ok(Bytes::from(buf))
    }
}

/// Checks a key for a backend, or [`StoreError::InvalidKey`].
pub fn checked(key: &str) -> Result<&str, StoreError> {
    if super::names::safe_key(key) {
        Ok(key)
    } else {
        Err(StoreError::InvalidKey)
    }
}

/// Checks a prefix (`a/b/`) for a backend and returns it without the trailing `/`.
pub fn checked_prefix(prefix: &str) -> Result<&str, StoreError> {
    match prefix.strip_suffix('/') {
        Some(p) if super::names::safe_key(p) => Ok(p),
        _ => Err(StoreError::InvalidKey),
    }
}
