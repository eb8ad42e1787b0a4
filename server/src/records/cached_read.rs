//! Reads outside a batch, through the read cache ([`super::cache`]): a hit answers on the
//! calling thread; a miss runs on a reader thread and fills the cache with what it read, tagged
//! with the data version taken before the read started.

use std::sync::Arc;

use sea_orm::DbErr;

use super::Record;
use super::cache;
use super::read::{self, ListQuery, ListResult, MAX_PER_PAGE, QueryPlan};
use crate::core::Core;
use crate::query::Sql;
use crate::schema::Collection;
use crate::storage::StorageError;

/// The outer error is the storage being gone; the inner one is the statement failing (a filter
/// that cannot run is the client's input).
pub type ReadResult<T> = Result<Result<T, DbErr>, StorageError>;

async fn rows(core: &Core, c: &Arc<Collection>, sql: Sql) -> ReadResult<Arc<[Record]>> {
    let cache = &core.read_cache;
    let Some(version) = cache.version_for_fill() else {
        let c = c.clone();
        return Ok(core
            .storage
            .read(move |conn| read::select_rows(conn, &c, sql))
            .await?
            .map(Arc::from));
    };
    let key = cache::key(&sql);
    if let Some(hit) = key.as_deref().and_then(|k| cache.rows(k)) {
        return Ok(Ok(hit));
    }
    let c = c.clone();
    let read = core
        .storage
        .read(move |conn| read::select_rows(conn, &c, sql))
        .await?;
    Ok(read.map(|rows| {
        let rows: Arc<[Record]> = Arc::from(rows);
        if let Some(key) = key {
            cache.put_rows(key, version, rows.clone());
        }
        rows
    }))
}

async fn count(core: &Core, sql: Sql) -> ReadResult<i64> {
    let cache = &core.read_cache;
    let Some(version) = cache.version_for_fill() else {
        return core
            .storage
            .read(move |conn| read::count_rows(conn, sql))
            .await;
    };
    let key = cache::key(&sql);
    if let Some(hit) = key.as_deref().and_then(|k| cache.count(k)) {
        return Ok(Ok(hit));
    }
    let read = core
        .storage
        .read(move |conn| read::count_rows(conn, sql))
        .await?;
    Ok(read.inspect(|n| {
        if let Some(key) = key {
            cache.put_count(key, version, *n);
        }
    }))
}

/// The record with `id` if it also satisfies `plan` (rules).
pub async fn find(
    core: &Core,
    c: &Arc<Collection>,
    id: &str,
    plan: QueryPlan,
) -> ReadResult<Option<Record>> {
    let plan = plan.with_condition(read::id_condition(c, id));
    let found = rows(core, c, read::select_sql(c, &plan, 1, 0)).await?;
    Ok(found.map(|rows| rows.first().cloned()))
}

/// One page of records (and the total unless skipped), like [`read::list`].
pub async fn list(core: &Core, c: &Arc<Collection>, lq: &ListQuery) -> ReadResult<ListResult> {
    let page = Ord::max(lq.page, 1);
    let per_page = lq.per_page.clamp(1, MAX_PER_PAGE);
    let offset = (page - 1).saturating_mul(per_page);
    let items = match rows(core, c, read::select_sql(c, &lq.plan, per_page, offset)).await? {
        Ok(items) => items,
        Err(e) => return Ok(Err(e)),
    };
    let (total_items, total_pages) = if lq.skip_total {
        (-1, -1)
    } else {
        let total = match count(core, read::count_sql(c, &lq.plan)).await? {
            Ok(n) => n,
            Err(e) => return Ok(Err(e)),
        };
        let per = i64::try_from(per_page).unwrap_or(1);
        (total, (total + per - 1) / per)
    };
    Ok(Ok(ListResult {
        page,
        per_page,
        total_items,
        total_pages,
        items: items.to_vec(),
    }))
}
