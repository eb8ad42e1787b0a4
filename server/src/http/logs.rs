//! `GET /api/logs`, `GET /api/logs/stats` and `GET /api/logs/{id}` (superusers), as
//! PocketBase: the list envelope of `{id, created, data, message, level}` with `filter`/`sort`
//! over the log columns and `data.*`, hourly `[{date, total}]` stats, one entry or a 404.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use serde_json::Value;

use crate::error::{ApiError, msg};
use crate::http::extract::{RequireSuperuser, core_of};
use crate::http::params::{ListParams, envelope};
use crate::logs::LogSearch;

/// List logs.
pub async fn list(
    req: HttpRequest,
    params: web::Query<ListParams>,
    _: RequireSuperuser,
) -> Result<HttpResponse, ApiError> {
    let core = core_of(&req)?;
    let search = LogSearch::compile(params.filter.as_deref(), params.sort.as_deref())
        .map_err(|_| ApiError::bad_request(msg::BAD_REQUEST))?;
    let (page, per_page, skip_total) = (params.page()?, params.per_page()?, params.skip_total()?);
    let offset = (page - 1).saturating_mul(per_page);
    let (rows, total) = core
        .logs
        .list(search, per_page, offset, !skip_total)
        .await?;
    let picker = params.picker();
    let items: Vec<Value> = rows
        .into_iter()
        .map(|r| {
            let v = serde_json::to_value(r).unwrap_or(Value::Null);
            match &picker {
                Some(p) => p.pick(v),
                None => v,
            }
        })
        .collect();
    let per = i64::try_from(per_page).unwrap_or(i64::MAX);
    let (total_items, total_pages) = match total {
        Some(t) => (t, (t + per - 1) / per),
        None => (-1, -1),
    };
    Ok(HttpResponse::Ok().json(envelope(page, per_page, total_items, total_pages, items)))
}

#[derive(Debug, Default, Deserialize)]
pub struct StatsParams {
    pub filter: Option<String>,
}

/// Hourly counts of the matching entries.
pub async fn stats(
    req: HttpRequest,
    params: web::Query<StatsParams>,
    _: RequireSuperuser,
) -> Result<HttpResponse, ApiError> {
    let core = core_of(&req)?;
    let search = LogSearch::compile(params.filter.as_deref(), None)
        .map_err(|_| ApiError::bad_request("Invalid filter format."))?;
    let items = core.logs.stats(search).await.map_err(|e| {
        if e.status == 400 {
            ApiError::bad_request("Failed to generate logs stats.")
        } else {
            e
        }
    })?;
    Ok(HttpResponse::Ok().json(items))
}

/// One entry.
pub async fn view(
    req: HttpRequest,
    id: web::Path<String>,
    _: RequireSuperuser,
) -> Result<HttpResponse, ApiError> {
    let core = core_of(&req)?;
    match core.logs.view(id.into_inner()).await? {
        Some(row) => Ok(HttpResponse::Ok().json(row)),
        None => Err(ApiError::not_found()),
    }
}
