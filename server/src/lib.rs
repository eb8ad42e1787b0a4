//! Cairn: a single-binary backend-as-a-service that speaks PocketBase's wire API.
//!
//! Layers (dependency direction): `http → {records, auth} → {schema, query, hooks} → storage`.
//! Only [`http`] knows actix-web. [`app::App`] assembles a running engine; [`http::serve`] puts
//! it on a socket; [`hooks::Hooks`] is the extension API.

pub mod app;
pub mod auth;
pub mod backups;
pub mod cli;
pub mod core;
pub mod error;
pub mod files;
pub mod hooks;
pub mod http;
pub mod jobs;
pub mod logs;
pub mod metrics;
pub mod openapi;
pub mod query;
pub mod realtime;
pub mod records;
pub mod schema;
pub mod sdkgen;
pub mod settings;
pub mod storage;

pub use app::builder::{AppBuilder, CoreHandle, Extensions, Module};
pub use app::{App, Config};
pub use error::{ApiError, FieldError, FieldErrors};
pub use hooks::Hooks;
