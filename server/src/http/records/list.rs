//! `GET /api/collections/{collection}/records`: paginated list; the list rule and the client
//! `filter` become one condition, `sort` may follow relations.

use actix_web::{HttpResponse, web};
use serde_json::Map;

use crate::error::{ApiError, msg};
use crate::http::extract::{Auth, core_of, request_info};
use crate::http::params::{ListParams, envelope};
use crate::records::cached_read;
use crate::records::read::ListQuery;
use crate::records::rules::{Gate, PlanBuilder, gate};

/// List records.
pub async fn handler(
    req: actix_web::HttpRequest,
    path: web::Path<String>,
    params: web::Query<ListParams>,
    Auth(auth): Auth,
) -> Result<HttpResponse, ApiError> {
    let core = core_of(&req)?;
    let c = super::collection(&core, &path)?;
    let g = gate(c.list_rule.as_deref(), &auth);
    if g == Gate::Locked {
        return Err(ApiError::forbidden(msg::SUPERUSERS_ONLY));
    }
    let superuser = auth.is_superuser();
    let info = request_info(&req, auth, Map::new());
    let snapshot = core.schema.load();
    let plan = {
        let mut b = PlanBuilder::new(&snapshot, c.clone(), &info);
        b.gate(&g)?
            .client(params.filter.as_deref(), params.sort.as_deref(), superuser)?;
        b.finish()
    };
    let lq = ListQuery {
        page: params.page()?,
        per_page: params.per_page()?,
        skip_total: params.skip_total()?,
        plan,
    };
    let result = cached_read::list(&core, &c, &lq).await?.map_err(|e| {
        // A filter can still fail at execution (e.g. comparing incompatible JSON); that is the
        // client's input, not a server fault.
        tracing::debug!(error = %e, "list query failed");
        ApiError::bad_request(msg::BAD_REQUEST)
    })?;
    let picker = params.picker();
    let items = crate::http::render::records(&core, info, result.items, params.expand.as_deref())
        .await?
        .into_iter()
        .map(|v| match &picker {
            Some(p) => p.pick(v),
            None => v,
        })
        .collect();
    Ok(HttpResponse::Ok().json(envelope(
        result.page,
        result.per_page,
        result.total_items,
        result.total_pages,
        items,
    )))
}
