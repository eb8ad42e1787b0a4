//! Restoring a backup into the running server, without the restart PocketBase needs.
//!
//! First the zip is checked without touching anything live ([`prepare`]): it is unpacked into
//! a scratch folder inside the data dir (entries with unsafe paths refuse the whole zip),
//! `data.db` must be there and pass `PRAGMA integrity_check`, its collections and settings
//! must load, and its sealed secrets must open with this server's key. Only then is the data
//! swapped in ([`apply`]): the storage folder by two renames, `data.db` by SQLite's backup API
//! inside one writer job (see [`crate::storage::Storage::replace_with`]), which also reloads
//! the schema and settings caches before any queued write runs. So a write either finished
//! before the restore (and is replaced, as restoring means) or runs after it on the restored
//! data and is kept; none is half-applied or lost after it was acknowledged.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};
use serde_json::Value;

use super::{BackupError, Backups, DIR, SCRATCH};
use crate::core::Core;
use crate::schema::{Collection, normalize};

/// A backup unpacked and checked, ready to swap in.
pub struct Prepared {
    /// The scratch folder holding `data.db`, maybe `aux.db` and `storage/`.
    dir: PathBuf,
    pub collections: usize,
}

impl Drop for Prepared {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn invalid(why: impl std::fmt::Display) -> BackupError {
    BackupError::Invalid(why.to_string())
}

/// Unpacks `zip_path` into `dest`: `data.db`, `aux.db` and `storage/…` (other entries, such as
/// what PocketBase adds beside its databases, are skipped).
fn unpack(zip_path: &Path, dest: &Path) -> Result<(), BackupError> {
    let file = std::fs::File::open(zip_path)?;
    let mut zip = zip::ZipArchive::new(file).map_err(|e| invalid(format!("not a zip: {e}")))?;
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).map_err(invalid)?;
        let Some(rel) = entry.enclosed_name() else {
            return Err(invalid(format!("unsafe entry path {:?}", entry.name())));
        };
        let wanted =
            rel == Path::new("data.db") || rel == Path::new("aux.db") || rel.starts_with("storage");
        if entry.is_dir() || !wanted {
            continue;
        }
        let out = dest.join(&rel);
        if let Some(parent) = out.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let mut to = std::fs::File::create_new(&out)?;
        // A read error here is a damaged entry (bad deflate data, wrong CRC).
        std::io::copy(&mut entry, &mut to)
            .map_err(|e| invalid(format!("{:?}: {e}", entry.name())))?;
    }
    Ok(())
}

/// `PRAGMA integrity_check` on a database file.
fn check_integrity(path: &Path) -> Result<(), BackupError> {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
    let name = name.unwrap_or_default();
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| invalid(format!("{name}: {e}")))?;
    let verdict: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .map_err(|e| invalid(format!("{name}: {e}")))?;
    if verdict != "ok" {
        return Err(invalid(format!("{name} is damaged: {verdict}")));
    }
    Ok(())
}

/// The collections and settings stored in an unpacked `data.db`.
fn load_contents(db: &Path) -> Result<(Vec<Collection>, Value), BackupError> {
    let conn = crate::storage::sqlite::open(db, None).map_err(invalid)?;
    let collections = crate::schema::store::load_all(&conn)
        .map_err(|e| invalid(format!("data.db holds no Cairn collections: {e}")))?;
    let settings = crate::settings::load(&conn).map_err(invalid)?;
    let _ = conn.close_by_ref();
    Ok((collections, settings))
}

