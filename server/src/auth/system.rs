//! Acting as the system: the flows (verification, password reset, email change, OTP, MFA,
//! OAuth2) change records the requester may not change themselves, through the normal record
//! pipeline as a superuser, so hooks and validation still apply.

use std::sync::Arc;

use serde_json::{Map, Value};

use super::{AuthInfo, SUPERUSERS};
use crate::core::Core;
use crate::error::ApiError;
use crate::records::exec::Exec;
use crate::records::resolver::RequestInfo;
use crate::records::{Record, pipeline, read};
use crate::schema::Collection;

/// A superuser requester without a record.
pub fn superuser_info(core: &Core) -> RequestInfo {
    let collection = core.schema.load().find(SUPERUSERS);
    RequestInfo {
        auth: AuthInfo {
            record: None,
            collection,
        },
        context: "default".into(),
        ..RequestInfo::default()
    }
}

/// The system collection `name` (`_otps`, `_mfas`, `_externalAuths`, …).
pub fn collection(core: &Core, name: &str) -> Result<Arc<Collection>, ApiError> {
    core.schema
        .load()
        .find(name)
        .ok_or_else(|| ApiError::internal(format!("missing system collection {name}")))
}

/// Updates `record` with `body` as a superuser; returns the stored record.
pub async fn update(
    core: &Arc<Core>,
    record: &Record,
    body: Map<String, Value>,
) -> Result<Record, ApiError> {
    let info = superuser_info(core);
    pipeline::update(
        core,
        &Exec::Direct,
        record.collection.clone(),
        record.id(),
        info,
        body,
        false,
    )
    .await
}

/// Creates a record in `c` as a superuser.
pub async fn create(
    core: &Arc<Core>,
    c: Arc<Collection>,
    body: Map<String, Value>,
) -> Result<Record, ApiError> {
    let info = superuser_info(core);
    pipeline::create(core, &Exec::Direct, c, info, body, false).await
}

/// Deletes a record as a superuser (a record already gone is not an error).
pub async fn delete(core: &Arc<Core>, c: Arc<Collection>, id: &str) -> Result<(), ApiError> {
    let info = superuser_info(core);
    match pipeline::delete(core, &Exec::Direct, c, id, info).await {
        Ok(()) => Ok(()),
        Err(e) if e.status == 404 => Ok(()),
        Err(e) => Err(e),
    }
}

/// A record by id, without rules.
pub async fn find(core: &Core, c: &Arc<Collection>, id: &str) -> Result<Option<Record>, ApiError> {
    let (c, id) = (c.clone(), id.to_string());
    core.storage
        .read(move |conn| read::find_by_id(conn, &c, &id))
        .await?
        .map_err(ApiError::internal)
}

/// The auth record of `c` with this email (case-insensitive, as PocketBase).
pub async fn find_by_email(
    core: &Core,
    c: &Arc<Collection>,
    email: &str,
) -> Result<Option<Record>, ApiError> {
    let (c, email) = (c.clone(), email.to_string());
    core.storage
        .read(move |conn| {
            let plan = read::QueryPlan::default().with_condition(crate::query::Sql {
                text: format!(
                    "{}.\"email\" = ? COLLATE NOCASE",
                    crate::query::sql::quote(&c.name)
                ),
                values: vec![email.into()],
            });
            read::select(conn, &c, &plan, 1, 0).map(|rows| rows.into_iter().next())
        })
        .await?
        .map_err(ApiError::internal)
}

/// Gives `record` a new `tokenKey`, revoking every token issued before (PocketBase does this
/// when an email changes).
// NOTE: `tokenKey` is server-managed, so the record pipeline ignores it in bodies and only
// rotates it on password changes; this single bound UPDATE covers the email-change flow until
// the pipeline rotates it on email changes too.
pub async fn rotate_token_key(core: &Core, record: &Record) -> Result<(), ApiError> {
    use sea_orm::ConnectionTrait;
    let sql = format!(
        "UPDATE {} SET \"tokenKey\" = ? WHERE \"id\" = ?",
        crate::query::sql::quote(&record.collection.name)
    );
    let values: Vec<sea_orm::Value> = vec![
        crate::schema::ids::random_alnum(50).into(),
        record.id().to_string().into(),
    ];
    core.storage
        .write(move |conn| {
            conn.execute_raw(sea_orm::Statement::from_sql_and_values(
                sea_orm::DbBackend::Sqlite,
                sql,
                values,
            ))
        })
        .await?
        .map_err(ApiError::internal)?;
    Ok(())
}
