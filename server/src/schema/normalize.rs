//! Fills in what a submitted collection leaves implicit, as PocketBase does: the id, the `id`
//! primary-key field first, auth system fields and their unique indexes, token secrets, and the
//! inferred fields of a view. OAuth2 client secrets are kept when omitted and sealed at rest
//! ([`seal_provider_secrets`]).

use serde_json::{Value, json};

use super::collection::{Collection, CollectionType};
use super::field::{Field, FieldKind};
use super::fields::text::TextOptions;
use super::ids;
use crate::error::{FieldError, FieldErrors};
use crate::settings::seal::{self, SealError, Sealer};

fn id_field() -> Field {
    let mut f = Field::new(
        "id",
        FieldKind::Text(TextOptions {
            min: 15,
            max: 15,
            pattern: "^[a-z0-9]+$".into(),
            autogenerate_pattern: "[a-z0-9]{15}".into(),
            primary_key: true,
            sealed: false,
        }),
    );
    f.system = true;
    f.required = true;
    f
}

/// The auth system fields in PocketBase's order (from the default `users`).
fn auth_system_fields() -> Vec<Field> {
    let scaffold = super::defaults::scaffold("auth");
    scaffold
        .get("fields")
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(|v| Field::from_json(v).ok())
                .collect()
        })
        .unwrap_or_default()
}

pub fn normalize(c: &mut Collection, old: Option<&Collection>) {
    if c.id.is_empty() {
        c.id = old.map_or_else(
            || ids::collection_id(c.kind.as_str(), &c.name),
            |o| o.id.clone(),
        );
    }
    if c.kind == CollectionType::View {
        return;
    }
    // A sealed field is hidden too, so every path that skips hidden fields skips it.
    for f in c.fields.iter_mut().filter(|f| f.is_sealed()) {
        f.hidden = true;
    }
    // The primary key always comes first; keep a submitted one (options may be customised).
    match c.fields.iter().position(|f| f.name == "id") {
        Some(0) => {}
        Some(i) => {
            let f = c.fields.remove(i);
            c.fields.insert(0, f);
        }
        None => c.fields.insert(0, id_field()),
    }
    if c.kind == CollectionType::Auth {
        for sys in auth_system_fields() {
            if c.field(&sys.name).is_none() {
                c.fields.push(sys);
            }
        }
        let has_unique = |c: &Collection, col: &str| {
            c.indexes
                .iter()
                .filter_map(|s| super::indexes::IndexDef::parse(s))
                .any(|d| {
                    d.unique && d.columns.len() == 1 && d.columns[0].0.eq_ignore_ascii_case(col)
                })
        };
        if !has_unique(c, "tokenKey") {
            c.indexes.push(format!(
                "CREATE UNIQUE INDEX `idx_tokenKey_{}` ON `{}` (`tokenKey`)",
                c.id, c.name
            ));
        }
        if !has_unique(c, "email") {
            c.indexes.push(format!(
                "CREATE UNIQUE INDEX `idx_email_{}` ON `{}` (`email`) WHERE `email` != ''",
                c.id, c.name
            ));
        }
        let defaults = super::defaults::auth_defaults();
        if let Some(auth) = &mut c.auth {
            for key in super::collection::AUTH_OPTION_KEYS {
                if !auth.options.contains_key(*key)
                    && let Some(v) = defaults.get(*key)
                {
                    let mut v = v.clone();
                    if *key == "oauth2" {
                        v["mappedFields"] = json!({"id":"","name":"","username":"","avatarURL":""});
                    }
                    auth.options.insert((*key).to_string(), v);
                }
            }
            // Secrets are write-only: an update without them keeps the stored ones.
            if let Some(old_auth) = old.and_then(|o| o.auth.as_ref()) {
                for kind in super::collection::TOKEN_KINDS {
                    let old_secret = old_auth.token_secret(kind).to_string();
                    if let Some(Value::Object(t)) = auth.options.get_mut(*kind)
                        && t.get("secret")
                            .and_then(Value::as_str)
                            .is_none_or(str::is_empty)
                        && !old_secret.is_empty()
                    {
                        t.insert("secret".into(), json!(old_secret));
                    }
                }
                keep_provider_secrets(&mut auth.options, &old_auth.options);
            }
            auth.ensure_secrets();
        }
    }
}

