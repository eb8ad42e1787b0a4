//! Reading records: by id, by field, and paginated lists. A [`QueryPlan`] carries the joins,
//! conditions and ordering compiled from rules, filters and sort (all values bound).

use std::sync::Arc;

use sea_orm::{ConnectionTrait, DbBackend, DbErr, QueryResult, Statement};
use sea_query::{Alias, Expr, ExprTrait, Query};

use super::Record;
use super::codec;
use crate::query::sql::quote;
use crate::query::{Join, Sql};
use crate::schema::Collection;

/// Max items per page (PocketBase clamps and echoes).
pub const MAX_PER_PAGE: u64 = 1000;
pub const DEFAULT_PER_PAGE: u64 = 30;

/// What a query adds to `SELECT … FROM <collection>`.
#[derive(Debug, Clone, Default)]
pub struct QueryPlan {
    pub joins: Vec<Join>,
    /// AND-ed together.
    pub conditions: Vec<Sql>,
    /// `expr ASC|DESC` items.
    pub order: Vec<Sql>,
}

impl QueryPlan {
    pub fn with_condition(mut self, condition: Sql) -> Self {
        self.conditions.push(condition);
        self
    }

    /// Joins are left joins that may multiply rows: results must then be distinct.
    fn distinct(&self) -> bool {
        !self.joins.is_empty()
    }

    fn tail_sql(&self, c: &Collection) -> Sql {
        let mut s = Sql::raw(format!(" FROM {}", quote(&c.name)));
        for j in &self.joins {
            s.push(" ");
            s.append(&j.to_sql());
        }
        if !self.conditions.is_empty() {
            s.push(" WHERE ");
            for (i, cond) in self.conditions.iter().enumerate() {
                if i > 0 {
                    s.push(" AND ");
                }
                s.push("(");
                s.append(cond);
                s.push(")");
            }
        }
        s
    }
}

#[derive(Debug, Clone)]
pub struct ListQuery {
    pub page: u64,
    pub per_page: u64,
    pub skip_total: bool,
    pub plan: QueryPlan,
}

