//! Identifiers and timestamps in PocketBase's formats: collection ids (`pbc_` + crc32), field ids
//! (type + crc32), random record ids, identifier validation and the `YYYY-MM-DD HH:MM:SS.sssZ`
//! datetime format.

use rand::Rng;
use rand::distr::Alphanumeric;

/// `pbc_` + IEEE crc32 of type + name, in decimal (PocketBase's default collection id).
pub fn collection_id(kind: &str, name: &str) -> String {
    format!(
        "pbc_{}",
        crc32fast::hash(format!("{kind}{name}").as_bytes())
    )
}

/// Field type + crc32 of its name (PocketBase's default field id).
pub fn field_id(kind: &str, name: &str) -> String {
    format!("{kind}{}", crc32fast::hash(name.as_bytes()))
}

const LOWER_ALNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";

/// A random record id: 15 characters of `[a-z0-9]`.
pub fn record_id() -> String {
    random_from(LOWER_ALNUM, 15)
}

/// A random string of `[a-zA-Z0-9]` (token keys and secrets).
pub fn random_alnum(len: usize) -> String {
    rand::rng()
        .sample_iter(Alphanumeric)
        .take(len)
        .map(char::from)
        .collect()
}

pub fn random_from(alphabet: &[u8], len: usize) -> String {
    let mut rng = rand::rng();
    (0..len)
        .map(|_| char::from(alphabet[rng.random_range(0..alphabet.len())]))
        .collect()
}

/// Generates a string for a simple autogenerate pattern of the form `[class]{n}` (the patterns
/// PocketBase ships: `[a-z0-9]{15}`, `[a-zA-Z0-9]{50}`). Returns `None` for anything else.
pub fn generate_from_pattern(pattern: &str) -> Option<String> {
    let rest = pattern.strip_prefix('[')?;
    let (class, rest) = rest.split_once(']')?;
    let count: usize = rest.strip_prefix('{')?.strip_suffix('}')?.parse().ok()?;
    let mut alphabet = Vec::new();
    let bytes = class.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if i + 2 < bytes.len() && bytes[i + 1] == b'-' {
            alphabet.extend(bytes[i]..=bytes[i + 2]);
            i += 3;
        } else {
            alphabet.push(bytes[i]);
            i += 1;
        }
    }
    if alphabet.is_empty() || count == 0 || count > 1000 {
        return None;
    }
    Some(random_from(&alphabet, count))
}

/// `^[A-Za-z_][A-Za-z0-9_]*$`, the only identifiers we ever put into SQL.
pub fn is_valid_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A collection's name as a type name, shared by the OpenAPI document and the generated SDK
/// so both name a collection's types alike: `_superusers` → `Superusers`, `blog_posts` →
/// `BlogPosts`, `myPosts` → `MyPosts`; nothing left or a leading digit gets `Collection`.
pub fn type_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for part in name.split(|c: char| !c.is_ascii_alphanumeric()) {
        let mut chars = part.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars);
        }
    }
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert_str(0, "Collection");
    }
    out
}

/// Current UTC time in PocketBase's datetime format.
pub fn now_string() -> String {
    format_datetime(chrono::Utc::now())
}

pub fn format_datetime(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%S%.3fZ").to_string()
}

/// Parses the datetime inputs PocketBase accepts (`2024-01-02 03:04:05Z`, RFC 3339 with `T`,
/// optional fraction, a bare date) into the canonical format. `None` when unparseable.
pub fn normalize_datetime(input: &str) -> Option<String> {
    use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
    let s = input.trim();
    if s.is_empty() {
        return Some(String::new());
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(&s.replacen(' ', "T", 1)) {
        return Some(format_datetime(t.with_timezone(&Utc)));
    }
    let naive = s.trim_end_matches('Z').replacen('T', " ", 1);
    for fmt in [
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(&naive, fmt) {
            return Some(format_datetime(t.and_utc()));
        }
    }
    NaiveDate::parse_from_str(&naive, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| format_datetime(t.and_utc()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_match_pocketbase() {
        assert_eq!(collection_id("base", "posts"), "pbc_1125843985");
        assert_eq!(collection_id("auth", "_superusers"), "pbc_3142635823");
        assert_eq!(collection_id("base", "_mfas"), "pbc_2279338944");
        assert_eq!(field_id("text", "id"), "text3208210256");
        assert_eq!(field_id("autodate", "created"), "autodate2990389176");
    }

    #[test]
    fn datetimes_normalize() {
        assert_eq!(
            normalize_datetime("2024-01-02 03:04:05Z").as_deref(),
            Some("2024-01-02 03:04:05.000Z")
        );
        assert_eq!(
            normalize_datetime("2024-01-02T03:04:05.123+02:00").as_deref(),
            Some("2024-01-02 01:04:05.123Z")
        );
        assert_eq!(
            normalize_datetime("2024-01-02").as_deref(),
            Some("2024-01-02 00:00:00.000Z")
        );
        assert_eq!(normalize_datetime("nope"), None);
    }

    #[test]
    fn patterns_generate() {
        let s = generate_from_pattern("[a-z0-9]{15}").unwrap_or_default();
        assert_eq!(s.len(), 15);
        assert!(
            s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        );
        assert!(is_valid_identifier("_abc1"));
        assert!(!is_valid_identifier("1abc"));
        assert!(!is_valid_identifier("a;drop"));
    }
}
