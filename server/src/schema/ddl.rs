//! Schema diff → DDL. A collection change is applied inside the caller's transaction: tables are
//! created, dropped, renamed or rebuilt (create new table, copy converted rows, drop, rename) so
//! that renaming, dropping and reshaping fields keep every existing value that still has a home.

use sea_orm::{ConnectionTrait, DatabaseTransaction, DbBackend, DbErr, Statement};

use super::collection::Collection;
use super::field::{Field, FieldKind};
use super::indexes::IndexDef;
use crate::storage::dialect::{self, ColumnShape};

/// How a field is stored.
pub fn shape(field: &Field) -> ColumnShape {
    match &field.kind {
        FieldKind::Text(o) if o.primary_key || field.name == "id" => ColumnShape::PrimaryText,
        FieldKind::Number(_) => ColumnShape::Number,
        FieldKind::Bool => ColumnShape::Bool,
        FieldKind::Json(_) => ColumnShape::Json,
        FieldKind::GeoPoint => ColumnShape::GeoPoint,
        _ if field.is_multiple() => ColumnShape::JsonArray,
        _ => ColumnShape::Text,
    }
}

fn exec(txn: &DatabaseTransaction, sql: &str) -> Result<(), DbErr> {
    tracing::debug!(sql, "ddl");
    txn.execute_unprepared(sql).map(|_| ())
}

fn columns(c: &Collection) -> Vec<String> {
    c.fields
        .iter()
        .map(|f| dialect::column_def(&f.name, shape(f)))
        .collect()
}

fn column_signature(c: &Collection) -> Vec<(String, String, ColumnShape)> {
    c.fields
        .iter()
        .map(|f| (f.id.clone(), f.name.clone(), shape(f)))
        .collect()
}

fn drop_indexes(txn: &DatabaseTransaction, table: &str) -> Result<(), DbErr> {
    let rows = txn.query_all_raw(Statement::from_sql_and_values(
        DbBackend::Sqlite,
        dialect::LIST_INDEXES,
        [table.into()],
    ))?;
    for row in rows {
        let name: String = row.try_get_by_index(0)?;
        exec(txn, &dialect::drop_index(&name))?;
    }
    Ok(())
}

fn create_indexes(txn: &DatabaseTransaction, c: &Collection) -> Result<(), DbErr> {
    for sql in &c.indexes {
        let def =
            IndexDef::parse(sql).ok_or_else(|| DbErr::Custom(format!("invalid index {sql}")))?;
        exec(txn, &def.to_sql(&c.name))?;
    }
    Ok(())
}

/// Creates the table (or view) of a new collection.
pub fn create(txn: &DatabaseTransaction, c: &Collection) -> Result<(), DbErr> {
    if c.is_view() {
        return exec(txn, &dialect::create_view(&c.name, &c.view_query));
    }
    exec(txn, &dialect::create_table(&c.name, &columns(c)))?;
    create_indexes(txn, c)
}

/// Drops the table (or view) of a deleted collection.
pub fn drop(txn: &DatabaseTransaction, c: &Collection) -> Result<(), DbErr> {
    if c.is_view() {
        exec(txn, &dialect::drop_view(&c.name))
    } else {
        exec(txn, &dialect::drop_table(&c.name))
    }
}

/// Migrates the table of `old` to the shape of `new`, keeping data.
pub fn update(txn: &DatabaseTransaction, old: &Collection, new: &Collection) -> Result<(), DbErr> {
    if new.is_view() {
        if old.view_query != new.view_query || old.name != new.name {
            exec(txn, &dialect::drop_view(&old.name))?;
            exec(txn, &dialect::create_view(&new.name, &new.view_query))?;
        }
        return Ok(());
    }
    let reshaped = column_signature(old) != column_signature(new);
    let renamed = old.name != new.name;
    if !reshaped && !renamed && old.indexes == new.indexes {
        return Ok(());
    }
    drop_indexes(txn, &old.name)?;
    if reshaped {
        rebuild(txn, old, new)?;
    } else if renamed {
        exec(txn, &dialect::rename_table(&old.name, &new.name))?;
    }
    create_indexes(txn, new)
}

/// The 12-step rebuild from SQLite's docs, reduced to what we need: new table, copy, swap.
fn rebuild(txn: &DatabaseTransaction, old: &Collection, new: &Collection) -> Result<(), DbErr> {
    let tmp = format!("_cairn_tmp_{}", new.name);
    exec(txn, &dialect::drop_table(&tmp))?;
    exec(txn, &dialect::create_table(&tmp, &columns(new)))?;
    let mut targets = Vec::new();
    let mut sources = Vec::new();
    for f in &new.fields {
        if let Some(prev) = old
            .field_by_id(&f.id)
            .filter(|p| p.type_name() == f.type_name())
        {
            targets.push(dialect::quote(&f.name));
            sources.push(dialect::convert_expr(&prev.name, shape(prev), shape(f)));
        }
    }
    if !targets.is_empty() {
        exec(
            txn,
            &format!(
                "INSERT INTO {} ({}) SELECT {} FROM {}",
                dialect::quote(&tmp),
                targets.join(", "),
                sources.join(", "),
                dialect::quote(&old.name)
            ),
        )?;
    }
    exec(txn, &dialect::drop_table(&old.name))?;
    // NOTE: legacy mode keeps views that reference this table by name valid across the swap.
    exec(txn, "PRAGMA legacy_alter_table = ON")?;
    let renamed = exec(txn, &dialect::rename_table(&tmp, &new.name));
    exec(txn, "PRAGMA legacy_alter_table = OFF")?;
    renamed
}

/// Column names and declared types of a table or view (`PRAGMA table_info`).
pub fn table_columns(
    txn: &impl ConnectionTrait,
    table: &str,
) -> Result<Vec<(String, String)>, DbErr> {
    let rows = txn.query_all_raw(Statement::from_sql_and_values(
        DbBackend::Sqlite,
        dialect::TABLE_INFO,
        [table.into()],
    ))?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get_by_index::<String>(0)?,
                r.try_get_by_index::<Option<String>>(1)?.unwrap_or_default(),
            ))
        })
        .collect()
}
