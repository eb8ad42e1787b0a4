//! OpenAPI document (`/api/openapi.json`) and offline docs page (`/api/docs`, assets under
//! `/api/docs/…`, all embedded in the binary).

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};

use crate::error::{ApiError, msg};
use crate::http::extract::{Auth, core_of};
use crate::openapi::{self, DocsAsset};
use crate::schema::Snapshot;

/// The OpenAPI document for the fixed routes plus one path set per collection. Superusers see
/// every collection; everyone else only the non-system collections that have a list or view
/// rule (a schema is not published for collections only superusers can read).
pub async fn spec(req: HttpRequest, Auth(auth): Auth) -> Result<HttpResponse, ApiError> {
    let core = core_of(&req)?;
    let snapshot = core.schema.load();
    let routes = core.routes.all();
    let doc = if auth.is_superuser() {
        openapi::document_with_routes(&snapshot, &routes)
    } else {
        let visible = snapshot
            .collections
            .iter()
            .filter(|c| !c.system && (c.list_rule.is_some() || c.view_rule.is_some()))
            .map(|c| c.as_ref().clone())
            .collect();
        openapi::document_with_routes(&Snapshot::new(visible), &routes)
    };
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .json(doc))
}

fn file_response(asset: DocsAsset) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(asset.content_type)
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(asset.bytes.into_owned())
}

/// A browsable docs page (Swagger UI) that works offline.
pub async fn docs() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(openapi::DOCS_HTML)
}

/// Static assets of the docs page (bundled in the binary).
pub async fn docs_assets(tail: web::Path<String>) -> Result<HttpResponse, ApiError> {
    openapi::asset(&tail)
        .map(file_response)
        .ok_or_else(|| ApiError::new(404, msg::FILE_NOT_FOUND))
}
