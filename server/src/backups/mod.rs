//! Backups as PocketBase's `/api/backups`: zips of the data dir (a consistent online copy of
//! `data.db` and `aux.db` plus the local file storage, see [`snapshot`]) kept in
//! `<data dir>/backups/`, listed, uploaded, downloaded and deleted by name. One backup
//! operation at a time, as in PocketBase. Restoring one swaps the data in while the server
//! runs ([`restore`]).

pub mod restore;
pub mod snapshot;

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::Serialize;

/// The folder under the data dir (PocketBase's `pb_data/backups`).
pub const DIR: &str = "backups";
/// Where a backup is written before it is renamed into place (never listed).
const SCRATCH: &str = ".tmp";

/// One entry of `GET /api/backups`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BackupInfo {
    pub key: String,
    pub size: u64,
    /// PocketBase's datetime text.
    pub modified: String,
}

/// Why a backup operation was refused.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("Try again later - another backup/restore process has already been started")]
    Busy,
    #[error("the backup {0} already exists")]
    Exists(String),
    #[error("no backup {0}")]
    Missing(String),
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// The zip cannot be restored (not a Cairn backup, damaged, foreign secrets).
    #[error("The backup file is invalid: {0}.")]
    Invalid(String),
    #[error("{0}")]
    Other(String),
}

/// The backups folder of one data dir.
pub struct Backups {
    data_dir: PathBuf,
    /// The name of the backup being written, while one is.
    active: Mutex<Option<String>>,
}

/// PocketBase's rule for backup names: `^[a-z0-9_-]+\.zip$`, at most 150 characters.
pub fn valid_name(name: &str) -> bool {
    name.len() <= 150
        && name.strip_suffix(".zip").is_some_and(|stem| {
            !stem.is_empty()
                && stem
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
        })
}

/// `pb_backup_<app name in snake case>_<UTC yyyymmddhhmmss>.zip`, as PocketBase names them.
pub fn default_name(app_name: &str) -> String {
    let mut snake = String::new();
    let mut prev_lower = false;
    for c in app_name.chars() {
        if c.is_ascii_alphanumeric() {
            // `MyApp` → `my_app`; `GTM` stays `gtm`.
            if c.is_ascii_uppercase() && prev_lower {
                snake.push('_');
            }
            snake.push(c.to_ascii_lowercase());
            prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        } else {
            if !snake.is_empty() && !snake.ends_with('_') {
                snake.push('_');
            }
            prev_lower = false;
        }
    }
    let snake: String = snake.trim_end_matches('_').chars().take(50).collect();
    format!(
        "pb_backup_{snake}_{}.zip",
        chrono::Utc::now().format("%Y%m%d%H%M%S")
    )
}

impl Backups {
    pub fn new(data_dir: &Path) -> Self {
        Self {
            data_dir: data_dir.to_path_buf(),
            active: Mutex::new(None),
        }
    }

    fn dir(&self) -> PathBuf {
        self.data_dir.join(DIR)
    }

    /// The file of backup `key`, if it exists (and `key` is a valid name).
    pub fn path_of(&self, key: &str) -> Option<PathBuf> {
        let path = self.dir().join(key);
        (valid_name(key) && path.is_file()).then_some(path)
    }

    /// Every backup, by name.
    pub fn list(&self) -> Result<Vec<BackupInfo>, BackupError> {
        let mut out = Vec::new();
        let Ok(entries) = std::fs::read_dir(self.dir()) else {
            return Ok(out);
        };
        for entry in entries {
            let entry = entry?;
            let key = entry.file_name().to_string_lossy().into_owned();
            let meta = entry.metadata()?;
            if !meta.is_file() || !valid_name(&key) {
                continue;
            }
            let modified: chrono::DateTime<chrono::Utc> = meta.modified()?.into();
            out.push(BackupInfo {
                key,
                size: meta.len(),
                modified: crate::schema::ids::format_datetime(modified),
            });
        }
        out.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(out)
    }

    /// Marks a backup operation as running; `None` when one already is.
    fn claim(&self, name: &str) -> Option<ActiveGuard<'_>> {
        let mut active = self.active.lock().ok()?;
        if active.is_some() {
            return None;
        }
        *active = Some(name.to_string());
        Some(ActiveGuard(self))
    }

    /// Whether `key` is the backup being written now.
    pub fn is_active(&self, key: &str) -> bool {
        self.active
            .lock()
            .map(|a| a.as_deref() == Some(key))
            .unwrap_or(false)
    }

    /// Writes backup `name` (blocking: call from a blocking thread).
    pub fn create(&self, name: &str) -> Result<(), BackupError> {
        let _guard = self.claim(name).ok_or(BackupError::Busy)?;
        let dir = self.dir();
        std::fs::create_dir_all(&dir)?;
        let dest = dir.join(name);
        if dest.exists() {
            return Err(BackupError::Exists(name.to_string()));
        }
        let scratch = dir.join(SCRATCH);
        let partial = scratch.join(format!("{name}.part"));
        let _ = std::fs::remove_file(&partial);
        snapshot::write_zip(&self.data_dir, &scratch, &partial)
            .map_err(|e| BackupError::Other(format!("{e:#}")))?;
        // The rename makes a finished zip appear at once: a listed backup is never partial.
        std::fs::rename(&partial, &dest)?;
        Ok(())
    }

    /// Stores an uploaded zip under `name`.
    pub fn save(&self, name: &str, data: &[u8]) -> Result<(), BackupError> {
        let dir = self.dir();
        std::fs::create_dir_all(dir.join(SCRATCH))?;
        let dest = dir.join(name);
        if dest.exists() {
            return Err(BackupError::Exists(name.to_string()));
        }
        let partial = dir.join(SCRATCH).join(format!("{name}.upload"));
        std::fs::write(&partial, data)?;
        std::fs::rename(&partial, &dest)?;
        Ok(())
    }

    pub fn delete(&self, key: &str) -> Result<(), BackupError> {
        let path = self
            .path_of(key)
            .ok_or_else(|| BackupError::Missing(key.to_string()))?;
        std::fs::remove_file(path)?;
        Ok(())
    }
}

struct ActiveGuard<'a>(&'a Backups);

impl Drop for ActiveGuard<'_> {
    fn drop(&mut self) {
        if let Ok(mut a) = self.0.active.lock() {
            *a = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_pocketbase() {
        assert!(valid_name("pb_backup_x_20240101000000.zip"));
        assert!(valid_name("a-b_1.zip"));
        for bad in [
            "",
            ".zip",
            "A.zip",
            "a.tar",
            "../a.zip",
            "a b.zip",
            "a.zip.zip",
        ] {
            assert!(!valid_name(bad), "{bad}");
        }
        let n = default_name("GTM Wizard");
        assert!(n.starts_with("pb_backup_gtm_wizard_"), "{n}");
        assert!(default_name("MyApp").starts_with("pb_backup_my_app_"));
        assert!(valid_name(&n), "{n}");
    }
}
