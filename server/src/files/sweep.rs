//! Start-up sweep of the local store. Files are stored before the row naming them commits and
//! obsolete files are removed only after it commits (see [`super::txn`]), so a crash in between
//! can leave files no record names. Before `serve` accepts requests, every
//! `<collectionId>/<recordId>/<name>` that no record references — with its `thumbs_<name>`
//! folder — is removed, as are folders of records and collections that no longer exist.
//!
//! It runs only at `serve` start-up, never while requests are in flight: an upload between
//! "stored" and "committed" would look exactly like an orphan.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, DbErr, Statement};

use crate::schema::FieldKind;
use crate::schema::collection::Collection;
use crate::storage::dialect::quote;

/// Record id → the file names its file fields hold.
type Refs = HashMap<String, HashSet<String>>;

/// The names of one stored file-field value: one name, or a JSON array of names.
fn names_in(value: &str) -> Vec<String> {
    if value.starts_with('[') {
        serde_json::from_str::<Vec<String>>(value).unwrap_or_default()
    } else if value.is_empty() {
        Vec::new()
    } else {
        vec![value.to_string()]
    }
}

/// Every file a record of `c` references.
fn references(conn: &DatabaseConnection, c: &Collection) -> Result<Refs, DbErr> {
    let file_fields: Vec<String> = c
        .fields
        .iter()
        .filter(|f| matches!(f.kind, FieldKind::File(_)))
        .map(|f| quote(&f.name))
        .collect();
    let mut columns = vec![quote("id")];
    columns.extend(file_fields);
    let sql = format!("SELECT {} FROM {}", columns.join(", "), quote(&c.name));
    let mut refs = Refs::new();
    for row in conn.query_all_raw(Statement::from_string(DbBackend::Sqlite, sql))? {
        let id: String = row.try_get_by_index(0)?;
        let mut names = HashSet::new();
        for i in 1..columns.len() {
            let value: Option<String> = row.try_get_by_index(i)?;
            names.extend(names_in(value.as_deref().unwrap_or_default()));
        }
        refs.insert(id, names);
    }
    Ok(refs)
}

fn remove(path: &Path, removed: &mut usize) {
    let result = if path.is_dir() {
        std::fs::remove_dir_all(path)
    } else {
        std::fs::remove_file(path)
    };
    match result {
        Ok(()) => *removed += 1,
        Err(e) => {
            tracing::warn!(error = %e, path = %path.display(), "cannot remove an orphaned file")
        }
    }
}

fn entries(dir: &Path) -> Vec<(String, std::path::PathBuf)> {
    let Ok(read) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    read.filter_map(Result::ok)
        .filter_map(|e| Some((e.file_name().into_string().ok()?, e.path())))
        // `.tmp` (interrupted uploads) is the local store's own business.
        .filter(|(name, _)| !name.starts_with('.'))
        .collect()
}

/// Removes what no record references under `root`; returns how many entries went.
pub fn sweep_local(
    conn: &DatabaseConnection,
    collections: &[Arc<Collection>],
    root: &Path,
) -> Result<usize, DbErr> {
    let by_id: HashMap<&str, &Arc<Collection>> =
        collections.iter().map(|c| (c.id.as_str(), c)).collect();
    let mut removed = 0;
    for (collection_id, collection_dir) in entries(root) {
        if !collection_dir.is_dir() {
            continue;
        }
        let Some(c) = by_id.get(collection_id.as_str()).filter(|c| !c.is_view()) else {
            remove(&collection_dir, &mut removed);
            continue;
        };
        let refs = references(conn, c)?;
        for (record_id, record_dir) in entries(&collection_dir) {
            let Some(names) = refs.get(&record_id) else {
                remove(&record_dir, &mut removed);
                continue;
            };
            for (name, path) in entries(&record_dir) {
                let owner = name.strip_prefix("thumbs_").unwrap_or(&name);
                let thumbs_of_a_kept_file = path.is_dir() && names.contains(owner);
                if !names.contains(&name) && !thumbs_of_a_kept_file {
                    remove(&path, &mut removed);
                }
            }
        }
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::names_in;

    #[test]
    fn single_and_multiple_names() {
        assert_eq!(names_in(""), Vec::<String>::new());
        assert_eq!(names_in("a_x1.png"), vec!["a_x1.png"]);
        assert_eq!(names_in(r#"["a.png","b.txt"]"#), vec!["a.png", "b.txt"]);
        assert_eq!(names_in("[]"), Vec::<String>::new());
    }
}
