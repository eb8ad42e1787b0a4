//! `?expand=`: relations (`author`), multi relations (`editors`), back-relations
//! (`comments_via_post`) and nested paths (`post.author`, up to 6 levels). Targets are fetched in
//! one query per path segment and filtered by the target collection's view rule for the
//! requester. Invalid paths are ignored; a branch with an invalid descendant is dropped whole,
//! as PocketBase does. Where the rows come from is a [`Source`]: a connection ([`Direct`]), or
//! the read cache (`cached_read::expand`).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use sea_orm::{ConnectionTrait, DbErr};
use serde_json::{Map, Value};

use super::Record;
use super::read::{self, QueryPlan};
use super::resolver::RequestInfo;
use super::rules::{Gate, PlanBuilder, gate};
use super::serialize;
use crate::query::Sql;
use crate::query::sql::quote;
use crate::schema::fields::list_items;
use crate::schema::{Collection, FieldKind, Snapshot};

/// Where expansion reads come from.
pub trait Source {
    type Error: From<DbErr>;
    /// The rows selected by `sql`, a statement from [`read::select_sql`] on `c`.
    fn rows(&self, c: &Arc<Collection>, sql: Sql) -> Result<Arc<[Record]>, Self::Error>;
}

/// Reads straight from a connection (inside a batch, or when the cache cannot be used).
pub struct Direct<'a, C>(pub &'a C);

impl<C: ConnectionTrait> Source for Direct<'_, C> {
    type Error = DbErr;

    fn rows(&self, c: &Arc<Collection>, sql: Sql) -> Result<Arc<[Record]>, DbErr> {
        read::select_rows(self.0, c, sql).map(Arc::from)
    }
}

/// Max nesting of expand paths.
pub const MAX_DEPTH: usize = 6;
/// Max records a back-relation expands to (per parent query).
const MAX_BACK_RELATIONS: u64 = 1000;

#[derive(Debug, Default, Clone, PartialEq)]
pub struct ExpandTree {
    pub children: BTreeMap<String, ExpandTree>,
}

impl ExpandTree {
    /// `None` for an empty parameter.
    pub fn parse(raw: &str) -> Option<Self> {
        let mut root = Self::default();
        for path in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let mut node = &mut root;
            for seg in path.split('.').filter(|s| !s.is_empty()).take(MAX_DEPTH) {
                node = node.children.entry(seg.to_string()).or_default();
            }
        }
        (!root.children.is_empty()).then_some(root)
    }
}

/// How a path segment reaches its targets.
enum Link {
    Forward {
        field: String,
        target: Arc<Collection>,
        multiple: bool,
    },
    Back {
        target: Arc<Collection>,
        field: String,
        multiple: bool,
    },
}

fn link(snapshot: &Snapshot, c: &Collection, name: &str, superuser: bool) -> Option<Link> {
    if let Some(f) = c.field(name) {
        let FieldKind::Relation(o) = &f.kind else {
            return None;
        };
        if f.hidden && !superuser {
            return None;
        }
        let target = snapshot.by_id(&o.collection_id)?;
        return Some(Link::Forward {
            field: f.name.clone(),
            target,
            multiple: f.is_multiple(),
        });
    }
    let (coll, field) = name.split_once("_via_")?;
    let target = snapshot.find(coll)?;
    let f = target.field(field)?;
    let FieldKind::Relation(o) = &f.kind else {
        return None;
    };
    if o.collection_id != c.id || (f.hidden && !superuser) {
        return None;
    }
    Some(Link::Back {
        target: target.clone(),
        field: f.name.clone(),
        multiple: f.is_multiple(),
    })
}

/// Whether every path below `tree` (starting at `c`) resolves.
fn valid(snapshot: &Snapshot, c: &Collection, tree: &ExpandTree, superuser: bool) -> bool {
    tree.children
        .iter()
        .all(|(name, sub)| match link(snapshot, c, name, superuser) {
            Some(Link::Forward { target, .. } | Link::Back { target, .. }) => {
                valid(snapshot, &target, sub, superuser)
            }
            None => false,
        })
}

/// The view-rule plan of `target` for this requester, or `None` if it may not view any.
fn view_plan(
    snapshot: &Snapshot,
    target: &Arc<Collection>,
    info: &RequestInfo,
) -> Result<Option<QueryPlan>, DbErr> {
    let g = gate(target.view_rule.as_deref(), &info.auth);
    if g == Gate::Locked {
        return Ok(None);
    }
    let mut b = PlanBuilder::new(snapshot, target.clone(), info);
    match b.gate(&g) {
        Ok(_) => Ok(Some(b.finish())),
        Err(e) => {
            tracing::warn!(error = %e, collection = %target.name, "view rule failed to compile for expand");
            Ok(None)
        }
    }
}

fn in_condition(column: String, ids: &[String]) -> Sql {
    Sql {
        text: format!("{column} IN ({})", vec!["?"; ids.len()].join(", ")),
        values: ids.iter().map(|i| i.clone().into()).collect(),
    }
}

