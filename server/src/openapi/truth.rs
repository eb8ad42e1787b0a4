//! Passes over the finished document that state what every route shares, so that each answer
//! the server can give is documented (schemathesis checks this in `server/tests/openapi_fuzz.rs`):
//!
//! - `?fields=` picks a subset of a response's properties (of each item in a list), so the
//!   schemas those responses use list no property as `required`; their descriptions say why.
//! - Rate limits (`settings.rateLimits`, and the brute-force guard of sign-ins) can answer 429
//!   on any route.
//! - Routes under `/api/collections/{name}` answer 404 once that collection is gone.

use std::collections::BTreeSet;

use serde_json::{Value, json};

const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch"];

const PICKED: &str = " With `?fields=` only the picked properties are returned, so none is \
     listed as required; without it every property listed is present.";

/// Applies every pass.
pub fn apply(doc: &mut Value) {
    relax_picked(doc);
    add_common_errors(doc);
}

/// The component name of a `$ref`.
fn ref_name(v: &Value) -> Option<String> {
    v.get("$ref")?
        .as_str()?
        .strip_prefix("#/components/schemas/")
        .map(str::to_string)
}

fn has_fields_param(op: &Value) -> bool {
    op["parameters"]
        .as_array()
        .is_some_and(|ps| ps.iter().any(|p| p["name"] == json!("fields")))
}

/// The schemas a `fields` pick can thin out: a 2xx JSON body, or the items of a list envelope.
fn picked_roots(doc: &Value) -> BTreeSet<String> {
    let mut roots = BTreeSet::new();
    let Some(paths) = doc["paths"].as_object() else {
        return roots;
    };
    for item in paths.values() {
        for m in METHODS {
            let op = &item[*m];
            if !op.is_object() || !has_fields_param(op) {
                continue;
            }
            let Some(responses) = op["responses"].as_object() else {
                continue;
            };
            for (status, r) in responses {
                if !status.starts_with('2') {
                    continue;
                }
                let s = &r["content"]["application/json"]["schema"];
                let Some(name) = ref_name(s) else { continue };
                let items = &doc["components"]["schemas"][&name]["properties"]["items"]["items"];
                let is_envelope =
                    doc["components"]["schemas"][&name]["properties"]["perPage"].is_object();
                match ref_name(items) {
                    Some(item) if is_envelope => roots.insert(item),
                    _ => roots.insert(name),
                };
            }
        }
    }
    roots
}

/// Every schema reachable from `name` through properties, array items and combinators.
fn reachable(doc: &Value, name: &str, seen: &mut BTreeSet<String>) {
    if !seen.insert(name.to_string()) {
        return;
    }
    let mut refs = Vec::new();
    collect_refs(&doc["components"]["schemas"][name], &mut refs);
    for r in refs {
        reachable(doc, &r, seen);
    }
}

fn collect_refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(o) => {
            if let Some(n) = ref_name(v) {
                out.push(n);
            }
            for x in o.values() {
                collect_refs(x, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|x| collect_refs(x, out)),
        _ => {}
    }
}

/// Drops `required` (at every level) from what `fields` can pick.
fn relax_picked(doc: &mut Value) {
    let mut names = BTreeSet::new();
    for root in picked_roots(doc) {
        reachable(doc, &root, &mut names);
    }
    for name in names {
        let s = &mut doc["components"]["schemas"][&name];
        if !s.is_object() || s.get("required").is_none() {
            continue;
        }
        drop_required(s);
        let d = s["description"].as_str().unwrap_or_default().to_string();
        s["description"] = json!(format!("{d}{PICKED}").trim_start());
    }
}

fn drop_required(v: &mut Value) {
    match v {
        Value::Object(o) => {
            o.remove("required");
            o.values_mut().for_each(drop_required);
        }
        Value::Array(a) => a.iter_mut().for_each(drop_required),
        _ => {}
    }
}

/// 429 everywhere; 404 under a named collection.
fn add_common_errors(doc: &mut Value) {
    let error = |d: &str| json!({"description": d, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}});
    let Some(paths) = doc["paths"].as_object_mut() else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let under_collection = path
            .strip_prefix("/api/collections/")
            .is_some_and(|rest| !matches!(rest, "import" | "meta/scaffolds"));
        for m in METHODS {
            let Some(responses) = item
                .get_mut(*m)
                .and_then(|op| op.get_mut("responses"))
                .and_then(Value::as_object_mut)
            else {
                continue;
            };
            responses.entry("429").or_insert_with(|| {
                error("Too many requests (`settings.rateLimits`, or repeated failed sign-ins).")
            });
            if under_collection {
                responses
                    .entry("404")
                    .or_insert_with(|| error("No such collection (it may have been deleted)."));
            }
        }
    }
}
