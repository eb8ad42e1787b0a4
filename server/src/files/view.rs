//! Files of view collections: a view's file field is a clone of a field of a collection its
//! query reads, and the files stay where that collection's record keeps them. This finds that
//! record (PocketBase's `FindRecordByViewFile`), following views of views.

use std::sync::Arc;

use crate::core::Core;
use crate::error::ApiError;
use crate::query::Sql;
use crate::query::sql::quote;
use crate::records::Record;
use crate::records::read::{self, QueryPlan};
use crate::schema::{Collection, FieldKind};

/// How many views deep the source is looked for.
const MAX_DEPTH: usize = 10;

/// Collections named in `query` (as whole words), as view field inference matches them.
fn referenced<'a>(query: &str, all: &'a [Arc<Collection>]) -> Vec<&'a Arc<Collection>> {
    let lower = query.to_ascii_lowercase();
    let words: Vec<&str> = lower
        .split(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_'))
        .collect();
    all.iter()
        .filter(|c| words.contains(&c.name.to_ascii_lowercase().as_str()))
        .collect()
}

/// The record (of a base or auth collection) storing `filename` in its file field `field`, for
/// the view collection `view`.
pub async fn source_record(
    core: &Core,
    view: &Arc<Collection>,
    field: &str,
    filename: &str,
) -> Result<Option<Record>, ApiError> {
    let snapshot = core.schema.load();
    let mut views = vec![view.clone()];
    for _ in 0..MAX_DEPTH {
        let mut next = Vec::new();
        for v in &views {
            for c in referenced(&v.view_query, &snapshot.collections) {
                let Some(f) = c.field(field) else { continue };
                if !matches!(f.kind, FieldKind::File(_)) || c.id == v.id {
                    continue;
                }
                if c.is_view() {
                    next.push(c.clone());
                    continue;
                }
                let column = format!("{}.{}", quote(&c.name), quote(field));
                let cond = if f.is_multiple() {
                    format!("EXISTS (SELECT 1 FROM json_each({column}) WHERE json_each.value = ?)")
                } else {
                    format!("{column} = ?")
                };
                let plan = QueryPlan::default().with_condition(Sql {
                    text: cond,
                    values: vec![filename.into()],
                });
                let c = c.clone();
                let found = core
                    .storage
                    .read(move |conn| read::select(conn, &c, &plan, 1, 0))
                    .await?
                    .map_err(ApiError::internal)?;
                if let Some(r) = found.into_iter().next() {
                    return Ok(Some(r));
                }
            }
        }
        if next.is_empty() {
            break;
        }
        views = next;
    }
    Ok(None)
}
