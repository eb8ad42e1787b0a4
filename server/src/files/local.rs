//! The local filesystem store (the default): `<dir>/storage/<key>`.
//!
//! A put writes `<root>/.tmp/<random>`, syncs it and renames it into place, so a crash leaves
//! either nothing or a whole file (never a truncated one under a real name); leftovers in
//! `.tmp` are removed at start-up. Content types are detected from the first bytes on `head`,
//! so no side files are needed. Blocking filesystem calls run on tokio's blocking pool.

use std::io::{Read, Seek, SeekFrom, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};

use bytes::Bytes;

use super::mime;
use super::store::{ByteStream, FileStore, Meta, StoreError, checked, checked_prefix};

/// Chunk size of streamed reads.
const CHUNK: usize = 64 * 1024;
const TMP_DIR: &str = ".tmp";

pub struct LocalStore {
    root: PathBuf,
}

async fn blocking<T, F>(f: F) -> Result<T, StoreError>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T, StoreError> + Send + 'static,
{
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| StoreError::Backend(e.to_string()))?
}

impl LocalStore {
    /// A store rooted at `root` (created when missing); clears interrupted writes.
    pub fn new(root: PathBuf) -> Self {
        let tmp = root.join(TMP_DIR);
        if tmp.exists()
            && let Err(e) = std::fs::remove_dir_all(&tmp)
        {
            tracing::warn!(error = %e, dir = %tmp.display(), "cannot clear interrupted uploads");
        }
        Self { root }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The path of a checked key (every component was checked: no `..`, no absolute parts).
    fn path(&self, key: &str) -> Result<PathBuf, StoreError> {
        let key = checked(key)?;
        let mut p = self.root.clone();
        p.extend(key.split('/'));
        Ok(p)
    }

    /// Removes `path` with `remove` (a missing path is fine), then the folders it leaves empty.
    async fn remove(
        &self,
        path: PathBuf,
        remove: fn(&Path) -> std::io::Result<()>,
    ) -> Result<(), StoreError> {
        let root = self.root.clone();
        blocking(move || {
            match remove(&path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(e.into()),
            }
            prune_empty(&root, path.parent());
            Ok(())
        })
        .await
    }
}

fn write_atomic(root: &Path, path: &Path, data: &[u8]) -> Result<(), StoreError> {
    let tmp_dir = root.join(TMP_DIR);
    std::fs::create_dir_all(&tmp_dir)?;
    let tmp = tmp_dir.join(crate::schema::ids::random_alnum(24));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(data)?;
        f.sync_all()?;
        // A concurrent delete may remove an emptied parent between creating it and renaming
        // into it: create it again once.
        for attempt in 0..2 {
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            match std::fs::rename(&tmp, path) {
                Err(e) if e.kind() == std::io::ErrorKind::NotFound && attempt == 0 => continue,
                other => return other,
            }
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    Ok(result?)
}

/// Removes now-empty folders from `dir` up to (not including) `root`.
fn prune_empty(root: &Path, mut dir: Option<&Path>) {
    while let Some(d) = dir {
        if d == root || !d.starts_with(root) || std::fs::remove_dir(d).is_err() {
            return;
        }
        dir = d.parent();
    }
}

fn etag(size: u64, modified: std::time::SystemTime) -> String {
    let nanos = modified
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("\"{size:x}-{nanos:x}\"")
}

#[async_trait::async_trait]
impl FileStore for LocalStore {
    fn kind(&self) -> &'static str {
        "local"
    }

    async fn put(&self, key: &str, data: Bytes, _content_type: &str) -> Result<(), StoreError> {
        let path = self.path(key)?;
        let root = self.root.clone();
        blocking(move || write_atomic(&root, &path, &data)).await
    }

    async fn head(&self, key: &str) -> Result<Meta, StoreError> {
        let path = self.path(key)?;
        blocking(move || {
            let mut f = std::fs::File::open(&path)?;
            let md = f.metadata()?;
            if !md.is_file() {
                return Err(StoreError::NotFound);
            }
            let mut head = Vec::with_capacity(mime::SNIFF_LEN);
            (&mut f)
                .take(mime::SNIFF_LEN as u64)
                .read_to_end(&mut head)?;
            let modified = md.modified()?;
            Ok(Meta {
                size: md.len(),
                modified,
                content_type: mime::sniff(&head),
                etag: etag(md.len(), modified),
            })
        })
        .await
    }

    async fn get(&self, key: &str, range: Option<Range<u64>>) -> Result<ByteStream, StoreError> {
        let path = self.path(key)?;
        let (file, remaining) = blocking(move || {
            let mut f = std::fs::File::open(&path)?;
            let len = f.metadata()?.len();
            let range = range.unwrap_or(0..len);
            f.seek(SeekFrom::Start(range.start))?;
            Ok((f, range.end.saturating_sub(range.start)))
        })
        .await?;
        let stream = futures_util::stream::try_unfold((file, remaining), |(f, left)| async move {
            if left == 0 {
                return Ok(None);
            }
            let want = usize::try_from(left).map_or(CHUNK, |l| l.min(CHUNK));
            let (f, chunk) = tokio::task::spawn_blocking(move || {
                let mut f = f;
                let mut buf = vec![0u8; want];
                let n = f.read(&mut buf)?;
                buf.truncate(n);
                Ok::<_, std::io::Error>((f, buf))
            })
            .await
            .map_err(std::io::Error::other)??;
            if chunk.is_empty() {
                return Err(std::io::Error::from(std::io::ErrorKind::UnexpectedEof));
            }
            let left = left - chunk.len() as u64;
            Ok(Some((Bytes::from(chunk), (f, left))))
        });
        Ok(Box::pin(stream))
    }

    async fn delete(&self, key: &str) -> Result<(), StoreError> {
        self.remove(self.path(key)?, |p| std::fs::remove_file(p))
            .await
    }

    async fn delete_prefix(&self, prefix: &str) -> Result<(), StoreError> {
        self.remove(self.path(checked_prefix(prefix)?)?, |p| {
            std::fs::remove_dir_all(p)
        })
        .await
    }
}
