//! The one wire error shape: `{"status", "message", "data"}` as PocketBase sends it.
//!
//! Every module error ends up here through an explicit `From`; internal causes are logged with
//! context and never sent to the client (the user sees a generic message).

use serde::Serialize;
use serde_json::{Map, Value, json};

/// A client-facing API error. `data` holds per-field `{code, message, params?}` objects for
/// validation failures and is `{}` otherwise.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub status: u16,
    pub message: String,
    pub data: Map<String, Value>,
}

/// Stable messages used across the API (PocketBase's wording, verified against 0.40.6).
pub mod msg {
    pub const BAD_REQUEST: &str = "Something went wrong while processing your request.";
    pub const NOT_FOUND: &str = "The requested resource wasn't found.";
    pub const UNAUTHORIZED: &str = "The request requires valid record authorization token.";
    pub const FORBIDDEN_AUTH: &str = "The authorized record is not allowed to perform this action.";
    pub const SUPERUSERS_ONLY: &str = "Only superusers can perform this action.";
    pub const MISSING_COLLECTION: &str = "Missing collection context.";
    pub const INVALID_COLLECTION: &str = "Missing or invalid collection context.";
    pub const MISSING_AUTH_COLLECTION: &str = "Missing or invalid auth collection context.";
    pub const VALIDATION: &str = "An error occurred while validating the submitted data.";
    pub const INTERNAL: &str = "Something went wrong while processing your request.";
    pub const FILE_NOT_FOUND: &str = "File not found.";
    pub const TOO_LARGE: &str = "Request entity too large";
}

impl ApiError {
    pub fn new(status: u16, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
            data: Map::new(),
        }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(400, message)
    }

    pub fn not_found() -> Self {
        Self::new(404, msg::NOT_FOUND)
    }

    pub fn unauthorized() -> Self {
        Self::new(401, msg::UNAUTHORIZED)
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(403, message)
    }

    /// Logs the internal cause and returns a generic 500 (PocketBase answers 400 for most
    /// internal failures, but a 500 makes real faults visible; the message stays generic).
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        Self::new(500, msg::INTERNAL)
    }

    /// A validation error with the given per-field errors.
    pub fn validation(message: impl Into<String>, errors: FieldErrors) -> Self {
        Self {
            status: 400,
            message: message.into(),
            data: errors.into_map(),
        }
    }

    pub fn with_data(mut self, data: Map<String, Value>) -> Self {
        self.data = data;
        self
    }

    pub fn to_json(&self) -> Value {
        json!({"data": self.data, "message": self.message, "status": self.status})
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.status, self.message)
    }
}

impl std::error::Error for ApiError {}

/// One field's validation failure: `{code, message, params?}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldError {
    pub code: &'static str,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub params: Option<Value>,
}

impl FieldError {
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            params: None,
        }
    }

    pub fn with_params(mut self, params: Value) -> Self {
        self.params = Some(params);
        self
    }

    pub fn required() -> Self {
        Self::new("validation_required", "Cannot be blank.")
    }

    pub fn invalid_value() -> Self {
        Self::new("validation_invalid_value", "Invalid value.")
    }

    pub fn not_unique() -> Self {
        Self::new("validation_not_unique", "Value must be unique.")
    }
}

/// An ordered collection of field errors; nested errors (e.g. `fields.2.name`) are objects.
#[derive(Debug, Default, Clone)]
pub struct FieldErrors(Map<String, Value>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, field: impl Into<String>, err: FieldError) {
        let value = serde_json::to_value(err).unwrap_or(Value::Null);
        self.0.entry(field.into()).or_insert(value);
    }

    /// Adds a nested error object (for example the errors of one collection field).
    pub fn add_nested(&mut self, field: impl Into<String>, nested: FieldErrors) {
        if !nested.is_empty() {
            self.0.insert(field.into(), Value::Object(nested.0));
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Adds every error of `other` not already recorded for the same key.
    pub fn merge(&mut self, other: FieldErrors) {
        for (k, v) in other.0 {
            self.0.entry(k).or_insert(v);
        }
    }

    /// The errors as a JSON object, keys sorted as PocketBase sorts them.
    pub fn into_map(self) -> Map<String, Value> {
        let mut entries: Vec<(String, Value)> = self.0.into_iter().collect();
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        entries.into_iter().collect()
    }

    /// `Err(ApiError)` with the given message when any error was recorded.
    pub fn into_result(self, message: &str) -> Result<(), ApiError> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(ApiError::validation(message, self))
        }
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
