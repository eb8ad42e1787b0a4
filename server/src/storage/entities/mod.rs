//! SeaORM entities for the system tables.

pub mod collection;
pub mod migration;
pub mod param;
