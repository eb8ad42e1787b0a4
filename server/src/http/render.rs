//! Rendering records for a response: serialization for the requester plus `?expand=` (which
//! reads the related records: through the read cache, or inside the batch).

use std::sync::Arc;

use serde_json::Value;

use crate::core::Core;
use crate::error::ApiError;
use crate::records::exec::Exec;
use crate::records::expand::ExpandTree;
use crate::records::resolver::RequestInfo;
use crate::records::{Record, serialize};

/// Records as JSON for `info.auth`, expanded when `expand` is non-empty.
pub async fn records(
    core: &Arc<Core>,
    info: RequestInfo,
    records: Vec<Record>,
    expand: Option<&str>,
) -> Result<Vec<Value>, ApiError> {
    records_with(core, &Exec::Direct, info, records, expand).await
}

/// Like [`records`], reading through `exec` (inside a batch, expansions see its writes).
pub async fn records_with(
    core: &Arc<Core>,
    exec: &Exec,
    mut info: RequestInfo,
    records: Vec<Record>,
    expand: Option<&str>,
) -> Result<Vec<Value>, ApiError> {
    let Some(tree) = expand.and_then(ExpandTree::parse) else {
        return Ok(records
            .iter()
            .map(|r| serialize::to_json(r, &info.auth))
            .collect());
    };
    info.context = "expand".into();
    exec.expand(core, info, records, tree)
        .await?
        .map_err(ApiError::internal)
}

/// One record as JSON (see [`records`]).
pub async fn record(
    core: &Arc<Core>,
    info: RequestInfo,
    record: Record,
    expand: Option<&str>,
) -> Result<Value, ApiError> {
    Ok(records(core, info, vec![record], expand)
        .await?
        .into_iter()
        .next()
        .unwrap_or(Value::Null))
}
