//! `/api/jobs` (superusers): list with PocketBase's envelope, filter and sort; view; cancel;
//! retry. Job changes are also published on realtime topic `_jobs/*`.

use actix_web::{HttpRequest, HttpResponse, web};

use crate::error::ApiError;
use crate::http::extract::{RequireSuperuser, core_of};
use crate::http::params::{ListParams, envelope};
use crate::jobs::{Jobs, listing, store};

fn job_not_found() -> ApiError {
    ApiError::not_found()
}

/// List jobs.
pub async fn list(
    req: HttpRequest,
    params: web::Query<ListParams>,
    _: RequireSuperuser,
) -> Result<HttpResponse, ApiError> {
    let core = core_of(&req)?;
    let filter = listing::filter_sql(params.filter.as_deref())?;
    let order = listing::order_by(params.sort.as_deref())?;
    let (page, per_page) = (params.page()?, params.per_page()?);
    let skip_total = params.skip_total()?;
    let offset = (page - 1).saturating_mul(per_page);
    let (items, total) = core
        .storage
        .read(move |conn| {
            let items = store::list(conn, &filter, &order, per_page, offset)?;
            let total = if skip_total {
                -1
            } else {
                store::count(conn, &filter)?
            };
            Ok::<_, sea_orm::DbErr>((items, total))
        })
        .await?
        .map_err(ApiError::internal)?;
    let per = i64::try_from(per_page).unwrap_or(1).max(1);
    let pages = if total < 0 {
        -1
    } else {
        (total + per - 1) / per
    };
    let items = items
        .into_iter()
        .map(|j| serde_json::to_value(j).map_err(ApiError::internal))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(HttpResponse::Ok().json(envelope(page, per_page, total, pages, items)))
}

/// View a job.
pub async fn view(
    req: HttpRequest,
    id: web::Path<String>,
    _: RequireSuperuser,
) -> Result<HttpResponse, ApiError> {
    let core = core_of(&req)?;
    let id = id.into_inner();
    let job = core
        .storage
        .read(move |conn| store::get(conn, &id))
        .await?
        .map_err(ApiError::internal)?
        .ok_or_else(job_not_found)?;
    Ok(HttpResponse::Ok().json(job))
}

/// Cancel a queued or running job.
pub async fn cancel(
    req: HttpRequest,
    id: web::Path<String>,
    _: RequireSuperuser,
) -> Result<HttpResponse, ApiError> {
    let core = core_of(&req)?;
    let id = id.into_inner();
    match Jobs::cancel(&core, &id).await? {
        Some(job) => Ok(HttpResponse::Ok().json(job)),
        None => ended_or_missing(&core, id, "The job has already ended.").await,
    }
}

/// Queue an ended job again.
pub async fn retry(
    req: HttpRequest,
    id: web::Path<String>,
    _: RequireSuperuser,
) -> Result<HttpResponse, ApiError> {
    let core = core_of(&req)?;
    let id = id.into_inner();
    match Jobs::retry(&core, &id).await? {
        Some(job) => Ok(HttpResponse::Ok().json(job)),
        None => ended_or_missing(&core, id, "The job is still queued or running.").await,
    }
}

/// 404 for an unknown job, else 400 with `message` (the job is in the wrong state).
async fn ended_or_missing(
    core: &crate::core::Core,
    id: String,
    message: &str,
) -> Result<HttpResponse, ApiError> {
    let exists = core
        .storage
        .read(move |conn| store::get(conn, &id))
        .await?
        .map_err(ApiError::internal)?
        .is_some();
    Err(if exists {
        ApiError::bad_request(message)
    } else {
        job_not_found()
    })
}