/// A field inferred for a view column: `id` is the text primary key; a column whose name matches
/// a field of a collection named in the query clones that field; otherwise the declared type
/// decides (NUMERIC → number, BOOLEAN → bool, TEXT → text, anything else → json).
pub fn infer_view_field(
    name: &str,
    decl_type: &str,
    query: &str,
    all: &[std::sync::Arc<Collection>],
) -> Field {
    if name == "id" {
        // A view's id is whatever the query returns: no length bounds, nothing to generate.
        let mut f = id_field();
        if let FieldKind::Text(o) = &mut f.kind {
            o.min = 0;
            o.max = 0;
            o.autogenerate_pattern.clear();
        }
        return f;
    }
    let lower_query = query.to_ascii_lowercase();
    let referenced = all.iter().filter(|c| {
        let n = c.name.to_ascii_lowercase();
        lower_query
            .split(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_'))
            .any(|w| w == n)
    });
    for c in referenced {
        if let Some(f) = c.field(name) {
            let mut f = f.clone();
            f.id = format!(
                "_clone_{}",
                ids::random_from(
                    b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
                    4
                )
            );
            f.system = false;
            f.required = false;
            if let FieldKind::Text(o) = &mut f.kind {
                o.primary_key = false;
            }
            return f;
        }
    }
    let kind = match decl_type.to_ascii_uppercase().as_str() {
        "NUMERIC" | "INTEGER" | "REAL" | "INT" => FieldKind::Number(Default::default()),
        "BOOLEAN" => FieldKind::Bool,
        "TEXT" => FieldKind::Text(Default::default()),
        _ => FieldKind::Json(Default::default()),
    };
    Field::new(name, kind)
}

/// OAuth2 client secrets are write-only too: a provider submitted without `clientSecret` keeps
/// the stored one (matched by provider name), since `providers` is replaced as a whole array.
fn keep_provider_secrets(
    new: &mut serde_json::Map<String, Value>,
    old: &serde_json::Map<String, Value>,
) {
    let old_providers = old
        .get("oauth2")
        .and_then(|o| o.get("providers"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let Some(Value::Array(providers)) = new.get_mut("oauth2").and_then(|o| o.get_mut("providers"))
    else {
        return;
    };
    for p in providers.iter_mut() {
        let Value::Object(p) = p else { continue };
        let missing = p
            .get("clientSecret")
            .and_then(Value::as_str)
            .is_none_or(str::is_empty);
        let name = p
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        if !missing {
            continue;
        }
        let stored = old_providers
            .iter()
            .find(|o| o.get("name").and_then(Value::as_str) == Some(name.as_str()))
            .and_then(|o| o.get("clientSecret"))
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty());
        if let Some(secret) = stored {
            p.insert("clientSecret".into(), json!(secret));
        }
    }
}

/// The `oauth2.providers` entries of an auth collection's options, as JSON objects.
fn providers_mut(
    options: &mut serde_json::Map<String, Value>,
) -> impl Iterator<Item = (usize, &mut serde_json::Map<String, Value>)> {
    options
        .get_mut("oauth2")
        .and_then(|o| o.get_mut("providers"))
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
        .enumerate()
        .filter_map(|(i, p)| p.as_object_mut().map(|p| (i, p)))
}

/// Seals every OAuth2 `clientSecret` of `c` that is not sealed yet (AES-256-GCM under
/// `CAIRN_ENCRYPTION_KEY`), so `_collections` never holds one in plain text. A submitted value
/// that looks sealed must open with the key (a foreign or tampered one would only fail later).
/// Without a key a secret is refused: `oauth2.providers.<i>.clientSecret` →
/// `validation_sealing_failed`.
pub fn seal_provider_secrets(c: &mut Collection, sealer: &Sealer) -> Result<(), FieldErrors> {
    let mut failed = FieldErrors::new();
    let Some(auth) = c.auth.as_mut() else {
        return Ok(());
    };
    for (i, p) in providers_mut(&mut auth.options) {
        let Some(secret) = p.get("clientSecret").and_then(Value::as_str) else {
            continue;
        };
        if secret.is_empty() {
            continue;
        }
        match sealer.seal_submitted(secret) {
            Ok(s) => {
                p.insert("clientSecret".into(), Value::String(s));
            }
            Err(e) => {
                let mut field = FieldErrors::new();
                field.add(
                    "clientSecret",
                    FieldError::new("validation_sealing_failed", e.to_string()),
                );
                failed.add_nested(i.to_string(), field);
            }
        }
    }
    if failed.is_empty() {
        return Ok(());
    }
    let mut providers = FieldErrors::new();
    providers.add_nested("providers", failed);
    let mut errors = FieldErrors::new();
    errors.add_nested("oauth2", providers);
    Err(errors)
}

/// Start-up check of a stored collection's OAuth2 client secrets: sealed ones must open with
/// `sealer`; plain ones (stored before sealing existed, or imported) are sealed in place.
/// Returns whether `c` changed (and must be stored again), or why it cannot be opened.
pub fn check_stored_provider_secrets(c: &mut Collection, sealer: &Sealer) -> Result<bool, String> {
    let name = c.name.clone();
    let Some(auth) = c.auth.as_mut() else {
        return Ok(false);
    };
    let mut changed = false;
    for (_, p) in providers_mut(&mut auth.options) {
        let provider = p
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let Some(secret) = p.get("clientSecret").and_then(Value::as_str) else {
            continue;
        };
        let context =
            |e: SealError| format!("collection {name:?}, OAuth2 provider {provider:?}: {e}");
        if seal::is_sealed(secret) {
            sealer.open(secret).map_err(context)?;
        } else if !secret.is_empty() {
            let sealed = sealer.seal(secret).map_err(|e| match e {
                SealError::NoKey => format!(
                    "collection {name:?}, OAuth2 provider {provider:?}: the client secret is \
                     stored in plain text; set CAIRN_ENCRYPTION_KEY (or --encryption-key) to \
                     seal it"
                ),
                other => context(other),
            })?;
            p.insert("clientSecret".into(), Value::String(sealed));
            changed = true;
        }
    }
    Ok(changed)
}
