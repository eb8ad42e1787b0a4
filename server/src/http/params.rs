//! Query parameters shared by list and view endpoints, read leniently as PocketBase does
//! (an unparseable `page` is the default, not an error).

use serde::Deserialize;

use crate::error::{ApiError, msg};
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

/// Go's `strconv.ParseBool`, which PocketBase uses for flags like `skipTotal`.
fn parse_bool(v: &str) -> Option<bool> {
    match v {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

fn bad() -> ApiError {
    ApiError::bad_request(msg::BAD_REQUEST)
}

impl ListParams {
    /// `page`: an integer (anything else is a 400); below 1 means 1.
    pub fn page(&self) -> Result<u64, ApiError> {
        match self
            .page
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            None => Ok(1),
            Some(p) => Ok(p.parse::<i64>().map_err(|_| bad())?.max(1).unsigned_abs()),
        }
    }

    /// `perPage`: defaulted when ≤ 0 and clamped to 1000 (the clamped value is echoed).
    pub fn per_page(&self) -> Result<u64, ApiError> {
        match self
            .per_page
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            None => Ok(DEFAULT_PER_PAGE),
            Some(p) => {
                let n = p.parse::<i64>().map_err(|_| bad())?;
                Ok(if n <= 0 {
                    DEFAULT_PER_PAGE
                } else {
                    n.unsigned_abs().min(MAX_PER_PAGE)
                })
            }
        }
    }

    pub fn skip_total(&self) -> Result<bool, ApiError> {
        match self.skip_total.as_deref().filter(|s| !s.is_empty()) {
            None => Ok(false),
            Some(v) => parse_bool(v).ok_or_else(bad),
        }
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
