//! File work that follows a database write: files stored before the write (removed again if the
//! write does not commit) and files made obsolete by it (removed only once it commits).
//!
//! One [`FileTxn`] spans one direct write or a whole batch. Files are stored *before* the row
//! that names them is written, so a committed record never points at a missing file; a crash in
//! between leaves at most an unreferenced file, never a half-visible record. Replaced files and
//! deleted records' files go only after the commit, so a rollback loses nothing.

use std::sync::{Arc, Mutex};

use super::store::FileStore;
use super::upload::Upload;

/// What to remove once the write commits.
enum Obsolete {
    /// One file and its thumbnails folder.
    File { key: String, thumbs: String },
    /// Everything under a prefix (a deleted record, a truncated collection).
    Prefix(String),
}

#[derive(Default)]
struct Inner {
    stored: Vec<(Arc<dyn FileStore>, String)>,
    obsolete: Vec<(Arc<dyn FileStore>, Obsolete)>,
}

/// Stored-but-uncommitted and obsolete-after-commit files of one write or batch.
#[derive(Default)]
pub struct FileTxn {
    inner: Mutex<Inner>,
}

impl std::fmt::Debug for FileTxn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileTxn").finish_non_exhaustive()
    }
}

impl FileTxn {
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    fn with<T>(&self, f: impl FnOnce(&mut Inner) -> T) -> T {
        match self.inner.lock() {
            Ok(mut g) => f(&mut g),
            Err(poisoned) => f(&mut poisoned.into_inner()),
        }
    }

    /// Stores an upload under `key` and remembers it for [`Self::rollback`].
    pub async fn put(
        &self,
        store: &Arc<dyn FileStore>,
        key: String,
        upload: &Upload,
    ) -> Result<(), super::store::StoreError> {
        store
            .put(&key, upload.data.clone(), &upload.content_type)
            .await?;
        self.with(|i| i.stored.push((store.clone(), key)));
        Ok(())
    }

    /// Removes `key` (and its thumbnails under `thumbs`) after the commit.
    pub fn remove_after_commit(&self, store: &Arc<dyn FileStore>, key: String, thumbs: String) {
        self.with(|i| {
            i.obsolete
                .push((store.clone(), Obsolete::File { key, thumbs }))
        });
    }

    /// Removes everything under `prefix` after the commit.
    pub fn remove_prefix_after_commit(&self, store: &Arc<dyn FileStore>, prefix: String) {
        self.with(|i| i.obsolete.push((store.clone(), Obsolete::Prefix(prefix))));
    }

    /// The write committed: stored files stay; obsolete ones are removed (failures are logged,
    /// never reported: the write itself succeeded).
    pub async fn commit(&self) {
        let obsolete = self.with(|i| {
            i.stored.clear();
            std::mem::take(&mut i.obsolete)
        });
        for (store, item) in obsolete {
            let result = match &item {
                Obsolete::File { key, thumbs } => match store.delete(key).await {
                    Ok(()) => store.delete_prefix(thumbs).await,
                    Err(e) => Err(e),
                },
                Obsolete::Prefix(prefix) => store.delete_prefix(prefix).await,
            };
            if let Err(e) = result {
                tracing::warn!(error = %e, store = store.kind(), "cannot remove an obsolete file");
            }
        }
    }

    /// The write did not commit: files stored for it are removed, obsolete ones kept.
    pub async fn rollback(&self) {
        let stored = self.with(|i| {
            i.obsolete.clear();
            std::mem::take(&mut i.stored)
        });
        for (store, key) in stored {
            if let Err(e) = store.delete(&key).await {
                tracing::error!(error = %e, key, store = store.kind(), "cannot remove an uncommitted upload");
            }
        }
    }
}
