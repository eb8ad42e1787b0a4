//! Comparing one PocketBase reply with one Cairn reply: status codes always; list ids in order
//! and the paging numbers for list queries; the whole JSON (timestamps and tokens masked, keys
//! sorted, numbers compared by value) for expand/fields queries; `data` for errors.

use serde_json::{Map, Number, Value};

use crate::client::Reply;

/// What is compared for a 2xx reply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A list envelope: `items[*].id` in order, `page`, `perPage`, `totalItems`, `totalPages`.
    Ids,
    /// The whole body (after [`normalize`]).
    Full,
    /// Like [`Kind::Ids`] but the ids are compared as a set: for lists whose order SQLite's
    /// planner decides (unsorted lists joined through a back-relation, or sorted by a
    /// back-relation field, where one record matches several joined rows). PocketBase does
    /// not define that order; it follows the query plan, which differs between SQLite 3.53
    /// (PocketBase 0.40.6) and the 3.50 Cairn bundles.
    UnorderedIds,
    /// Only the status code (e.g. `sort=@random`).
    Status,
}

/// Keys whose values differ between two servers by nature; the key itself is kept.
const MASKED: [&str; 3] = ["created", "updated", "token"];

/// Sorts object keys, masks [`MASKED`] values and turns every number into an `f64` so that
/// `10` and `10.0` compare equal.
pub fn normalize(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            let mut out = Map::new();
            for k in keys {
                let val = &m[k];
                let val = if MASKED.contains(&k.as_str())
                    && val.as_str().is_some_and(|s| !s.is_empty())
                {
                    Value::String("<masked>".into())
                } else {
                    normalize(val)
                };
                out.insert(k.clone(), val);
            }
            Value::Object(out)
        }
        Value::Array(a) => Value::Array(a.iter().map(normalize).collect()),
        Value::Number(n) => n
            .as_f64()
            .and_then(Number::from_f64)
            .map_or_else(|| v.clone(), Value::Number),
        _ => v.clone(),
    }
}

fn ids(body: &Value) -> Option<Vec<String>> {
    body["items"].as_array().map(|items| {
        items
            .iter()
            .map(|i| i["id"].as_str().unwrap_or("<no id>").to_string())
            .collect()
    })
}

/// Paths (at most `limit`) where two normalized values differ, each with both values.
pub fn json_diff(a: &Value, b: &Value, path: &str, out: &mut Vec<String>, limit: usize) {
    if out.len() >= limit || a == b {
        return;
    }
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let mut keys: Vec<&String> = x.keys().chain(y.keys()).collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                let p = format!("{path}.{k}");
                match (x.get(k), y.get(k)) {
                    (Some(l), Some(r)) => json_diff(l, r, &p, out, limit),
                    (Some(l), None) => {
                        out.push(format!("{p}: pocketbase={} cairn=<absent>", short(l)))
                    }
                    (None, Some(r)) => {
                        out.push(format!("{p}: pocketbase=<absent> cairn={}", short(r)))
                    }
                    (None, None) => {}
                }
                if out.len() >= limit {
                    return;
                }
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (l, r)) in x.iter().zip(y).enumerate() {
                json_diff(l, r, &format!("{path}[{i}]"), out, limit);
            }
        }
        _ => out.push(format!(
            "{}: pocketbase={} cairn={}",
            if path.is_empty() { "<root>" } else { path },
            short(a),
            short(b)
        )),
    }
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 300 {
        format!("{}…", s.chars().take(300).collect::<String>())
    } else {
        s
    }
}

/// The result of comparing one query: a mismatch (fails the test) and/or a note (reported only).
#[derive(Default)]
pub struct Verdict {
    pub mismatch: Option<String>,
    pub note: Option<String>,
}

pub fn compare(kind: Kind, pb: &Reply, cairn: &Reply) -> Verdict {
    let mut v = Verdict::default();
    if pb.status != cairn.status {
        v.mismatch = Some(format!(
            "status pocketbase={} cairn={}\n      pocketbase body: {}\n      cairn body:      {}",
            pb.status,
            cairn.status,
            short(&pb.body),
            short(&cairn.body)
        ));
        return v;
    }
    if !(200..300).contains(&pb.status) {
        let (a, b) = (normalize(&pb.body["data"]), normalize(&cairn.body["data"]));
        if a != b {
            v.mismatch = Some(format!(
                "error data differs (status {})\n      pocketbase: {}\n      cairn:      {}",
                pb.status,
                short(&pb.body),
                short(&cairn.body)
            ));
        } else if pb.body["message"] != cairn.body["message"] {
            v.note = Some(format!(
                "message pocketbase={} cairn={}",
                pb.body["message"], cairn.body["message"]
            ));
        }
        return v;
    }
    match kind {
        Kind::Status => {}
        Kind::Ids | Kind::UnorderedIds => {
            let mut problems = Vec::new();
            let (mut a, mut b) = (ids(&pb.body), ids(&cairn.body));
            if kind == Kind::UnorderedIds {
                for list in [&mut a, &mut b].into_iter().flatten() {
                    list.sort();
                }
            }
            if a != b {
                problems.push(format!(
                    "ids\n      pocketbase: {}\n      cairn:      {}",
                    a.map_or("<no items>".into(), |v| v.join(",")),
                    b.map_or("<no items>".into(), |v| v.join(","))
                ));
            }
            for key in ["page", "perPage", "totalItems", "totalPages"] {
                if normalize(&pb.body[key]) != normalize(&cairn.body[key]) {
                    problems.push(format!(
                        "{key} pocketbase={} cairn={}",
                        pb.body[key], cairn.body[key]
                    ));
                }
            }
            if !problems.is_empty() {
                v.mismatch = Some(problems.join("\n      "));
            }
        }
        Kind::Full => {
            let (a, b) = (normalize(&pb.body), normalize(&cairn.body));
            if a != b {
                let mut out = Vec::new();
                json_diff(&a, &b, "", &mut out, 8);
                v.mismatch = Some(format!("json differs\n      {}", out.join("\n      ")));
            }
        }
    }
    v
}