/// Unpacks and checks backup `key` (blocking: call from a blocking thread).
pub fn prepare(core: &Core, key: &str) -> Result<Prepared, BackupError> {
    let backups: &Backups = &core.backups;
    let zip_path = backups
        .path_of(key)
        .ok_or_else(|| BackupError::Missing(key.to_string()))?;
    let dir = backups
        .data_dir
        .join(DIR)
        .join(SCRATCH)
        .join(format!("restore-{}", crate::schema::ids::random_alnum(10)));
    std::fs::create_dir_all(&dir)?;
    let mut prepared = Prepared {
        dir: dir.clone(),
        collections: 0,
    };
    unpack(&zip_path, &dir)?;
    let db = dir.join("data.db");
    if !db.is_file() {
        return Err(invalid("data.db is missing"));
    }
    check_integrity(&db)?;
    if dir.join("aux.db").is_file() {
        check_integrity(&dir.join("aux.db"))?;
    }
    let (collections, settings) = load_contents(&db)?;
    if !collections.iter().any(|c| c.name == "_superusers") {
        return Err(invalid("data.db has no _superusers collection"));
    }
    let key_problem = |e: String| {
        invalid(format!(
            "its secrets do not open with this server's encryption key ({e})"
        ))
    };
    core.settings
        .check_sealed(&settings)
        .map_err(|e| key_problem(e.to_string()))?;
    for c in &collections {
        normalize::check_stored_provider_secrets(&mut c.clone(), &core.settings.sealer)
            .map_err(key_problem)?;
    }
    prepared.collections = collections.len();
    Ok(prepared)
}

/// Moves `from` to `to` when `from` exists.
fn move_if_there(from: &Path, to: &Path) -> std::io::Result<()> {
    if from.exists() {
        std::fs::rename(from, to)?;
    }
    Ok(())
}

/// Swaps the prepared backup in: the storage folder, then `data.db` (reloading the schema and
/// settings in the same writer job), then `aux.db`.
pub async fn apply(core: &Core, prepared: Prepared) -> Result<(), BackupError> {
    let data_dir = core.backups.data_dir.clone();
    let live_storage = data_dir.join("storage");
    let old_storage = prepared.dir.join("old-storage");
    move_if_there(&live_storage, &old_storage)?;
    if let Err(e) = move_if_there(&prepared.dir.join("storage"), &live_storage) {
        let _ = move_if_there(&old_storage, &live_storage);
        return Err(e.into());
    }
    let cache = core.schema.clone();
    let swapped = core
        .storage
        .replace_with(prepared.dir.join("data.db"), move |conn| {
            crate::core::prepare_database(conn, &cache)
        })
        .await;
    let settings = match swapped {
        Ok(Ok(settings)) => settings,
        Ok(Err(e)) => {
            // The data is in; only reloading failed. The server must not go on serving the
            // old schema over the new data, so this is loud.
            tracing::error!(error = %e, "restored a backup but could not reload it");
            return Err(BackupError::Other(format!(
                "reloading the restored data: {e:#}"
            )));
        }
        Err(e) => {
            // Nothing was copied (one transaction): put the old files back.
            let _ = std::fs::remove_dir_all(&live_storage);
            let _ = move_if_there(&old_storage, &live_storage);
            return Err(BackupError::Other(e.to_string()));
        }
    };
    core.settings.set(settings);
    let aux = prepared.dir.join("aux.db");
    if aux.is_file() {
        let live_aux = data_dir.join("aux.db");
        let copied = tokio::task::spawn_blocking(move || {
            crate::storage::copy_into(&aux, &live_aux).map(|()| aux)
        })
        .await
        .map_err(|e| BackupError::Other(e.to_string()))?;
        if let Err(e) = copied {
            // The logs are the one part that may lag: the data itself is restored.
            tracing::warn!(error = %e, "restoring the request logs (aux.db) failed");
        }
    }
    drop(prepared);
    Ok(())
}

/// Restores backup `key` (one backup operation at a time).
pub async fn restore(core: &std::sync::Arc<Core>, key: &str) -> Result<(), BackupError> {
    let _guard = core.backups.claim(key).ok_or(BackupError::Busy)?;
    let (c, k) = (core.clone(), key.to_string());
    let prepared = tokio::task::spawn_blocking(move || prepare(&c, &k))
        .await
        .map_err(|e| BackupError::Other(e.to_string()))??;
    tracing::info!(
        backup = key,
        collections = prepared.collections,
        "restoring a backup"
    );
    apply(core, prepared).await
}
