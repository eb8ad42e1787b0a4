//! `GET /api/files/{collection}/{recordId}/{filename}`: a record's file, a thumbnail of it
//! (`?thumb=`), as an attachment (`?download=1`); protected files need the collection's view
//! rule to pass for the holder of a file token (`?token=`, `@request.context =
//! "protectedFile"`). Every refusal is the same 404 as a missing file, so nothing leaks. Files
//! of view collections are served from the record their field comes from.

pub mod respond;

use std::collections::HashMap;

use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::Map;

use crate::auth::{AuthInfo, record_tokens, tokens};
use crate::core::Core;
use crate::error::{ApiError, msg};
use crate::files::thumbs::ThumbSize;
use crate::files::{mime, names, view};
use crate::http::extract::{core_of, request_info};
use crate::records::Record;
use crate::records::exec::Exec;
use crate::records::pipeline;
use crate::records::rules::{Gate, gate};
use crate::schema::fields::file::FileOptions;
use crate::schema::fields::list_items;
use crate::schema::{Collection, FieldKind};

/// Sizes every file field allows.
const DEFAULT_THUMB: &str = "100x100";

/// The file field of `record` holding `filename`: its name and options.
fn field_with<'c>(
    c: &'c Collection,
    record: &Record,
    filename: &str,
) -> Option<(&'c str, &'c FileOptions)> {
    c.fields.iter().find_map(|f| match &f.kind {
        FieldKind::File(o)
            if record
                .get(&f.name)
                .is_some_and(|v| list_items(v).iter().any(|n| n == filename)) =>
        {
            Some((f.name.as_str(), o))
        }
        _ => None,
    })
}

/// Whether the holder of `token` (a file token; guest without one) may see `record`'s
/// protected files: the view rule, evaluated with `@request.context = "protectedFile"`.
async fn may_view(
    core: &std::sync::Arc<Core>,
    req: &HttpRequest,
    c: &std::sync::Arc<Collection>,
    record: &Record,
    token: Option<&str>,
) -> Result<bool, ApiError> {
    let auth = match token.filter(|t| !t.is_empty()) {
        Some(t) => match record_tokens::find_record(core, t, tokens::FILE).await {
            Some((r, _)) => AuthInfo {
                collection: Some(r.collection.clone()),
                record: Some(r),
            },
            None => AuthInfo::guest(),
        },
        None => AuthInfo::guest(),
    };
    let g = gate(c.view_rule.as_deref(), &auth);
    match g {
        Gate::Open => Ok(true),
        Gate::Locked => Ok(false),
        Gate::Expression(_) => {
            let mut info = request_info(req, auth, Map::new());
            info.context = "protectedFile".into();
            let found =
                pipeline::find_with_rule(core, &Exec::Direct, c, record.id(), &info, &g).await?;
            Ok(found.is_some())
        }
    }
}

/// Download a record's file.
pub async fn download(
    req: HttpRequest,
    path: web::Path<(String, String, String)>,
    query: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, ApiError> {
    let core = core_of(&req)?;
    let (collection, record_id, filename) = path.into_inner();
    let c = core
        .schema
        .load()
        .find(&collection)
        .ok_or_else(|| ApiError::new(404, msg::INVALID_COLLECTION))?;
    let record = pipeline::find(&core, &Exec::Direct, &c, &record_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let (field_name, field) = field_with(&c, &record, &filename).ok_or_else(ApiError::not_found)?;
    if field.protected
        && !may_view(
            &core,
            &req,
            &c,
            &record,
            query.get("token").map(String::as_str),
        )
        .await?
    {
        return Err(ApiError::not_found());
    }
    // A view's files live with the record of the collection its field comes from.
    let (owner_id, record_id) = if c.is_view() {
        let source = view::source_record(&core, &c, field_name, &filename)
            .await?
            .ok_or_else(ApiError::not_found)?;
        (source.collection.id.clone(), source.id().to_string())
    } else {
        (c.id.clone(), record.id().to_string())
    };
    let store = core.files.store(&core.settings)?;
    let key = names::file_key(&owner_id, &record_id, &filename).ok_or_else(ApiError::not_found)?;
    let mut served = (key.clone(), filename.clone());
    let thumb = query.get("thumb").map(String::as_str).unwrap_or_default();
    if !thumb.is_empty() && (thumb == DEFAULT_THUMB || field.thumbs.iter().any(|t| t == thumb)) {
        let meta = store.head(&key).await?;
        if mime::is_thumbable(&meta.content_type)
            && let (Some(size), Some(thumb_key)) = (
                ThumbSize::parse(thumb),
                names::thumb_key(&owner_id, &record_id, &filename, thumb),
            )
        {
            match core
                .files
                .ensure_thumb(&store, &key, &thumb_key, size)
                .await
            {
                Ok(()) => served = (thumb_key, format!("{thumb}_{filename}")),
                Err(e) => {
                    tracing::warn!(error = %e, key, thumb, "thumbnail failed, serving the original");
                }
            }
        }
    }
    let download = query.get("download").is_some_and(|v| respond::truthy(v));
    respond::serve(&req, &store, &served.0, &served.1, download).await
}
