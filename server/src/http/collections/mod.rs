//! Collection endpoints (superusers only): `/api/collections[...]`.

pub mod create;
pub mod delete;
pub mod import;
pub mod list;
pub mod scaffolds;
pub mod truncate;
pub mod update;
pub mod view;
pub mod view_preview;