/// Renders `records` (all of collection `c`) for the requester with `tree` expanded.
pub fn render<S: Source>(
    src: &S,
    snapshot: &Snapshot,
    info: &RequestInfo,
    records: &[Record],
    tree: Option<&ExpandTree>,
) -> Result<Vec<Value>, S::Error> {
    let mut out: Vec<Value> = records
        .iter()
        .map(|r| serialize::to_json(r, &info.auth))
        .collect();
    if let (Some(tree), Some(first)) = (tree, records.first()) {
        let c = first.collection.clone();
        let (expanded, any_valid) = expand_level(src, snapshot, info, &c, records, tree)?;
        // Like PocketBase: once a valid path was asked for, every record carries `expand`
        // (possibly `{}`); only entirely invalid requests leave the key out.
        if any_valid {
            for (json, exp) in out.iter_mut().zip(expanded) {
                if let Value::Object(obj) = json {
                    obj.insert("expand".into(), Value::Object(exp));
                }
            }
        }
    }
    Ok(out)
}

/// Each record's `expand` object (empty when nothing expanded), and whether any path at the
/// level was valid.
type Level = (Vec<Map<String, Value>>, bool);

/// Expands `tree`'s first level for `records` (and, recursively, the levels below).
fn expand_level<S: Source>(
    src: &S,
    snapshot: &Snapshot,
    info: &RequestInfo,
    c: &Arc<Collection>,
    records: &[Record],
    tree: &ExpandTree,
) -> Result<Level, S::Error> {
    let superuser = info.auth.is_superuser();
    let mut result: Vec<Map<String, Value>> = vec![Map::new(); records.len()];
    let mut any_valid = false;
    for (name, sub) in &tree.children {
        let Some(link) = link(snapshot, c, name, superuser) else {
            continue;
        };
        let target = match &link {
            Link::Forward { target, .. } | Link::Back { target, .. } => target.clone(),
        };
        if !valid(snapshot, &target, sub, superuser) {
            continue;
        }
        // A target only superusers may view counts as no path at all (PocketBase: no `expand`).
        let Some(plan) = view_plan(snapshot, &target, info)? else {
            continue;
        };
        any_valid = true;
        let table = quote(&target.name);
        let fetched: Arc<[Record]> = match &link {
            Link::Forward { field, .. } => {
                let mut ids: Vec<String> = Vec::new();
                for r in records {
                    for id in list_items(r.get(field).unwrap_or(&Value::Null)) {
                        if !ids.contains(&id) {
                            ids.push(id);
                        }
                    }
                }
                if ids.is_empty() {
                    continue;
                }
                let plan = plan.with_condition(in_condition(format!("{table}.\"id\""), &ids));
                src.rows(
                    &target,
                    read::select_sql(&target, &plan, ids.len() as u64, 0),
                )?
            }
            Link::Back {
                field, multiple, ..
            } => {
                let ids: Vec<String> = records.iter().map(|r| r.id().to_string()).collect();
                let column = format!("{table}.{}", quote(field));
                let cond = if *multiple {
                    let mut s =
                        Sql::raw(format!("EXISTS (SELECT 1 FROM json_each({column}) WHERE "));
                    s.append(&in_condition("json_each.value".into(), &ids));
                    s.push(")");
                    s
                } else {
                    in_condition(column, &ids)
                };
                let plan = plan.with_condition(cond);
                src.rows(
                    &target,
                    read::select_sql(&target, &plan, MAX_BACK_RELATIONS, 0),
                )?
            }
        };
        let rendered = if sub.children.is_empty() {
            fetched
                .iter()
                .map(|r| serialize::to_json(r, &info.auth))
                .collect()
        } else {
            render(src, snapshot, info, &fetched, Some(sub))?
        };
        let by_id: HashMap<&str, &Value> = fetched
            .iter()
            .map(Record::id)
            .zip(rendered.iter())
            .collect();
        for (i, r) in records.iter().enumerate() {
            let value = match &link {
                Link::Forward {
                    field, multiple, ..
                } => {
                    let found: Vec<Value> = list_items(r.get(field).unwrap_or(&Value::Null))
                        .iter()
                        .filter_map(|id| by_id.get(id.as_str()).map(|v| (*v).clone()))
                        .collect();
                    match (multiple, found.len()) {
                        (_, 0) => continue,
                        (true, _) => Value::Array(found),
                        (false, _) => found.into_iter().next().unwrap_or(Value::Null),
                    }
                }
                Link::Back { field, .. } => {
                    let found: Vec<Value> = fetched
                        .iter()
                        .zip(rendered.iter())
                        .filter(|(t, _)| {
                            list_items(t.get(field).unwrap_or(&Value::Null))
                                .iter()
                                .any(|id| id == r.id())
                        })
                        .map(|(_, v)| v.clone())
                        .collect();
                    if found.is_empty() {
                        continue;
                    }
                    Value::Array(found)
                }
            };
            result[i].insert(name.clone(), value);
        }
    }
    Ok((result, any_valid))
}
