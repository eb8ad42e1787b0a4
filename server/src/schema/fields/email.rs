//! `email` field with optional domain allow/deny lists.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::FieldError;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct EmailOptions {
    pub except_domains: Vec<String>,
    pub only_domains: Vec<String>,
}

/// A pragmatic email check: one `@`, a non-empty local part, a dotted domain, no spaces.
pub fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.rsplit_once('@') else {
        return false;
    };
    !local.is_empty()
        && local.len() <= 64
        && s.len() <= 254
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
        && !local.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && domain
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '.')
}

impl EmailOptions {
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
        if !is_email(s) {
            return Err(FieldError::new(
                "validation_is_email",
                "Must be a valid email address.",
            ));
        }
        let domain = s.rsplit_once('@').map(|(_, d)| d).unwrap_or_default();
        if !super::domain_allowed(domain, &self.only_domains, &self.except_domains) {
            return Err(FieldError::new(
                "validation_email_domain_not_allowed",
                "Email domain is not allowed.",
            ));
        }
        Ok(())
    }
}
