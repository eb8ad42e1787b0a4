//! Content types from the bytes themselves, never from what the client claimed: magic numbers
//! through the `infer` crate, then a few text formats, then `text/plain; charset=utf-8` for
//! valid UTF-8 and `application/octet-stream` for the rest (the same outcomes PocketBase's
//! `mimetype` detection gives for common files). Also the lists PocketBase serves inline and
//! makes thumbnails of.

/// How many leading bytes detection looks at.
pub const SNIFF_LEN: usize = 3072;

const OCTET_STREAM: &str = "application/octet-stream";

/// Types served `inline` (anything else is an attachment), as PocketBase.
const INLINE: &[&str] = &[
    "image/png",
    "image/jpg",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "image/x-icon",
    "image/bmp",
    "video/webm",
    "video/mp4",
    "video/3gpp",
    "video/quicktime",
    "video/x-ms-wmv",
    "audio/basic",
    "audio/aiff",
    "audio/mpeg",
    "audio/midi",
    "audio/mp3",
    "audio/wave",
    "audio/wav",
    "audio/x-wav",
    "audio/x-mpeg",
    "audio/x-m4a",
    "audio/aac",
    "application/pdf",
    "application/x-pdf",
];

/// Types thumbnails are made of.
const THUMBABLE: &[&str] = &[
    "image/png",
    "image/jpg",
    "image/jpeg",
    "image/gif",
    "image/webp",
];

/// The content type of `data` (only its first [`SNIFF_LEN`] bytes are looked at).
pub fn sniff(data: &[u8]) -> String {
    let head = &data[..data.len().min(SNIFF_LEN)];
    // Text formats are told apart below (with a charset, as `mimetype` reports them).
    if let Some(kind) = infer::get(head).filter(|k| k.matcher_type() != infer::MatcherType::Text) {
        return match kind.mime_type() {
            // `infer` names a few types differently from Go's `mimetype`.
            "audio/x-wav" => "audio/wav".into(),
            "image/vnd.microsoft.icon" => "image/x-icon".into(),
            other => other.into(),
        };
    }
    sniff_text(head).unwrap_or(OCTET_STREAM).into()
}

fn sniff_text(head: &[u8]) -> Option<&'static str> {
    // A cut multi-byte sequence at the end of the sample is still text.
    let valid = match std::str::from_utf8(head) {
        Ok(s) => s,
        Err(e) if e.error_len().is_none() => std::str::from_utf8(&head[..e.valid_up_to()]).ok()?,
        Err(_) => return None,
    };
    if valid.contains('\0') {
        return None;
    }
    let t = valid.trim_start_matches('\u{feff}').trim_start();
    let lower: String = t.chars().take(256).collect::<String>().to_ascii_lowercase();
    if lower.starts_with("<svg") || (lower.starts_with("<?xml") && lower.contains("<svg")) {
        return Some("image/svg+xml");
    }
    if lower.starts_with("<!doctype html") || lower.starts_with("<html") {
        return Some("text/html; charset=utf-8");
    }
    if lower.starts_with("<?xml") {
        return Some("text/xml; charset=utf-8");
    }
    if (t.starts_with('{') || t.starts_with('['))
        && serde_json::from_str::<serde_json::Value>(valid).is_ok()
    {
        return Some("application/json");
    }
    Some("text/plain; charset=utf-8")
}

/// The type without parameters, lower-cased (`text/plain; charset=utf-8` → `text/plain`).
pub fn essence(mime: &str) -> String {
    mime.split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// Whether a detected type satisfies an allowed one (parameters ignored; `image/jpg` and
/// `image/jpeg` are the same; `text/plain` also admits the text formats detected above, as
/// `mimetype`'s hierarchy does).
pub fn matches(detected: &str, allowed: &str) -> bool {
    let (d, a) = (essence(detected), essence(allowed));
    let canon = |s: &str| {
        if s == "image/jpg" {
            "image/jpeg".to_string()
        } else {
            s.to_string()
        }
    };
    if canon(&d) == canon(&a) {
        return true;
    }
    a == "text/plain"
        && matches!(
            d.as_str(),
            "text/html" | "text/xml" | "application/json" | "image/svg+xml"
        )
}

/// A file extension (with its dot) for a detected type, used when an upload's name has none.
pub fn extension(mime: &str) -> &'static str {
    match essence(mime).as_str() {
        "image/png" => ".png",
        "image/jpeg" => ".jpg",
        "image/gif" => ".gif",
        "image/webp" => ".webp",
        "image/svg+xml" => ".svg",
        "application/pdf" => ".pdf",
        "application/json" => ".json",
        "application/zip" => ".zip",
        "text/html" => ".html",
        "text/xml" => ".xml",
        "text/plain" => ".txt",
        "video/mp4" => ".mp4",
        "audio/mpeg" => ".mp3",
        _ => "",
    }
}

pub fn is_inline(mime: &str) -> bool {
    INLINE.contains(&essence(mime).as_str())
}

pub fn is_thumbable(mime: &str) -> bool {
    THUMBABLE.contains(&essence(mime).as_str())
}

/// What a name's extension forces as the served type, whatever the content (PocketBase: SVG,
/// CSS and JavaScript must be served as such to load at all).
pub fn forced_by_extension(name: &str) -> Option<&'static str> {
    let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
    match ext.as_str() {
        "svg" => Some("image/svg+xml"),
        "css" => Some("text/css"),
        "js" | "mjs" => Some("text/javascript"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_from_content() {
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), "image/png");
        assert_eq!(sniff(b"\xff\xd8\xff\xe0\0\x10JFIF\0"), "image/jpeg");
        assert_eq!(sniff(b"GIF89a\x01\0\x01\0"), "image/gif");
        assert_eq!(sniff(b"%PDF-1.4\n"), "application/pdf");
        assert_eq!(sniff(b"hello world\n"), "text/plain; charset=utf-8");
        assert_eq!(sniff(b"{\"a\": 1}"), "application/json");
        assert_eq!(sniff(b"<svg xmlns=\"x\"></svg>"), "image/svg+xml");
        assert_eq!(sniff(b"<!DOCTYPE html><p>"), "text/html; charset=utf-8");
        assert_eq!(sniff(&[0u8, 159, 146, 150, 1, 2]), OCTET_STREAM);
        assert_eq!(sniff(b""), "text/plain; charset=utf-8");
        // A multi-byte character cut at the sample's end is still text.
        let mut long = "é".repeat(SNIFF_LEN);
        long.push('x');
        assert_eq!(sniff(long.as_bytes()), "text/plain; charset=utf-8");
    }

    #[test]
    fn allowed_types_match_loosely() {
        assert!(matches("text/plain; charset=utf-8", "text/plain"));
        assert!(matches("image/jpeg", "image/jpg"));
        assert!(matches("application/json", "text/plain"));
        assert!(!matches("application/pdf", "image/png"));
        assert!(!matches("text/plain; charset=utf-8", "image/png"));
    }

    #[test]
    fn serving_lists() {
        assert!(is_inline("image/png"));
        assert!(!is_inline("text/plain; charset=utf-8"));
        assert!(!is_inline("image/svg+xml"));
        assert!(is_thumbable("image/webp"));
        assert!(!is_thumbable("image/svg+xml"));
        assert_eq!(forced_by_extension("a.SVG"), Some("image/svg+xml"));
        assert_eq!(forced_by_extension("a.png"), None);
    }
}
