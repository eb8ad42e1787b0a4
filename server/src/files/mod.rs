//! Files: the [`FileStore`] trait and its backends (local filesystem by default, S3-compatible
//! when `settings.s3.enabled`), safe names and keys, content-type detection, uploads and their
//! validation, thumbnails, and [`FileTxn`] (stored files tied to the outcome of a write).
//!
//! Layout of a store: `<collectionId>/<recordId>/<name>`, thumbnails at
//! `<collectionId>/<recordId>/thumbs_<name>/<size>_<name>` (PocketBase's layout).

pub mod local;
pub mod mime;
pub mod names;
pub mod record;
pub mod s3;
pub mod store;
pub mod sweep;
pub mod thumbs;
pub mod txn;
pub mod upload;
pub mod validate;
pub mod view;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

pub use store::{FileStore, Meta, StoreError};
pub use txn::FileTxn;
pub use upload::{Upload, Uploads};

use crate::settings::Settings;

/// Thumbnails generated at the same time (decoding is CPU- and memory-heavy).
const THUMB_WORKERS: usize = 2;

/// The files service held by [`crate::core::Core`].
pub struct Files {
    local: Arc<dyn FileStore>,
    s3: Mutex<Option<(s3::S3Config, Arc<dyn FileStore>)>>,
    /// One generation per thumbnail key at a time (the others wait and then find it).
    thumb_locks: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    thumb_workers: tokio::sync::Semaphore,
}

impl Files {
    /// Files stored under `root` (normally `<dir>/storage`) unless S3 is configured.
    pub fn new(root: PathBuf) -> Self {
        Self {
            local: Arc::new(local::LocalStore::new(root)),
            s3: Mutex::new(None),
            thumb_locks: Mutex::new(HashMap::new()),
            thumb_workers: tokio::sync::Semaphore::new(THUMB_WORKERS),
        }
    }

    /// The store the settings select: S3 when enabled (one client per configuration, rebuilt
    /// when the settings change), else the local filesystem.
    pub fn store(&self, settings: &Settings) -> Result<Arc<dyn FileStore>, StoreError> {
        let Some(cfg) = s3::S3Config::from_settings(settings) else {
            return Ok(self.local.clone());
        };
        let mut cached = self
            .s3
            .lock()
            .map_err(|_| StoreError::Backend("s3 client cache poisoned".into()))?;
        if let Some((c, store)) = cached.as_ref()
            && *c == cfg
        {
            return Ok(store.clone());
        }
        let store: Arc<dyn FileStore> = Arc::new(s3::S3Store::new(&cfg)?);
        *cached = Some((cfg, store.clone()));
        Ok(store)
    }

    /// Makes sure the thumbnail `thumb_key` of `original_key` exists, generating it once
    /// (concurrent requests for the same thumbnail wait for the first).
    pub async fn ensure_thumb(
        &self,
        store: &Arc<dyn FileStore>,
        original_key: &str,
        thumb_key: &str,
        size: thumbs::ThumbSize,
    ) -> Result<(), ThumbFailure> {
        if store.exists(thumb_key).await? {
            return Ok(());
        }
        let lock = {
            let mut locks = self.thumb_locks.lock().map_err(|_| ThumbFailure::Busy)?;
            locks.entry(thumb_key.to_string()).or_default().clone()
        };
        let result = async {
            let _one = lock.lock().await;
            if store.exists(thumb_key).await? {
                return Ok(());
            }
            let _permit = self
                .thumb_workers
                .acquire()
                .await
                .map_err(|_| ThumbFailure::Busy)?;
            let source = store
                .read_all(original_key, thumbs::MAX_SOURCE_BYTES)
                .await?;
            let name = thumb_key.rsplit('/').next().unwrap_or_default().to_string();
            let (bytes, content_type) =
                tokio::task::spawn_blocking(move || thumbs::render(&source, size, &name))
                    .await
                    .map_err(|_| ThumbFailure::Busy)??;
            store
                .put(thumb_key, bytes::Bytes::from(bytes), &content_type)
                .await?;
            Ok(())
        }
        .await;
        if let Ok(mut locks) = self.thumb_locks.lock()
            && locks
                .get(thumb_key)
                .is_some_and(|l| Arc::strong_count(l) <= 2)
        {
            locks.remove(thumb_key);
        }
        result
    }
}

/// Why a thumbnail could not be made (the original is served instead).
#[derive(Debug, thiserror::Error)]
pub enum ThumbFailure {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Image(#[from] thumbs::ThumbError),
    #[error("thumbnail workers unavailable")]
    Busy,
}
