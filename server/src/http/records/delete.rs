//! `DELETE /api/collections/{collection}/records/{id}` → 204.

use actix_web::{HttpRequest, HttpResponse, web};

use crate::error::ApiError;
use crate::http::extract::{Auth, core_of, request_info};
use crate::records::exec::Exec;
use crate::records::pipeline;
use serde_json::Map;

/// Delete a record (relations cascade or block as configured).
pub async fn handler(
    req: HttpRequest,
    path: web::Path<(String, String)>,
    Auth(auth): Auth,
) -> Result<HttpResponse, ApiError> {
    let core = core_of(&req)?;
    let (collection, id) = path.into_inner();
    let c = super::collection(&core, &collection)?;
    pipeline::delete(
        &core,
        &Exec::Direct,
        c,
        &id,
        request_info(&req, auth, Map::new()),
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
