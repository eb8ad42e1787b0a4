//! `autodate` field: set by the server on create and/or update; client values are ignored.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AutodateOptions {
    pub on_create: bool,
    pub on_update: bool,
}

impl Default for AutodateOptions {
    fn default() -> Self {
        Self {
            on_create: true,
            on_update: false,
        }
    }
}
