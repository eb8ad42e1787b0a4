//! Collections and fields: the model (one file per field type under `fields/`), validation,
//! the schema diff → DDL plan, the in-memory cache, defaults and persistence.

pub mod cache;
pub mod collection;
pub mod ddl;
pub mod defaults;
pub mod field;
pub mod fields;
pub mod ids;
pub mod indexes;
pub mod normalize;
pub mod search;
pub mod service;
pub mod store;
pub mod validate;
pub mod view_preview;

pub use cache::{SchemaCache, Snapshot};
pub use collection::{Collection, CollectionType};
pub use field::{Field, FieldKind};
