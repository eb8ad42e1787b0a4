//! The `_jobs` table: every statement of the durable queue. Functions take any connection or
//! open transaction, so [`enqueue`] joins the transaction of the write that caused the job
//! (a rolled-back write leaves no job behind).
//!
//! Times are PocketBase datetime strings (`2026-01-02 03:04:05.678Z`): fixed width, so text
//! order is time order, and the filter language compares them like any date field.

use std::time::Duration;

use chrono::Utc;
use sea_orm::{ConnectionTrait, DbBackend, DbErr, QueryResult, Statement, Value as DbValue};
use serde::Serialize;
use serde_json::Value;

use crate::schema::ids;

/// Columns in select order (also the fields `/api/jobs` can filter and sort by).
pub const COLUMNS: &[&str] = &[
    "id",
    "name",
    "payload",
    "status",
    "attempts",
    "maxAttempts",
    "runAt",
    "leaseUntil",
    "progress",
    "result",
    "error",
    "created",
    "updated",
];

/// A job's life: `queued` → `running` → `done` | `failed` (or back to `queued` for a retry);
/// `cancelled` from `queued` or `running`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Queued,
    Running,
    Done,
    Failed,
    Cancelled,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Running => "running",
            Self::Done => "done",
            Self::Failed => "failed",
            Self::Cancelled => "cancelled",
        }
    }

    fn parse(s: &str) -> Self {
        match s {
            "running" => Self::Running,
            "done" => Self::Done,
            "failed" => Self::Failed,
            "cancelled" => Self::Cancelled,
            _ => Self::Queued,
        }
    }
}

/// One row of `_jobs`, as `/api/jobs` and realtime `_jobs/*` show it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Job {
    pub id: String,
    pub name: String,
    pub payload: Value,
    pub status: Status,
    pub attempts: u32,
    pub max_attempts: u32,
    pub run_at: String,
    pub lease_until: String,
    pub progress: Value,
    pub result: Value,
    pub error: String,
    pub created: String,
    pub updated: String,
}

/// How a job is queued.
#[derive(Debug, Clone)]
pub struct Enqueue {
    /// Attempts before the job is `failed` (at least 1).
    pub max_attempts: u32,
    /// Not before this long from now.
    pub delay: Duration,
}

impl Default for Enqueue {
    fn default() -> Self {
        Self {
            max_attempts: 5,
            delay: Duration::ZERO,
        }
    }
}

/// The migration that creates the table (run once, from bootstrap).
pub const MIGRATION: &str = "1765000000_jobs";

pub const CREATE_TABLE: &str = r#"CREATE TABLE IF NOT EXISTS "_jobs" (
    "id" TEXT PRIMARY KEY NOT NULL,
    "name" TEXT NOT NULL,
    "payload" TEXT NOT NULL DEFAULT '{}',
    "status" TEXT NOT NULL DEFAULT 'queued',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "maxAttempts" INTEGER NOT NULL DEFAULT 5,
    "runAt" TEXT NOT NULL DEFAULT '',
    "leaseUntil" TEXT NOT NULL DEFAULT '',
    "progress" TEXT NOT NULL DEFAULT 'null',
    "result" TEXT NOT NULL DEFAULT 'null',
    "error" TEXT NOT NULL DEFAULT '',
    "created" TEXT NOT NULL DEFAULT '',
    "updated" TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS "idx__jobs_due" ON "_jobs" ("status", "runAt");
CREATE INDEX IF NOT EXISTS "idx__jobs_created" ON "_jobs" ("created");"#;

fn stmt(sql: &str, values: Vec<DbValue>) -> Statement {
    Statement::from_sql_and_values(DbBackend::Sqlite, sql, values)
}

/// The time `d` from now, in the stored format.
pub fn after(d: Duration) -> String {
    let d = chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX);
    ids::format_datetime(Utc::now().checked_add_signed(d).unwrap_or_else(Utc::now))
}

fn select_sql(tail: &str) -> String {
    let cols: Vec<String> = COLUMNS.iter().map(|c| format!("\"{c}\"")).collect();
    format!("SELECT {} FROM \"_jobs\" {tail}", cols.join(", "))
}

