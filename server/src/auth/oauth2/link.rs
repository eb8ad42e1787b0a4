//! Which record an OAuth2 sign-in is for, as PocketBase decides: the record already linked to
//! this provider user (`_externalAuths`), else the signed-in requester of the same collection,
//! else the record with the provider's (verified) email, else a new record built from
//! `createData` and the mapped provider fields (`oauth2.mappedFields`). Links are stored in
//! `_externalAuths` (`collectionRef`, `recordRef`, `provider`, `providerId`).

use std::sync::Arc;

use serde_json::{Map, Value, json};

use super::AuthUser;
use crate::auth::{options, system};
use crate::core::Core;
use crate::error::{ApiError, msg};
use crate::query::Sql;
use crate::query::sql::quote;
use crate::records::{Record, read};
use crate::schema::Collection;

pub const COLLECTION: &str = "_externalAuths";

/// The record linked to `provider`/`provider_id` in `c`, if any.
async fn linked(
    core: &Core,
    c: &Arc<Collection>,
    provider: &str,
    provider_id: &str,
) -> Result<Option<Record>, ApiError> {
    let ext = system::collection(core, COLLECTION)?;
    let table = quote(&ext.name);
    let values = vec![c.id.clone(), provider.to_string(), provider_id.to_string()];
    let ext2 = ext.clone();
    let link = core
        .storage
        .read(move |conn| {
            let mut plan = read::QueryPlan::default();
            for (col, v) in ["collectionRef", "provider", "providerId"]
                .iter()
                .zip(values)
            {
                plan = plan.with_condition(Sql {
                    text: format!("{table}.{} = ?", quote(col)),
                    values: vec![v.into()],
                });
            }
            read::select(conn, &ext2, &plan, 1, 0).map(|r| r.into_iter().next())
        })
        .await?
        .map_err(ApiError::internal)?;
    match link {
        Some(l) => system::find(core, c, l.get_str("recordRef")).await,
        None => Ok(None),
    }
}

async fn store_link(
    core: &Arc<Core>,
    record: &Record,
    provider: &str,
    provider_id: &str,
) -> Result<(), ApiError> {
    let mut body = Map::new();
    body.insert("collectionRef".into(), json!(record.collection.id));
    body.insert("recordRef".into(), json!(record.id()));
    body.insert("provider".into(), json!(provider));
    body.insert("providerId".into(), json!(provider_id));
    system::create(core, system::collection(core, COLLECTION)?, body).await?;
    Ok(())
}

/// The record to sign in and whether it was created now.
pub async fn resolve(
    core: &Arc<Core>,
    c: &Arc<Collection>,
    provider: &str,
    user: &AuthUser,
    requester: Option<Record>,
    create_data: Map<String, Value>,
) -> Result<(Record, bool), ApiError> {
    if let Some(record) = linked(core, c, provider, &user.id).await? {
        return Ok((record, false));
    }
    let existing = match requester.filter(|r| r.collection.id == c.id) {
        Some(r) => Some(r),
        None if !user.email.is_empty() => system::find_by_email(core, c, &user.email).await?,
        None => None,
    };
    if let Some(record) = existing {
        store_link(core, &record, provider, &user.id).await?;
        let owns_email =
            !user.email.is_empty() && record.get_str("email").eq_ignore_ascii_case(&user.email);
        if owns_email && !record.get_bool("verified") {
            let mut patch = Map::new();
            patch.insert("verified".into(), Value::Bool(true));
            return Ok((system::update(core, &record, patch).await?, false));
        }
        return Ok((record, false));
    }
    // NOTE: sign-ups obey a locked createRule (superusers only); the record itself is then
    // written as the system, since `verified` and the random password are server-set.
    if c.create_rule.is_none() {
        return Err(ApiError::forbidden(msg::SUPERUSERS_ONLY));
    }
    let mut body = create_data;
    for (key, value) in [
        ("name", &user.name),
        ("username", &user.username),
        ("id", &user.id),
    ] {
        let field = options::oauth2_mapped_field(c, key);
        if !field.is_empty() && !value.is_empty() && c.field(&field).is_some() {
            body.entry(field).or_insert_with(|| json!(value));
        }
    }
    if !user.email.is_empty() {
        body.insert("email".into(), json!(user.email));
        body.insert("verified".into(), Value::Bool(true));
    }
    let password = crate::schema::ids::random_alnum(30);
    body.insert("password".into(), json!(password));
    body.insert("passwordConfirm".into(), json!(password));
    let record = system::create(core, c.clone(), body).await?;
    store_link(core, &record, provider, &user.id).await?;
    Ok((record, true))
}
