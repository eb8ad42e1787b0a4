//! Runtime settings (PocketBase's settings document): stored as one JSON value in `_params`,
//! cached in memory, edited through `GET/PATCH /api/settings`. Secrets (`smtp.password`,
//! `s3.secret`, `backups.s3.secret`) are write-only (never returned) and sealed at rest with
//! AES-256-GCM ([`seal`]); an empty secret in a PATCH keeps the stored one.
//!
//! [`Settings`] also carries the process's expiring counters ([`store::Store`]: rate limits,
//! failed logins, mail resend markers).

pub mod seal;
pub mod store;

use arc_swap::ArcSwap;
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, IntoActiveModel};
use serde_json::{Value, json};

use crate::error::{ApiError, FieldError, FieldErrors};
use crate::schema::collection::merge_json;
use crate::storage::entities::param;

const DEFAULTS: &str = include_str!("../settings_defaults.json");
const PARAM_ID: &str = "settings";
/// JSON pointers of write-only values.
const SECRETS: &[&str] = &["/smtp/password", "/s3/secret", "/backups/s3/secret"];

pub fn defaults() -> Value {
    serde_json::from_str(DEFAULTS).unwrap_or_else(|_| json!({}))
}

/// The settings cache.
// NOTE: the expiring counters live here because `Core` (owned by the storage/realtime work) has
// no slot for auth runtime state yet; they are settings-driven (rate limit rules) and per process.
#[derive(Debug)]
pub struct Settings {
    /// The document as stored (secrets sealed).
    value: ArcSwap<Value>,
    pub store: store::Store,
    pub sealer: seal::Sealer,
}

impl Default for Settings {
    fn default() -> Self {
        Self::new(seal::Sealer::default())
    }
}

impl Settings {
    pub fn new(sealer: seal::Sealer) -> Self {
        Self {
            value: ArcSwap::from_pointee(defaults()),
            store: store::Store::default(),
            sealer,
        }
    }

    /// Checks that every sealed secret of `value` opens with the configured key (start-up:
    /// a missing or wrong key is an error, never a silent fallback).
    pub fn check_sealed(&self, value: &Value) -> Result<(), seal::SealError> {
        for p in SECRETS {
            if let Some(s) = value.pointer(p).and_then(Value::as_str) {
                self.sealer.open(s)?;
            }
        }
        Ok(())
    }

    /// Applies a PATCH: merges, validates, seals new secrets, stores, caches; returns the new
    /// document (secrets sealed).
    pub fn apply(&self, conn: &impl ConnectionTrait, patch: &Value) -> Result<Value, ApiError> {
        let current = self.get();
        let mut patch = patch.clone();
        for p in SECRETS {
            let Some((parent, key)) = p.rsplit_once('/') else {
                continue;
            };
            let Some(Value::Object(obj)) = patch.pointer_mut(parent) else {
                continue;
            };
            match obj.get(key).and_then(Value::as_str).map(str::to_string) {
                Some(plain) if plain.is_empty() => {
                    obj.remove(key);
                }
                Some(plain) => {
                    let sealed = self.sealer.seal_submitted(&plain).map_err(|e| {
                        let mut errors = FieldErrors::new();
                        errors.add(
                            key,
                            FieldError::new("validation_sealing_failed", e.to_string()),
                        );
                        let mut outer = FieldErrors::new();
                        outer.add_nested(parent.trim_start_matches('/').replace('/', "."), errors);
                        ApiError::validation(
                            "An error occurred while saving the new settings.",
                            outer,
                        )
                    })?;
                    obj.insert(key.to_string(), Value::String(sealed));
                }
                None => {}
            }
        }
        let next = update(conn, &current, &patch)?;
        self.set(next.clone());
        Ok(next)
    }
    pub fn get(&self) -> std::sync::Arc<Value> {
        self.value.load_full()
    }

    pub fn set(&self, v: Value) {
        self.value.store(std::sync::Arc::new(v));
    }

    /// A secret value (e.g. `/smtp/password`) in plain text, for the code that uses it
    /// (`""` when unset or unopenable; the cause is logged, never the value).
    pub fn secret(&self, pointer: &str) -> String {
        let stored = self
            .get()
            .pointer(pointer)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        self.sealer.open(&stored).unwrap_or_else(|e| {
            tracing::error!(error = %e, secret = pointer, "cannot open a sealed secret");
            String::new()
        })
    }

    /// Batch API limits: `(enabled, maxRequests, timeout seconds, maxBodySize bytes)`.
    pub fn batch(&self) -> (bool, u64, u64, u64) {
        let s = self.get();
        let b = &s["batch"];
        (
            b["enabled"].as_bool().unwrap_or(false),
            b["maxRequests"].as_u64().unwrap_or(50),
            b["timeout"].as_u64().unwrap_or(3),
            b["maxBodySize"].as_u64().unwrap_or(0),
        )
    }
}

/// The settings as returned to superusers (secrets removed).
pub fn public_view(v: &Value) -> Value {
    let mut out = v.clone();
    for p in SECRETS {
        if let Some((parent, key)) = p.rsplit_once('/')
            && let Some(Value::Object(obj)) = out.pointer_mut(parent)
        {
            obj.remove(key);
        }
    }
    out
}

/// Loads the stored settings (defaults merged under them) or stores the defaults.
pub fn load(conn: &impl ConnectionTrait) -> Result<Value, sea_orm::DbErr> {
    let mut value = defaults();
    match param::Entity::find_by_id(PARAM_ID.to_string()).one(conn)? {
        Some(row) => {
            let stored: Value = serde_json::from_str(&row.value).unwrap_or_else(|_| json!({}));
            merge_json(&mut value, &stored);
        }
        None => save(conn, &value, true)?,
    }
    Ok(value)
}

fn save(conn: &impl ConnectionTrait, value: &Value, insert: bool) -> Result<(), sea_orm::DbErr> {
    let now = crate::schema::ids::now_string();
    let model = param::Model {
        id: PARAM_ID.into(),
        value: value.to_string(),
        created: now.clone(),
        updated: now,
    };
    if insert {
        param::Entity::insert(model.into_active_model()).exec(conn)?;
    } else {
        let mut active = model.into_active_model().reset_all();
        active.not_set(param::Column::Created);
        active.update(conn)?;
    }
    Ok(())
}

fn validate(v: &Value) -> FieldErrors {
    let mut errors = FieldErrors::new();
    let mut batch = FieldErrors::new();
    for key in ["maxRequests", "timeout", "maxBodySize"] {
        if v["batch"][key].as_i64().is_some_and(|n| n < 0) || !v["batch"][key].is_number() {
            batch.add(
                key,
                FieldError::new(
                    "validation_min_greater_equal_than_required",
                    "Must be no less than 0.",
                )
                .with_params(json!({"threshold": 0})),
            );
        }
    }
    errors.add_nested("batch", batch);
    if v["meta"]["appName"].as_str().is_none_or(str::is_empty) {
        let mut meta = FieldErrors::new();
        meta.add("appName", FieldError::required());
        errors.add_nested("meta", meta);
    }
    errors
}

/// Applies a partial update and stores it; returns the new settings.
pub fn update(
    conn: &impl ConnectionTrait,
    current: &Value,
    patch: &Value,
) -> Result<Value, ApiError> {
    let mut next = current.clone();
    merge_json(&mut next, patch);
    validate(&next).into_result("An error occurred while saving the new settings.")?;
    save(conn, &next, false).map_err(ApiError::internal)?;
    Ok(next)
}
