//! `url` field with optional domain allow/deny lists.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::FieldError;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct UrlOptions {
    pub except_domains: Vec<String>,
    pub only_domains: Vec<String>,
}

/// The host of an `http(s)://` (or other scheme) URL, if it is well formed.
fn url_host(s: &str) -> Option<&str> {
    let (scheme, rest) = s.split_once("://")?;
    if scheme.is_empty()
        || !scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    {
        return None;
    }
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.rsplit('@').next()?;
    let host = host.split(':').next()?;
    let valid = !host.is_empty()
        && host.contains('.')
        && !s.chars().any(char::is_whitespace)
        && host
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '.');
    valid.then_some(host)
}

impl UrlOptions {
    pub fn normalize(&self, value: &Value) -> Value {
        Value::String(super::to_string_loose(value).trim().to_string())
    }

    pub fn validate(&self, required: bool, value: &Value) -> Result<(), FieldError> {
        let s = value.as_str().unwrap_or_default();
        if s.is_empty() {
            return if required {
                Err(FieldError::required())
            } else {
                Ok(())
            };
        }
        let Some(host) = url_host(s) else {
            return Err(FieldError::new(
                "validation_invalid_url",
                "Must be a valid url.",
            ));
        };
        if !super::domain_allowed(host, &self.only_domains, &self.except_domains) {
            return Err(FieldError::new(
                "validation_url_domain_not_allowed",
                "Url domain is not allowed.",
            ));
        }
        Ok(())
    }
}
