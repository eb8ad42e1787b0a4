//! Query parameters shared by list and view endpoints, read leniently as PocketBase does
//! (an unparseable `page` is the default, not an error).

use serde::Deserialize;
use serde_json::{Value, json};

use crate::records::read::{DEFAULT_PER_PAGE, MAX_PER_PAGE};
use crate::records::serialize::FieldsPicker;

#[derive(Debug, Default, Deserialize)]
pub struct ListParams {
    pub page: Option<String>,
    #[serde(rename = "perPage")]
    pub per_page: Option<String>,
    pub sort: Option<String>,
    pub filter: Option<String>,
    #[serde(rename = "skipTotal")]
    pub skip_total: Option<String>,
    pub fields: Option<String>,
    pub expand: Option<String>,
}

pub fn truthy(v: Option<&str>) -> bool {
    matches!(
        v.map(str::to_ascii_lowercase).as_deref(),
        Some("1" | "true" | "t" | "yes")
    )
}

impl ListParams {
    pub fn page(&self) -> u64 {
        self.page
            .as_deref()
            .and_then(|p| p.trim().parse::<i64>().ok())
            .filter(|p| *p > 0)
            .map_or(1, i64::unsigned_abs)
    }

    /// `perPage`, defaulted when ≤ 0 and clamped to 1000 (the clamped value is echoed).
    pub fn per_page(&self) -> u64 {
        self.per_page
            .as_deref()
            .and_then(|p| p.trim().parse::<i64>().ok())
            .filter(|p| *p > 0)
            .map_or(DEFAULT_PER_PAGE, |p| p.unsigned_abs().min(MAX_PER_PAGE))
    }

    pub fn skip_total(&self) -> bool {
        truthy(self.skip_total.as_deref())
    }

    pub fn picker(&self) -> Option<FieldsPicker> {
        self.fields.as_deref().and_then(FieldsPicker::parse)
    }
}

/// `?fields=` only.
#[derive(Debug, Default, Deserialize)]
pub struct FieldsParams {
    pub fields: Option<String>,
    pub expand: Option<String>,
}

impl FieldsParams {
    pub fn pick(&self, value: Value) -> Value {
        match self.fields.as_deref().and_then(FieldsPicker::parse) {
            Some(p) => p.pick(value),
            None => value,
        }
    }
}

/// PocketBase's list envelope (alphabetical keys).
pub fn envelope(
    page: u64,
    per_page: u64,
    total_items: i64,
    total_pages: i64,
    items: Vec<Value>,
) -> Value {
    json!({"items": items, "page": page, "perPage": per_page, "totalItems": total_items, "totalPages": total_pages})
}
