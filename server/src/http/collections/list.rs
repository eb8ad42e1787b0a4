//! `GET /api/collections`: list envelope of collection JSON with PocketBase's `filter` and
//! `sort` over the collection columns (`schema::search`), `page`, `perPage`, `skipTotal` and
//! `fields`.

use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::Value;

use crate::error::ApiError;
use crate::http::extract::{RequireSuperuser, core_of};
use crate::http::params::{ListParams, envelope};
use crate::schema::search::CollectionSearch;

/// List collections.
pub async fn handler(
    req: HttpRequest,
    params: web::Query<ListParams>,
    _: RequireSuperuser,
) -> Result<HttpResponse, ApiError> {
    let core = core_of(&req)?;
    let search = CollectionSearch::compile(params.filter.as_deref(), params.sort.as_deref())?;
    let (page, per_page, skip_total) = (params.page()?, params.per_page()?, params.skip_total()?);
    let offset = (page - 1).saturating_mul(per_page);
    let found = core
        .storage
        .read(move |conn| search.run(conn, per_page, offset, !skip_total))
        .await?
        .map_err(|e| {
            // A filter can still fail at execution (e.g. a type mismatch SQLite rejects); that
            // is the client's input, not a server fault.
            tracing::debug!(error = %e, "collections search failed");
            ApiError::bad_request(crate::error::msg::BAD_REQUEST)
        })?;
    // The rows give the ids; the JSON comes from the schema snapshot, the same a view returns.
    let snapshot = core.schema.load();
    let picker = params.picker();
    let items: Vec<Value> = found
        .ids
        .iter()
        .filter_map(|id| snapshot.find(id))
        .map(|c| match &picker {
            Some(p) => p.pick(c.to_json()),
            None => c.to_json(),
        })
        .collect();
    let per = i64::try_from(per_page).unwrap_or(i64::MAX);
    let (total_items, total_pages) = match found.total {
        Some(t) => (t, (t + per - 1) / per),
        None => (-1, -1),
    };
    Ok(HttpResponse::Ok().json(envelope(page, per_page, total_items, total_pages, items)))
}
