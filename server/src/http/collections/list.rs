//! `GET /api/collections`: list envelope of collection JSON (page, perPage, sort, fields,
//! skipTotal; sorting by name/created/updated/type).

use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::Value;

use crate::error::{ApiError, msg};
use crate::http::extract::{RequireSuperuser, core_of};
use crate::http::params::{ListParams, envelope};

/// List collections.
pub async fn handler(
    req: HttpRequest,
    params: web::Query<ListParams>,
    _: RequireSuperuser,
) -> Result<HttpResponse, ApiError> {
    let core = core_of(&req)?;
    if params
        .filter
        .as_deref()
        .is_some_and(|f| !f.trim().is_empty())
    {
        return Err(ApiError::bad_request(msg::BAD_REQUEST));
    }
    let snapshot = core.schema.load();
    let mut items: Vec<Value> = snapshot.collections.iter().map(|c| c.to_json()).collect();
    let sort = params.sort.clone().unwrap_or_default();
    for term in sort
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .rev()
    {
        let (desc, key) = term
            .strip_prefix('-')
            .map_or((false, term.trim_start_matches('+')), |k| (true, k));
        if !matches!(
            key,
            "id" | "name" | "type" | "created" | "updated" | "system"
        ) {
            return Err(ApiError::bad_request(msg::BAD_REQUEST));
        }
        items.sort_by(|a, b| {
            let ord = a[key].to_string().cmp(&b[key].to_string());
            if desc { ord.reverse() } else { ord }
        });
    }
    let (page, per_page) = (params.page()?, params.per_page()?);
    let total = i64::try_from(items.len()).unwrap_or(0);
    let per = i64::try_from(per_page).unwrap_or(1);
    let start = usize::try_from((page - 1).saturating_mul(per_page)).unwrap_or(usize::MAX);
    let picker = params.picker();
    let page_items: Vec<Value> = items
        .into_iter()
        .skip(start)
        .take(usize::try_from(per_page).unwrap_or(usize::MAX))
        .map(|v| {
            picker
                .as_ref()
                .map_or_else(|| v.clone(), |p| p.pick(v.clone()))
        })
        .collect();
    let (ti, tp) = if params.skip_total()? {
        (-1, -1)
    } else {
        (total, (total + per - 1) / per)
    };
    Ok(HttpResponse::Ok().json(envelope(page, per_page, ti, tp, page_items)))
}