fn json_col(row: &QueryResult, col: &str) -> Result<Value, DbErr> {
    let text: String = row.try_get("", col)?;
    Ok(serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// Decodes a row selected with [`COLUMNS`].
pub fn decode(row: &QueryResult) -> Result<Job, DbErr> {
    let count = |col: &str| -> Result<u32, DbErr> {
        let n: i64 = row.try_get("", col)?;
        Ok(u32::try_from(n).unwrap_or(0))
    };
    let status: String = row.try_get("", "status")?;
    Ok(Job {
        id: row.try_get("", "id")?,
        name: row.try_get("", "name")?,
        payload: json_col(row, "payload")?,
        status: Status::parse(&status),
        attempts: count("attempts")?,
        max_attempts: count("maxAttempts")?,
        run_at: row.try_get("", "runAt")?,
        lease_until: row.try_get("", "leaseUntil")?,
        progress: json_col(row, "progress")?,
        result: json_col(row, "result")?,
        error: row.try_get("", "error")?,
        created: row.try_get("", "created")?,
        updated: row.try_get("", "updated")?,
    })
}

/// Queues a job on `conn` (a connection, or the transaction of the write that caused it).
pub fn enqueue(
    conn: &impl ConnectionTrait,
    name: &str,
    payload: &Value,
    opts: &Enqueue,
) -> Result<Job, DbErr> {
    let id = ids::record_id();
    let now = ids::now_string();
    conn.execute_raw(stmt(
        r#"INSERT INTO "_jobs" ("id", "name", "payload", "status", "attempts", "maxAttempts",
            "runAt", "created", "updated") VALUES (?, ?, ?, 'queued', 0, ?, ?, ?, ?)"#,
        vec![
            id.clone().into(),
            name.into(),
            payload.to_string().into(),
            i64::from(opts.max_attempts.max(1)).into(),
            after(opts.delay).into(),
            now.clone().into(),
            now.into(),
        ],
    ))?;
    get(conn, &id)?.ok_or_else(|| DbErr::RecordNotFound(id))
}

pub fn get(conn: &impl ConnectionTrait, id: &str) -> Result<Option<Job>, DbErr> {
    conn.query_one_raw(stmt(&select_sql("WHERE \"id\" = ?"), vec![id.into()]))?
        .map(|r| decode(&r))
        .transpose()
}

fn placeholders(n: usize) -> String {
    vec!["?"; n].join(", ")
}

/// Takes up to `limit` due jobs of the given handler names — queued ones whose time has come,
/// and running ones whose lease ran out (their worker died) — marks them running with a lease
/// from `lease_of(name)`, counts the attempt, and returns them.
pub fn claim_due(
    conn: &impl ConnectionTrait,
    names: &[String],
    limit: usize,
    lease_of: &dyn Fn(&str) -> Duration,
) -> Result<Vec<Job>, DbErr> {
    if names.is_empty() || limit == 0 {
        return Ok(Vec::new());
    }
    let now = ids::now_string();
    let mut values: Vec<DbValue> = names.iter().map(|n| n.clone().into()).collect();
    values.extend([now.clone().into(), now.clone().into()]);
    values.push(i64::try_from(limit).unwrap_or(i64::MAX).into());
    let rows = conn.query_all_raw(stmt(
        &format!(
            r#"SELECT "id", "name" FROM "_jobs" WHERE "name" IN ({})
               AND (("status" = 'queued' AND "runAt" <= ?)
                 OR ("status" = 'running' AND "leaseUntil" < ?))
               ORDER BY "runAt", "created" LIMIT ?"#,
            placeholders(names.len())
        ),
        values,
    ))?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let (id, name): (String, String) = (row.try_get("", "id")?, row.try_get("", "name")?);
        conn.execute_raw(stmt(
            r#"UPDATE "_jobs" SET "status" = 'running', "attempts" = "attempts" + 1,
               "leaseUntil" = ?, "updated" = ? WHERE "id" = ?"#,
            vec![
                after(lease_of(&name)).into(),
                now.clone().into(),
                id.clone().into(),
            ],
        ))?;
        if let Some(job) = get(conn, &id)? {
            out.push(job);
        }
    }
    Ok(out)
}

/// Runs an UPDATE on a job that is still `running` (a cancelled job is left as it is);
/// returns the job afterwards when the update applied.
fn update_running(
    conn: &impl ConnectionTrait,
    id: &str,
    set: &str,
    mut values: Vec<DbValue>,
) -> Result<Option<Job>, DbErr> {
    values.extend([ids::now_string().into(), id.into()]);
    let done = conn.execute_raw(stmt(
        &format!(
            r#"UPDATE "_jobs" SET {set}, "updated" = ? WHERE "id" = ? AND "status" = 'running'"#
        ),
        values,
    ))?;
    if done.rows_affected() == 0 {
        return Ok(None);
    }
    get(conn, id)
}

/// Extends a running job's lease.
pub fn renew(conn: &impl ConnectionTrait, id: &str, lease: Duration) -> Result<bool, DbErr> {
    Ok(update_running(conn, id, "\"leaseUntil\" = ?", vec![after(lease).into()])?.is_some())
}

