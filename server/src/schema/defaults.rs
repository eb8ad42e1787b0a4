//! Default collections: the system collections every instance has (`_superusers`, `_mfas`,
//! `_otps`, `_externalAuths`, `_authOrigins`) plus the non-system `users`, exactly as
//! PocketBase 0.40.6 creates them (JSON captured from the real binary), and the scaffolds served
//! by `GET /api/collections/meta/scaffolds`.

use serde_json::{Value, json};

use super::collection::Collection;

const SYSTEM_COLLECTIONS: &str = include_str!("system_collections.json");

/// The default collections with fresh token secrets, in creation order.
pub fn default_collections() -> anyhow::Result<Vec<Collection>> {
    let items: Vec<Value> = serde_json::from_str(SYSTEM_COLLECTIONS)?;
    let now = super::ids::now_string();
    items
        .iter()
        .map(|item| {
            let mut c = Collection::from_json(item)
                .map_err(|e| anyhow::anyhow!("bad default collection: {:?}", e.into_map()))?;
            c.created.clone_from(&now);
            c.updated.clone_from(&now);
            if let Some(auth) = &mut c.auth {
                auth.ensure_secrets();
            }
            Ok(c)
        })
        .collect()
}

/// Auth options of a new auth collection: PocketBase's defaults (from `users`), minus mapped
/// fields that a new collection does not have.
pub fn auth_defaults() -> Value {
    let items: Vec<Value> = serde_json::from_str(SYSTEM_COLLECTIONS).unwrap_or_default();
    let mut users = items
        .into_iter()
        .find(|c| c.get("name").and_then(Value::as_str) == Some("users"))
        .unwrap_or_else(|| json!({}));
    if let Some(o) = users.get_mut("oauth2") {
        o["mappedFields"] = json!({"id":"","name":"","username":"","avatarURL":""});
    }
    users
}

/// `GET /api/collections/meta/scaffolds`: the default JSON of a new collection per type.
pub fn scaffold(kind: &str) -> Value {
    let id_field = json!({"autogeneratePattern":"[a-z0-9]{15}","help":"","hidden":false,"id":"text3208210256","max":15,"min":15,"name":"id","pattern":"^[a-z0-9]+$","presentable":false,"primaryKey":true,"required":true,"system":true,"type":"text"});
    let mut base = json!({"id":"","listRule":null,"viewRule":null,"createRule":null,"updateRule":null,"deleteRule":null,"name":"","type":kind,"fields":[id_field],"indexes":[],"created":"","updated":"","system":false});
    match kind {
        "view" => {
            base["fields"] = json!([]);
            base["viewQuery"] = json!("");
        }
        "auth" => {
            let defaults = auth_defaults();
            let users_fields = defaults
                .get("fields")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            // id, password, tokenKey, email, emailVisibility, verified: the auth system fields.
            base["fields"] = Value::Array(
                users_fields
                    .into_iter()
                    .filter(|f| f["system"] == json!(true))
                    .collect(),
            );
            base["indexes"] = json!([]);
            base["authRule"] = json!("");
            base["manageRule"] = Value::Null;
            for key in super::collection::AUTH_OPTION_KEYS {
                base[*key] = defaults.get(*key).cloned().unwrap_or_else(|| json!({}));
            }
            if let Some(o) = base.get_mut("oauth2") {
                o["mappedFields"] = json!({"id":"","name":"","username":"","avatarURL":""});
            }
        }
        _ => {}
    }
    base
}
