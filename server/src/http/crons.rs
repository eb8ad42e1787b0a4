//! `GET /api/crons` and `POST /api/crons/{id}` (superusers), as PocketBase: the list is
//! `[{id, expression}]` (the app's jobs by id, then the built-in ones); running one answers 204 at once and runs it in the
//! background.

use actix_web::{HttpRequest, HttpResponse, web};

use crate::error::ApiError;
use crate::http::extract::{RequireSuperuser, core_of};
use crate::jobs::Crons;

/// List cron jobs.
pub async fn list(req: HttpRequest, _: RequireSuperuser) -> Result<HttpResponse, ApiError> {
    let core = core_of(&req)?;
    Ok(HttpResponse::Ok().json(core.crons.list()))
}

/// Run a cron job now.
pub async fn run(
    req: HttpRequest,
    id: web::Path<String>,
    _: RequireSuperuser,
) -> Result<HttpResponse, ApiError> {
    let core = core_of(&req)?;
    if Crons::run_now(&core, &id) {
        Ok(HttpResponse::NoContent().finish())
    } else {
        Err(ApiError::new(404, "Missing or invalid cron job"))
    }
}
