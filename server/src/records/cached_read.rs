//! Reads outside a batch, through the read cache ([`super::cache`]): a hit answers on the
//! calling thread; a miss runs on a reader thread and fills the cache with what it read, tagged
//! with the data version taken before the read started. Expansions (`?expand=`) read the same
//! way, statement by statement.

use std::sync::Arc;

use sea_orm::DbErr;
use serde_json::Value;

use super::Record;
use super::cache::{self, ReadCache};
use super::expand::{self, ExpandTree, Source};
use super::read::{self, ListQuery, ListResult, MAX_PER_PAGE, QueryPlan};
use super::resolver::RequestInfo;
use crate::core::Core;
use crate::query::Sql;
use crate::schema::{Collection, Snapshot};
use crate::storage::{DatabaseConnection, StorageError};

/// The outer error is the storage being gone; the inner one is the statement failing (a filter
/// that cannot run is the client's input).
pub type ReadResult<T> = Result<Result<T, DbErr>, StorageError>;

/// Answers `sql` from the cache (`get`), or runs it on a reader (`run`) and keeps the result
/// (`put`) under the data version taken just before the read. Concurrent misses on the same
/// statement wait for the first one's read and find its result ([`super::fill_turns`]).
async fn through_cache<T, R>(
    core: &Core,
    sql: Sql,
    get: impl Fn(&ReadCache, &str) -> Option<T>,
    put: impl Fn(&ReadCache, String, u64, T),
    run: R,
) -> ReadResult<T>
where
    T: Clone + Send + 'static,
    R: FnOnce(&DatabaseConnection, Sql) -> Result<T, DbErr> + Send + 'static,
{
    let cache = &core.read_cache;
    let key = cache.version_for_fill().and_then(|_| cache::key(&sql));
    let Some(key) = key else {
        return core.storage.read(move |conn| run(conn, sql)).await;
    };
    if let Some(hit) = get(cache, &key) {
        return Ok(Ok(hit));
    }
    let _turn = cache.turns.take(&key).await;
    // Filled while we waited for the turn (or just before we took it)?
    if let Some(hit) = get(cache, &key) {
        return Ok(Ok(hit));
    }
    let version = cache.version_for_fill();
    let read = core.storage.read(move |conn| run(conn, sql)).await?;
    if let (Ok(value), Some(version)) = (&read, version) {
        put(cache, key, version, value.clone());
    }
    Ok(read)
}

async fn rows(core: &Core, c: &Arc<Collection>, sql: Sql) -> ReadResult<Arc<[Record]>> {
    let c = c.clone();
    through_cache(
        core,
        sql,
        ReadCache::rows,
        ReadCache::put_rows,
        move |conn, sql| read::select_rows(conn, &c, sql).map(Arc::from),
    )
    .await
}

async fn count(core: &Core, sql: Sql) -> ReadResult<i64> {
    through_cache(
        core,
        sql,
        ReadCache::count,
        ReadCache::put_count,
        read::count_rows,
    )
    .await
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

/// The record with `id` (no rule), e.g. the record a token names.
pub async fn find_by_id(core: &Core, c: &Arc<Collection>, id: &str) -> ReadResult<Option<Record>> {
    find(core, c, id, QueryPlan::default()).await
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

/// Why a render from the cache alone stopped.
enum Miss {
    NotCached,
    Db(DbErr),
}

impl From<DbErr> for Miss {
    fn from(e: DbErr) -> Self {
        Self::Db(e)
    }
}

/// The cache and nothing else: the first statement it does not hold ends the render.
struct CacheOnly<'a>(&'a ReadCache);

impl Source for CacheOnly<'_> {
    type Error = Miss;

    fn rows(&self, _: &Arc<Collection>, sql: Sql) -> Result<Arc<[Record]>, Miss> {
        let key = cache::key(&sql).ok_or(Miss::NotCached)?;
        self.0.rows(&key).ok_or(Miss::NotCached)
    }
}

/// On a reader thread: the cache, else the connection, keeping what was read (tagged with the
/// version taken before the read, as in [`through_cache`]).
struct Filling<'a> {
    conn: &'a DatabaseConnection,
    cache: &'a ReadCache,
}

impl Source for Filling<'_> {
    type Error = DbErr;

    fn rows(&self, c: &Arc<Collection>, sql: Sql) -> Result<Arc<[Record]>, DbErr> {
        let version = self.cache.version_for_fill();
        let Some(key) = version.and_then(|_| cache::key(&sql)) else {
            return expand::Direct(self.conn).rows(c, sql);
        };
        if let Some(hit) = self.cache.rows(&key) {
            return Ok(hit);
        }
        let rows = expand::Direct(self.conn).rows(c, sql)?;
        if let Some(version) = version {
            self.cache.put_rows(key, version, rows.clone());
        }
        Ok(rows)
    }
}

/// `records` rendered for the requester with `tree` expanded ([`expand::render`]): from the
/// cache alone on the calling thread when it holds every statement, else on a reader thread.
pub async fn expand(
    core: &Arc<Core>,
    snapshot: Arc<Snapshot>,
    info: RequestInfo,
    records: Vec<Record>,
    tree: ExpandTree,
) -> ReadResult<Vec<Value>> {
    if core.read_cache.version_for_fill().is_some() {
        let src = CacheOnly(&core.read_cache);
        match expand::render(&src, &snapshot, &info, &records, Some(&tree)) {
            Ok(rendered) => return Ok(Ok(rendered)),
            Err(Miss::Db(e)) => return Ok(Err(e)),
            Err(Miss::NotCached) => {}
        }
    }
    let core2 = core.clone();
    core.storage
        .read(move |conn| {
            let src = Filling {
                conn,
                cache: &core2.read_cache,
            };
            expand::render(&src, &snapshot, &info, &records, Some(&tree))
        })
        .await
}
