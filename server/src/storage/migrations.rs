//! Versioned system migrations. Each runs once, inside a transaction, and is recorded in
//! `_migrations`. Higher layers add their own with [`apply_once`] (e.g. default collections).

use sea_orm::{
    ConnectionTrait, DatabaseConnection, DbBackend, DbErr, Schema, Statement, TransactionTrait,
};

use super::entities::{collection, migration, param};

/// Creates `_migrations` if needed and applies the system-table migrations.
pub fn run(conn: &DatabaseConnection) -> anyhow::Result<()> {
    let schema = Schema::new(DbBackend::Sqlite);
    let mut create = schema.create_table_from_entity(migration::Entity);
    create.if_not_exists();
    conn.execute(&create)?;
    apply_once(conn, "1700000000_system_tables", |txn| {
        let schema = Schema::new(DbBackend::Sqlite);
        txn.execute(&schema.create_table_from_entity(collection::Entity))?;
        txn.execute(&schema.create_table_from_entity(param::Entity))?;
        Ok(())
    })?;
    Ok(())
}

/// Runs `f` in a transaction unless a migration named `name` was applied before.
pub fn apply_once<F>(conn: &DatabaseConnection, name: &str, f: F) -> anyhow::Result<bool>
where
    F: FnOnce(&sea_orm::DatabaseTransaction) -> anyhow::Result<()>,
{
    let exists = conn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Sqlite,
            "SELECT 1 FROM _migrations WHERE file = ?",
            [name.into()],
        ))?
        .is_some();
    if exists {
        return Ok(false);
    }
    let txn = conn.begin()?;
    f(&txn)?;
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Sqlite,
        "INSERT INTO _migrations (file, applied) VALUES (?, ?)",
        [name.into(), chrono::Utc::now().timestamp_micros().into()],
    ))?;
    txn.commit()?;
    Ok(true)
}

/// Convenience for callers that only have a `DbErr`.
pub fn db_err(e: impl std::fmt::Display) -> DbErr {
    DbErr::Custom(e.to_string())
}
