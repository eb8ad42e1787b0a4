//! Fan-out of a committed change to the subscribers allowed to see it.
//!
//! Cost is kept per *group*, not per subscriber: subscribers sharing an identity, rule, filter
//! and options share one access check and one rendered payload, so 10,000 guests watching
//! `posts/*` cost one render and 10,000 queue pushes.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::{Value, json};

use super::client::{Client, Message, Subscription};
use crate::core::Core;
use crate::records::exec::Exec;
use crate::records::expand::ExpandTree;
use crate::records::fields_picker::FieldsPicker;
use crate::records::resolver::RequestInfo;
use crate::records::rules::{Gate, gate};
use crate::records::{Record, pipeline};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Create,
    Update,
    Delete,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Create => "create",
            Self::Update => "update",
            Self::Delete => "delete",
        }
    }
}

fn matches(sub: &Subscription, record: &Record) -> bool {
    let c = &record.collection;
    (sub.collection == c.id || sub.collection.eq_ignore_ascii_case(&c.name))
        && sub.record_id.as_deref().is_none_or(|id| id == record.id())
}

fn viewer_key(info: &RequestInfo) -> String {
    match (&info.auth.collection, info.auth.id()) {
        (Some(c), Some(id)) => format!("{}:{id}", c.id),
        (Some(c), None) => c.id.clone(),
        _ => String::new(),
    }
}

fn info_for(client: &Client, sub: &Subscription) -> RequestInfo {
    RequestInfo {
        auth: client.auth(),
        context: "realtime".into(),
        method: "GET".into(),
        query: sub.query.clone(),
        headers: sub.headers.clone(),
        body: serde_json::Map::new(),
    }
}

/// Sends `record`'s change to every matching subscriber allowed to see it.
pub async fn publish(core: Arc<Core>, action: Action, record: Record) {
    // PocketBase does not emit events for view collections.
    if record.collection.is_view() || core.realtime.is_empty() {
        return;
    }
    let targets: Vec<(Arc<Client>, Subscription)> = core
        .realtime
        .listeners(&record.collection)
        .into_iter()
        .flat_map(|c| {
            let subs = c.subscriptions_where(|s| matches(s, &record));
            subs.into_iter().map(move |s| (c.clone(), s))
        })
        .collect();
    if targets.is_empty() {
        return;
    }
    let mut allowed_cache: HashMap<String, bool> = HashMap::new();
    let mut payload_cache: HashMap<String, Arc<str>> = HashMap::new();
    for (client, sub) in targets {
        let info = info_for(&client, &sub);
        let rule = if sub.record_id.is_some() {
            record.collection.view_rule.as_deref()
        } else {
            record.collection.list_rule.as_deref()
        };
        let g = gate(rule, &info.auth);
        let filter = sub.query_str("filter");
        let allowed = match (&g, filter) {
            (Gate::Locked, _) => false,
            (Gate::Open, None) => true,
            (g, filter) => {
                let rule = match g {
                    Gate::Expression(e) => Some(e.clone()),
                    _ => None,
                };
                let key = format!(
                    "{}\u{0}{}\u{0}{}\u{0}{:?}\u{0}{:?}",
                    viewer_key(&info),
                    rule.as_deref().unwrap_or_default(),
                    filter.unwrap_or_default(),
                    sub.query,
                    sub.headers
                );
                match allowed_cache.get(&key) {
                    Some(a) => *a,
                    None => {
                        let a = pipeline::record_satisfies(
                            &core,
                            &Exec::Direct,
                            &record,
                            &info,
                            rule.as_deref(),
                            filter,
                            false,
                        )
                        .await
                        .unwrap_or(false);
                        allowed_cache.insert(key, a);
                        a
                    }
                }
            }
        };
        if !allowed {
            continue;
        }
        let expand_param = sub.query_str("expand").map(str::to_string);
        let fields_param = sub.query_str("fields").map(str::to_string);
        let key = format!(
            "{}\u{0}{}\u{0}{}",
            viewer_key(&info),
            expand_param.as_deref().unwrap_or_default(),
            fields_param.as_deref().unwrap_or_default()
        );
        let data = match payload_cache.get(&key) {
            Some(d) => d.clone(),
            None => {
                let d: Arc<str> = render(
                    &core,
                    &record,
                    info,
                    action,
                    expand_param.as_deref(),
                    fields_param.as_deref(),
                )
                .await
                .into();
                payload_cache.insert(key, d.clone());
                d
            }
        };
        if !client.send(Message {
            event: sub.raw.clone(),
            data,
        }) {
            tracing::info!(client = %client.id, "realtime client too slow or gone; dropping it");
            core.realtime.drop_client(&client.id);
        }
    }
}

/// `{"record": …, "action": …}` for one viewer and options.
async fn render(
    core: &Arc<Core>,
    record: &Record,
    mut info: RequestInfo,
    action: Action,
    expand: Option<&str>,
    fields: Option<&str>,
) -> String {
    let rendered = match expand.and_then(ExpandTree::parse) {
        None => crate::records::serialize::to_json(record, &info.auth),
        Some(tree) => {
            info.context = "expand".into();
            let records = vec![record.clone()];
            let fallback = crate::records::serialize::to_json(record, &info.auth);
            Exec::Direct
                .expand(core, info, records, tree)
                .await
                .ok()
                .and_then(Result::ok)
                .and_then(|v| v.into_iter().next())
                .unwrap_or(fallback)
        }
    };
    let rendered = match fields.and_then(FieldsPicker::parse) {
        Some(p) => p.pick(rendered),
        None => rendered,
    };
    json!({"record": rendered, "action": action.as_str()}).to_string()
}

/// Convenience used by `Value`-level callers (tests, hooks).
pub fn event_json(record: Value, action: Action) -> String {
    json!({"record": record, "action": action.as_str()}).to_string()
}