impl ListQuery {
    pub fn all(per_page: u64) -> Self {
        Self {
            page: 1,
            per_page,
            skip_total: true,
            plan: QueryPlan::default(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct ListResult {
    pub page: u64,
    pub per_page: u64,
    pub total_items: i64,
    pub total_pages: i64,
    pub items: Vec<Record>,
}

fn columns(c: &Collection) -> String {
    let table = quote(&c.name);
    c.fields
        .iter()
        .map(|f| format!("{table}.{}", quote(&f.name)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn statement(sql: Sql) -> Statement {
    Statement::from_sql_and_values(DbBackend::Sqlite, sql.text, sql.values)
}

/// Rows must carry exactly one column per field (checked once per result set: decoding a
/// shorter row would index out of bounds).
fn check_shape(c: &Collection, rows: &[QueryResult]) -> Result<(), DbErr> {
    match rows.first() {
        Some(row) if row.column_names().len() != c.fields.len() => Err(DbErr::Custom(format!(
            "collection {} has {} fields but the query returned {} columns",
            c.name,
            c.fields.len(),
            row.column_names().len()
        ))),
        _ => Ok(()),
    }
}

fn decode_row(c: &Arc<Collection>, row: &QueryResult) -> Record {
    let data = c
        .fields
        .iter()
        .enumerate()
        .map(|(i, f)| (f.name.clone(), codec::decode(f, row, i)))
        .collect();
    Record {
        collection: c.clone(),
        data,
    }
}

/// The records matching `plan`, at most `limit`, skipping `offset`.
pub fn select(
    conn: &impl ConnectionTrait,
    c: &Arc<Collection>,
    plan: &QueryPlan,
    limit: u64,
    offset: u64,
) -> Result<Vec<Record>, DbErr> {
    select_rows(conn, c, select_sql(c, plan, limit, offset))
}

/// Runs a statement from [`select_sql`] and decodes its rows.
pub fn select_rows(
    conn: &impl ConnectionTrait,
    c: &Arc<Collection>,
    sql: Sql,
) -> Result<Vec<Record>, DbErr> {
    let rows = conn.query_all_raw(statement(sql))?;
    check_shape(c, &rows)?;
    Ok(rows.iter().map(|row| decode_row(c, row)).collect())
}

/// The SELECT statement [`select`] runs (public for `EXPLAIN QUERY PLAN` checks).
pub fn select_sql(c: &Collection, plan: &QueryPlan, limit: u64, offset: u64) -> Sql {
    let mut sql = Sql::raw(format!(
        "SELECT {}{}",
        if plan.distinct() { "DISTINCT " } else { "" },
        columns(c)
    ));
    sql.append(&plan.tail_sql(c));
    if !plan.order.is_empty() {
        sql.push(" ORDER BY ");
        for (i, o) in plan.order.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.append(o);
        }
    }
    sql.push_page(limit, offset);
    sql
}

/// Whether any row matches `plan`, with `prefix` (a `WITH …` clause) before the SELECT.
pub fn exists_with_prefix(
    conn: &impl ConnectionTrait,
    c: &Collection,
    prefix: Sql,
    plan: &QueryPlan,
) -> Result<bool, DbErr> {
    let mut sql = prefix;
    sql.push("SELECT 1");
    sql.append(&plan.tail_sql(c));
    sql.push(" LIMIT 1");
    Ok(conn.query_one_raw(statement(sql))?.is_some())
}

/// Number of records matching `plan`.
pub fn count(conn: &impl ConnectionTrait, c: &Collection, plan: &QueryPlan) -> Result<i64, DbErr> {
    count_rows(conn, count_sql(c, plan))
}

/// The `SELECT COUNT(…)` statement [`count`] runs.
pub fn count_sql(c: &Collection, plan: &QueryPlan) -> Sql {
    let what = if plan.distinct() {
        format!("COUNT(DISTINCT {}.\"id\")", quote(&c.name))
    } else {
        "COUNT(*)".to_string()
    };
    let mut sql = Sql::raw(format!("SELECT {what}"));
    sql.append(&plan.tail_sql(c));
    sql
}

/// Runs a statement from [`count_sql`].
pub fn count_rows(conn: &impl ConnectionTrait, sql: Sql) -> Result<i64, DbErr> {
    conn.query_one_raw(statement(sql))?
        .map(|r| r.try_get_by_index::<i64>(0))
        .transpose()
        .map(|n| n.unwrap_or(0))
}

pub fn id_condition(c: &Collection, id: &str) -> Sql {
    Sql {
        text: format!("{}.\"id\" = ?", quote(&c.name)),
        values: vec![id.into()],
    }
}

pub fn find_by_id(
    conn: &impl ConnectionTrait,
    c: &Arc<Collection>,
    id: &str,
) -> Result<Option<Record>, DbErr> {
    find_with_plan(conn, c, id, QueryPlan::default())
}

/// The record with `id` if it also satisfies `plan` (rules).
pub fn find_with_plan(
    conn: &impl ConnectionTrait,
    c: &Arc<Collection>,
    id: &str,
    plan: QueryPlan,
) -> Result<Option<Record>, DbErr> {
    let plan = plan.with_condition(id_condition(c, id));
    Ok(select(conn, c, &plan, 1, 0)?.into_iter().next())
}

/// Records whose `field` equals `value` (auth identity lookups), at most `limit`.
pub fn find_by_field(
    conn: &impl ConnectionTrait,
    c: &Arc<Collection>,
    field: &str,
    value: &str,
    limit: u64,
) -> Result<Vec<Record>, DbErr> {
    if c.field(field).is_none() {
        return Ok(Vec::new());
    }
    let plan = QueryPlan::default().with_condition(Sql {
        text: format!("{}.{} = ?", quote(&c.name), quote(field)),
        values: vec![value.into()],
    });
    select(conn, c, &plan, limit, 0)
}

/// Which of `ids` exist in `c` (relation checks).
pub fn existing_ids(
    conn: &impl ConnectionTrait,
    c: &Collection,
    ids: &[String],
) -> Result<Vec<String>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = Query::select();
    q.column(Alias::new("id"))
        .from(Alias::new(c.name.as_str()))
        .and_where(Expr::col(Alias::new("id")).is_in(ids.iter().map(String::as_str)));
    conn.query_all(&q)?
        .iter()
        .map(|r| r.try_get_by_index::<String>(0))
        .collect()
}

pub fn list(
    conn: &impl ConnectionTrait,
    c: &Arc<Collection>,
    lq: &ListQuery,
) -> Result<ListResult, DbErr> {
    let page = Ord::max(lq.page, 1);
    let per_page = lq.per_page.clamp(1, MAX_PER_PAGE);
    let items = select(
        conn,
        c,
        &lq.plan,
        per_page,
        (page - 1).saturating_mul(per_page),
    )?;
    let (total_items, total_pages) = if lq.skip_total {
        (-1, -1)
    } else {
        let total = count(conn, c, &lq.plan)?;
        let per = i64::try_from(per_page).unwrap_or(1);
        (total, (total + per - 1) / per)
    };
    Ok(ListResult {
        page,
        per_page,
        total_items,
        total_pages,
        items,
    })
}
