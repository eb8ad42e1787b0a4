//! Dialect specifics in one place: identifier quoting, column types per field shape, and the
//! DDL statements the schema layer plans. Only SQLite exists today; PostgreSQL will add a sibling
//! module behind the same functions.

pub mod sqlite;

pub use sqlite::*;
