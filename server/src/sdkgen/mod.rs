//! `cairn gen sdk`: writes a typed TypeScript client for a schema. The schema comes from a
//! data directory (opened read-only, so a server may be running on it) or from a running
//! server's `GET /api/collections`; [`types`] maps it to TypeScript and [`package`] writes
//! the package with the embedded runtime.

pub mod package;
pub mod types;

#[cfg(test)]
mod tests;

use std::path::Path;

use crate::schema::collection::Collection;

/// Every collection stored in `dir/data.db`, read over a read-only connection.
pub fn load_from_dir(dir: &Path) -> anyhow::Result<Vec<Collection>> {
    let db = dir.join("data.db");
    if !db.is_file() {
        anyhow::bail!("no database at {} (is --dir right?)", db.display());
    }
    // A reader's connection: never the writer, so a server running on the directory is
    // undisturbed (WAL lets both read at once).
    let conn = crate::storage::sqlite::open(&db, None)?;
    let collections = crate::schema::store::load_all(&conn)
        .map_err(|e| anyhow::anyhow!("reading the schema: {e}"))?;
    Ok(collections)
}

/// Every collection a running server lists to the superuser behind `token`.
pub async fn load_from_url(url: &str, token: &str) -> anyhow::Result<Vec<Collection>> {
    let base = url.trim_end_matches('/');
    let client = reqwest::Client::new();
    let mut out = Vec::new();
    for page in 1.. {
        let res = client
            .get(format!("{base}/api/collections"))
            .query(&[("page", page.to_string()), ("perPage", "200".to_string())])
            .header("Authorization", token)
            .send()
            .await?;
        let status = res.status();
        let body: serde_json::Value = res.json().await?;
        if !status.is_success() {
            let message = body
                .get("message")
                .and_then(serde_json::Value::as_str)
                .unwrap_or_default();
            anyhow::bail!("GET {base}/api/collections: {status} {message}");
        }
        let items = body
            .get("items")
            .and_then(serde_json::Value::as_array)
            .cloned()
            .unwrap_or_default();
        for item in &items {
            let c = Collection::from_json(item).map_err(|e| {
                anyhow::anyhow!(
                    "collection {}: {:?}",
                    item.get("name").unwrap_or(&serde_json::Value::Null),
                    e.into_map()
                )
            })?;
            out.push(c);
        }
        let total_pages = body
            .get("totalPages")
            .and_then(serde_json::Value::as_u64)
            .unwrap_or(1);
        if items.is_empty() || page >= total_pages {
            break;
        }
    }
    Ok(out)
}