pub fn set_progress(
    conn: &impl ConnectionTrait,
    id: &str,
    progress: &Value,
) -> Result<Option<Job>, DbErr> {
    update_running(
        conn,
        id,
        "\"progress\" = ?",
        vec![progress.to_string().into()],
    )
}

pub fn finish_ok(
    conn: &impl ConnectionTrait,
    id: &str,
    result: &Value,
) -> Result<Option<Job>, DbErr> {
    update_running(
        conn,
        id,
        "\"status\" = 'done', \"result\" = ?, \"error\" = '', \"leaseUntil\" = ''",
        vec![result.to_string().into()],
    )
}

/// Records a failed attempt: queued again at `retry_at`, or `failed` when `None`.
pub fn finish_err(
    conn: &impl ConnectionTrait,
    id: &str,
    error: &str,
    retry_at: Option<String>,
) -> Result<Option<Job>, DbErr> {
    match retry_at {
        Some(at) => update_running(
            conn,
            id,
            "\"status\" = 'queued', \"error\" = ?, \"runAt\" = ?, \"leaseUntil\" = ''",
            vec![error.into(), at.into()],
        ),
        None => update_running(
            conn,
            id,
            "\"status\" = 'failed', \"error\" = ?, \"leaseUntil\" = ''",
            vec![error.into()],
        ),
    }
}

/// Cancels a queued or running job; `None` when it has already ended (or does not exist).
pub fn cancel(conn: &impl ConnectionTrait, id: &str) -> Result<Option<Job>, DbErr> {
    let done = conn.execute_raw(stmt(
        r#"UPDATE "_jobs" SET "status" = 'cancelled', "leaseUntil" = '', "updated" = ?
           WHERE "id" = ? AND "status" IN ('queued', 'running')"#,
        vec![ids::now_string().into(), id.into()],
    ))?;
    if done.rows_affected() == 0 {
        return Ok(None);
    }
    get(conn, id)
}

/// Queues an ended job (failed, cancelled or done) again with a fresh attempt budget; `None`
/// when it is still queued or running (or does not exist).
pub fn retry(conn: &impl ConnectionTrait, id: &str) -> Result<Option<Job>, DbErr> {
    let now = ids::now_string();
    let done = conn.execute_raw(stmt(
        r#"UPDATE "_jobs" SET "status" = 'queued', "attempts" = 0, "runAt" = ?, "error" = '',
           "leaseUntil" = '', "updated" = ? WHERE "id" = ? AND "status" IN ('failed', 'cancelled', 'done')"#,
        vec![now.clone().into(), now.into(), id.into()],
    ))?;
    if done.rows_affected() == 0 {
        return Ok(None);
    }
    get(conn, id)
}

/// When the next job of these names becomes due (a queued job's `runAt`, a running job's
/// lease end), if any.
pub fn next_due(conn: &impl ConnectionTrait, names: &[String]) -> Result<Option<String>, DbErr> {
    if names.is_empty() {
        return Ok(None);
    }
    let values: Vec<DbValue> = names.iter().map(|n| n.clone().into()).collect();
    let row = conn.query_one_raw(stmt(
        &format!(
            r#"SELECT MIN(CASE WHEN "status" = 'queued' THEN "runAt" ELSE "leaseUntil" END) AS "at"
               FROM "_jobs" WHERE "name" IN ({}) AND "status" IN ('queued', 'running')"#,
            placeholders(names.len())
        ),
        values,
    ))?;
    Ok(row.and_then(|r| r.try_get::<Option<String>>("", "at").ok().flatten()))
}

/// One page of jobs for `/api/jobs`: `filter` is a compiled WHERE fragment with its values.
pub fn list(
    conn: &impl ConnectionTrait,
    filter: &crate::query::Sql,
    order_by: &str,
    limit: u64,
    offset: u64,
) -> Result<Vec<Job>, DbErr> {
    let mut sql = crate::query::Sql::raw(select_sql("WHERE "));
    sql.append(filter);
    sql.push(&format!(" ORDER BY {order_by}"));
    sql.push_page(limit, offset);
    let rows = conn.query_all_raw(stmt(&sql.text, sql.values))?;
    rows.iter().map(decode).collect()
}

pub fn count(conn: &impl ConnectionTrait, filter: &crate::query::Sql) -> Result<i64, DbErr> {
    let row = conn.query_one_raw(stmt(
        &format!(
            "SELECT COUNT(*) AS \"n\" FROM \"_jobs\" WHERE {}",
            filter.text
        ),
        filter.values.clone(),
    ))?;
    row.map_or(Ok(0), |r| r.try_get::<i64>("", "n"))
}
