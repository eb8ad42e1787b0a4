//! Typed views of an auth collection's options (`mfa`, `otp`, `oauth2`), read from the JSON
//! PocketBase stores them as.

use serde_json::Value;

use crate::schema::Collection;

fn option<'a>(c: &'a Collection, key: &str) -> &'a Value {
    c.auth
        .as_ref()
        .and_then(|a| a.options.get(key))
        .unwrap_or(&Value::Null)
}

/// `mfa`: `enabled`, `duration` (seconds), `rule` (empty = every record).
#[derive(Debug, Clone, PartialEq)]
pub struct Mfa {
    pub enabled: bool,
    pub duration: i64,
    pub rule: String,
}

pub fn mfa(c: &Collection) -> Mfa {
    let v = option(c, "mfa");
    Mfa {
        enabled: v["enabled"].as_bool().unwrap_or(false),
        duration: v["duration"].as_i64().unwrap_or(600),
        rule: v["rule"].as_str().unwrap_or_default().to_string(),
    }
}

/// `otp`: `enabled`, `duration` (seconds), `length` (digits).
#[derive(Debug, Clone, PartialEq)]
pub struct Otp {
    pub enabled: bool,
    pub duration: i64,
    pub length: usize,
}

pub fn otp(c: &Collection) -> Otp {
    let v = option(c, "otp");
    Otp {
        enabled: v["enabled"].as_bool().unwrap_or(false),
        duration: v["duration"].as_i64().unwrap_or(180),
        length: v["length"]
            .as_u64()
            .and_then(|n| usize::try_from(n).ok())
            .filter(|n| *n > 0)
            .unwrap_or(8),
    }
}

/// `oauth2.enabled`.
pub fn oauth2_enabled(c: &Collection) -> bool {
    option(c, "oauth2")["enabled"].as_bool().unwrap_or(false)
}

/// `oauth2.providers` (stored configs, client secrets sealed).
pub fn oauth2_providers(c: &Collection) -> Vec<Value> {
    option(c, "oauth2")["providers"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// `oauth2.mappedFields` (`id`, `name`, `username`, `avatarURL` → record field names).
pub fn oauth2_mapped_field(c: &Collection, key: &str) -> String {
    option(c, "oauth2")["mappedFields"][key]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// Seconds elapsed since a stored `created` datetime (`YYYY-MM-DD HH:MM:SS.sssZ`); `None` when
/// unparseable (callers treat that as expired).
pub fn age_seconds(created: &str) -> Option<i64> {
    let t = chrono::NaiveDateTime::parse_from_str(
        created.trim_end_matches('Z'),
        "%Y-%m-%d %H:%M:%S%.f",
    )
    .ok()?
    .and_utc();
    Some(chrono::Utc::now().signed_duration_since(t).num_seconds())
}

#[cfg(test)]
mod tests {
    #[test]
    fn age_of_a_stored_datetime() {
        let now = chrono::Utc::now()
            .format("%Y-%m-%d %H:%M:%S%.3fZ")
            .to_string();
        assert!(super::age_seconds(&now).is_some_and(|s| (0..2).contains(&s)));
        assert_eq!(super::age_seconds("garbage"), None);
    }
}
