//! Validation of a file field's new value, with PocketBase's codes and messages: new names must
//! be uploads (never plain strings), at most `maxSelect` files, each upload within `maxSize`
//! (0 → 5 MiB) and of an allowed type (detected from its content).

use serde_json::{Value, json};

use super::mime;
use super::upload::Upload;
use crate::error::FieldError;
use crate::schema::fields::file::{DEFAULT_MAX_SIZE, FileOptions};
use crate::schema::fields::list_items;

/// The effective per-file size limit.
pub fn max_size(opts: &FileOptions) -> u64 {
    if opts.max_size == 0 {
        DEFAULT_MAX_SIZE
    } else {
        opts.max_size
    }
}

/// Validates `value` against the field. `old` are the names the record had before this write;
/// `uploads` are this request's uploads for the field.
pub fn field(
    opts: &FileOptions,
    required: bool,
    value: &Value,
    old: &[String],
    uploads: &[&Upload],
) -> Result<(), FieldError> {
    let items = list_items(value);
    if items.is_empty() {
        return if required {
            Err(FieldError::required())
        } else {
            Ok(())
        };
    }
    let invalid: Vec<String> = items
        .iter()
        .filter(|n| !old.contains(n) && !uploads.iter().any(|u| &u.name == *n))
        .map(|n| n.chars().take(250).collect())
        .collect();
    if !invalid.is_empty() {
        return Err(FieldError::new(
            "validation_invalid_file",
            format!("Invalid new files: [{}].", invalid.join(" ")),
        )
        .with_params(json!({ "invalidFiles": invalid })));
    }
    let max_select = opts.max_select.max(1);
    if items.len() > max_select {
        return Err(FieldError::new(
            "validation_too_many_files",
            format!("The maximum allowed files is {max_select}."),
        )
        .with_params(json!({ "maxSelect": max_select })));
    }
    let limit = max_size(opts);
    for upload in uploads.iter().filter(|u| items.contains(&u.name)) {
        if upload.size() > limit {
            return Err(FieldError::new(
                "validation_file_size_limit",
                format!(
                    "Failed to upload {} - the maximum allowed file size is {limit} bytes.",
                    upload.original_name
                ),
            )
            .with_params(json!({ "file": upload.original_name, "maxSize": limit })));
        }
        if !opts.mime_types.is_empty()
            && !opts
                .mime_types
                .iter()
                .any(|allowed| mime::matches(&upload.content_type, allowed))
        {
            return Err(FieldError::new(
                "validation_invalid_mime_type",
                format!(
                    "\"{}\" mime type must be one of: {}.",
                    upload.name,
                    opts.mime_types.join(", ")
                ),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(max_select: usize, max_size: u64, mime_types: &[&str]) -> FileOptions {
        FileOptions {
            max_select,
            max_size,
            mime_types: mime_types.iter().map(|s| s.to_string()).collect(),
            ..FileOptions::default()
        }
    }

    #[test]
    fn codes_and_params() {
        let png = Upload::new("a.png", bytes::Bytes::from_static(b"\x89PNG\r\n\x1a\n0000"));
        let text = Upload::new("a.txt", bytes::Bytes::from_static(b"hello"));
        let v = |names: &[&str]| json!(names);
        assert!(field(&opts(1, 0, &[]), false, &json!(""), &[], &[]).is_ok());
        let e = field(&opts(1, 0, &[]), true, &json!(""), &[], &[]).expect_err("invalid");
        assert_eq!(e.code, "validation_required");
        let e = field(&opts(2, 0, &[]), false, &v(&["x.png"]), &[], &[]).expect_err("invalid");
        assert_eq!(e.code, "validation_invalid_file");
        assert_eq!(e.message, "Invalid new files: [x.png].");
        let old = vec!["o1".to_string(), "o2".to_string()];
        let e = field(
            &opts(2, 0, &[]),
            false,
            &v(&["o1", "o2", &png.name]),
            &old,
            &[&png],
        )
        .expect_err("invalid");
        assert_eq!(e.code, "validation_too_many_files");
        assert_eq!(e.params, Some(json!({"maxSelect": 2})));
        let e =
            field(&opts(1, 4, &[]), false, &json!(png.name), &[], &[&png]).expect_err("invalid");
        assert_eq!(e.code, "validation_file_size_limit");
        assert_eq!(e.params, Some(json!({"file": "a.png", "maxSize": 4})));
        let e = field(
            &opts(1, 0, &["image/png"]),
            false,
            &json!(text.name),
            &[],
            &[&text],
        )
        .expect_err("invalid");
        assert_eq!(e.code, "validation_invalid_mime_type");
        assert!(
            field(
                &opts(1, 0, &["image/png"]),
                false,
                &json!(png.name),
                &[],
                &[&png]
            )
            .is_ok()
        );
        assert!(
            field(
                &opts(1, 0, &["text/plain"]),
                false,
                &json!(text.name),
                &[],
                &[&text]
            )
            .is_ok()
        );
    }
}
