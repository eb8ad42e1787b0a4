//! File names and storage keys.
//!
//! Uploaded names are rewritten as PocketBase does (`My File (1).PNG` →
//! `my_file_1_<10 random [a-z0-9]>.PNG`), so a stored name never carries a path, a leading dot
//! or anything but ASCII word characters before its extension. Keys are
//! `<collectionId>/<recordId>/<name>` (thumbnails under `thumbs_<name>/`), and every component
//! is checked again by [`safe_component`] before any backend touches it: whatever reached the
//! database by other routes (imports, direct edits, custom ids), a key can never leave the
//! storage root.

use crate::schema::ids::random_from;

const RANDOM_ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";

/// The extension as PocketBase takes it: from the second-to-last dot when there is one
/// (`a.tar.gz` → `.tar.gz`), else from the last dot; `""` without a dot.
fn extract_extension(name: &str) -> &str {
    let Some(primary) = name.rfind('.') else {
        return "";
    };
    match name[..primary].rfind('.') {
        Some(secondary) => &name[secondary..],
        None => &name[primary..],
    }
}

/// PocketBase's `inflector.Snakecase`: split at runs of non-word ASCII characters (and `_`),
/// insert `_` before an upper-case letter that follows a lower-case one, lower-case everything.
fn snakecase(s: &str) -> String {
    let mut out = String::new();
    for word in s
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push('_');
        }
        let bytes = word.as_bytes();
        for (i, c) in word.chars().enumerate() {
            if c.is_ascii_uppercase() && i > 0 && !bytes[i - 1].is_ascii_uppercase() {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        }
    }
    out
}

/// The stored name of an upload: snake-cased base (a random part added when shorter than 3,
/// cut at 100), `_`, 10 random `[a-z0-9]`, then the original extension with anything outside
/// `[A-Za-z0-9_.*+=#-]` removed (at most its last 20 characters). `detected_ext` (from the
/// content, with its dot) stands in when the name has no usable extension.
pub fn normalize(original: &str, detected_ext: &str) -> String {
    // Only the last path segment counts (browsers send bare names; others may not).
    let original = original.rsplit(['/', '\\']).next().unwrap_or_default();
    let ext_raw = extract_extension(original);
    let mut ext: String = ext_raw
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || "_.*-+=#".contains(*c))
        .collect();
    if ext.is_empty() {
        ext = detected_ext.to_string();
    }
    if ext.len() > 20 {
        ext = format!(".{}", &ext[ext.len() - 20..]);
    }
    let mut base = snakecase(&original[..original.len() - ext_raw.len()]);
    if base.len() < 3 {
        base.push_str(&random_from(RANDOM_ALPHABET, 10));
    } else if base.len() > 100 {
        base.truncate(100);
    }
    format!("{base}_{}{ext}", random_from(RANDOM_ALPHABET, 10))
}

/// Whether `s` may be one component of a storage key: 1–255 bytes, not starting with a dot
/// (so never `.` or `..`), no `/` or `\`, no control characters.
pub fn safe_component(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 255
        && !s.starts_with('.')
        && !s.chars().any(|c| c == '/' || c == '\\' || c.is_control())
}

/// Whether every `/`-separated component of `key` is [`safe_component`].
pub fn safe_key(key: &str) -> bool {
    key.split('/').all(safe_component)
}

/// `<collectionId>/<recordId>/` (the prefix of everything stored for a record).
pub fn record_prefix(collection_id: &str, record_id: &str) -> Option<String> {
    (safe_component(collection_id) && safe_component(record_id))
        .then(|| format!("{collection_id}/{record_id}/"))
}

/// `<collectionId>/<recordId>/<name>`.
pub fn file_key(collection_id: &str, record_id: &str, name: &str) -> Option<String> {
    let prefix = record_prefix(collection_id, record_id)?;
    safe_component(name).then(|| format!("{prefix}{name}"))
}

/// The folder holding a file's thumbnails: `<collectionId>/<recordId>/thumbs_<name>/`.
pub fn thumbs_prefix(collection_id: &str, record_id: &str, name: &str) -> Option<String> {
    let prefix = record_prefix(collection_id, record_id)?;
    safe_component(name).then(|| format!("{prefix}thumbs_{name}/"))
}

/// `<collectionId>/<recordId>/thumbs_<name>/<size>_<name>`.
pub fn thumb_key(collection_id: &str, record_id: &str, name: &str, size: &str) -> Option<String> {
    let prefix = thumbs_prefix(collection_id, record_id, name)?;
    let thumb = format!("{size}_{name}");
    safe_component(&thumb).then(|| format!("{prefix}{thumb}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(name: &str) -> (String, String) {
        // base_<10 random><ext>
        let (stem, ext) = match name.find('.') {
            Some(i) => (&name[..i], &name[i..]),
            None => (name, ""),
        };
        let (base, rand) = stem.rsplit_once('_').expect("random part");
        assert_eq!(rand.len(), 10, "{name}");
        assert!(rand.bytes().all(|b| RANDOM_ALPHABET.contains(&b)), "{name}");
        (base.to_string(), ext.to_string())
    }

    #[test]
    fn names_follow_pocketbase() {
        assert_eq!(
            shape(&normalize("My File (1).PNG", "")),
            ("my_file_1".into(), ".PNG".into())
        );
        assert_eq!(
            shape(&normalize("a.b.c.tar.gz", "")),
            ("a_b_c".into(), ".tar.gz".into())
        );
        assert_eq!(
            shape(&normalize("CamelCase.txt", "")),
            ("camel_case".into(), ".txt".into())
        );
        // Too short: a random part is added to the base.
        let (base, ext) = shape(&normalize("h.txt", ""));
        assert_eq!((base.len(), ext.as_str()), (11, ".txt"));
        assert!(base.starts_with('h'));
        let (base, _) = shape(&normalize("ÄÖ ü.png", ""));
        assert_eq!(base.len(), 10);
        // No extension: the detected one.
        assert_eq!(shape(&normalize("README", ".txt")).1, ".txt");
    }

    #[test]
    fn hostile_names_stay_one_component() {
        for hostile in [
            "../../etc/passwd",
            "/etc/passwd",
            "..",
            ".",
            "",
            "..\\..\\win.ini",
            "a/../../b.png",
            ".htaccess",
            "x\u{0}y.png",
            "evil.\u{202e}gnp.exe",
            "C:\\temp\\x.png",
            "name.%2e%2e%2f.png",
            "con.ext/../..",
        ] {
            let n = normalize(hostile, "");
            assert!(safe_component(&n), "{hostile:?} → {n:?}");
            assert!(n.is_ascii(), "{hostile:?} → {n:?}");
        }
    }

    #[test]
    fn keys_refuse_traversal() {
        assert!(file_key("c", "r", "a.png").is_some());
        for bad in ["..", ".", "", "a/b", "a\\b", ".x", "a\nb"] {
            assert!(file_key("c", "r", bad).is_none(), "{bad:?}");
            assert!(file_key(bad, "r", "a.png").is_none(), "{bad:?}");
            assert!(file_key("c", bad, "a.png").is_none(), "{bad:?}");
        }
        assert!(!safe_key("c/../x"));
        assert!(!safe_key("/abs"));
        assert!(safe_key("c/r/thumbs_a.png/100x100_a.png"));
        assert_eq!(
            thumb_key("c", "r", "a.png", "100x100").as_deref(),
            Some("c/r/thumbs_a.png/100x100_a.png")
        );
    }
}
