//! Reading records: by id, and paginated/sorted lists, built with sea-query (bound values only).

use std::sync::Arc;

use sea_orm::{ConnectionTrait, DbBackend, DbErr, QueryResult};
use sea_query::{Alias, Cond, Expr, ExprTrait, Func, Order, Query, SelectStatement};

use super::Record;
use super::codec;
use crate::error::ApiError;
use crate::schema::Collection;

/// Max items per page (PocketBase clamps and echoes).
pub const MAX_PER_PAGE: u64 = 1000;
pub const DEFAULT_PER_PAGE: u64 = 30;
const MAX_SORT_TERMS: usize = 8;

#[derive(Debug, Clone, PartialEq)]
pub enum SortTerm {
    Field { name: String, desc: bool },
    Random,
    RowId { desc: bool },
}

#[derive(Debug, Clone)]
pub struct ListQuery {
    pub page: u64,
    pub per_page: u64,
    pub sort: Vec<SortTerm>,
    pub skip_total: bool,
    /// Extra condition (filters and rules, compiled by the query module).
    pub condition: Option<Cond>,
}

#[derive(Debug, Clone)]
pub struct ListResult {
    pub page: u64,
    pub per_page: u64,
    pub total_items: i64,
    pub total_pages: i64,
    pub items: Vec<Record>,
}

/// Parses `sort` (`-created,title,@random`); unknown fields → 400 as PocketBase.
pub fn parse_sort(c: &Collection, raw: &str) -> Result<Vec<SortTerm>, ApiError> {
    let mut out = Vec::new();
    for part in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (desc, name) = match part.as_bytes()[0] {
            b'-' => (true, &part[1..]),
            b'+' => (false, &part[1..]),
            _ => (false, part),
        };
        let term = match name {
            "@random" => SortTerm::Random,
            "@rowid" => SortTerm::RowId { desc },
            _ => {
                let hidden_ok = c
                    .field(name)
                    .is_some_and(|f| !matches!(f.kind, crate::schema::FieldKind::Password(_)));
                if !hidden_ok {
                    return Err(ApiError::bad_request(crate::error::msg::BAD_REQUEST));
                }
                SortTerm::Field {
                    name: name.to_string(),
                    desc,
                }
            }
        };
        out.push(term);
    }
    if out.len() > MAX_SORT_TERMS {
        return Err(ApiError::bad_request(crate::error::msg::BAD_REQUEST));
    }
    Ok(out)
}

fn select_all(c: &Collection) -> SelectStatement {
    let mut q = Query::select();
    for f in &c.fields {
        q.column((Alias::new(c.name.as_str()), Alias::new(f.name.as_str())));
    }
    q.from(Alias::new(c.name.as_str()));
    q
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

pub fn find_by_id(
    conn: &impl ConnectionTrait,
    c: &Arc<Collection>,
    id: &str,
) -> Result<Option<Record>, DbErr> {
    let mut q = select_all(c);
    q.and_where(Expr::col((Alias::new(c.name.as_str()), Alias::new("id"))).eq(id))
        .limit(1);
    Ok(conn.query_one(&q)?.map(|row| decode_row(c, &row)))
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
    let mut q = select_all(c);
    q.and_where(Expr::col((Alias::new(c.name.as_str()), Alias::new(field))).eq(value))
        .limit(limit);
    Ok(conn
        .query_all(&q)?
        .iter()
        .map(|row| decode_row(c, row))
        .collect())
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
    let mut q = select_all(c);
    if let Some(cond) = &lq.condition {
        q.cond_where(cond.clone());
    }
    for term in &lq.sort {
        match term {
            SortTerm::Field { name, desc } => {
                q.order_by(
                    (Alias::new(c.name.as_str()), Alias::new(name.as_str())),
                    if *desc { Order::Desc } else { Order::Asc },
                );
            }
            SortTerm::Random => {
                q.order_by_expr(Func::random().into(), Order::Asc);
            }
            SortTerm::RowId { desc } => {
                q.order_by_expr(
                    Expr::cust("_rowid_"),
                    if *desc { Order::Desc } else { Order::Asc },
                );
            }
        }
    }
    q.limit(per_page).offset((page - 1) * per_page);
    let items: Vec<Record> = conn
        .query_all(&q)?
        .iter()
        .map(|row| decode_row(c, row))
        .collect();
    let (total_items, total_pages) = if lq.skip_total {
        (-1, -1)
    } else {
        let mut count = Query::select();
        count
            .expr(Func::count(Expr::cust("*")))
            .from(Alias::new(c.name.as_str()));
        if let Some(cond) = &lq.condition {
            count.cond_where(cond.clone());
        }
        let total: i64 = conn
            .query_one(&count)?
            .map(|r| r.try_get_by_index::<i64>(0))
            .transpose()?
            .unwrap_or(0);
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

/// `DbBackend` used to build statements (one place to change for other dialects).
pub const BACKEND: DbBackend = DbBackend::Sqlite;
