//! Persisting collections in `_collections` through the SeaORM entity.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder,
};
use serde_json::{Map, Value};

use super::collection::Collection;
use crate::storage::DbErr;
use crate::storage::entities::collection as entity;

fn to_model(c: &Collection) -> entity::Model {
    let json = c.to_storage_json();
    let mut options = Map::new();
    if let Value::Object(o) = &json {
        for (k, v) in o {
            let core = matches!(
                k.as_str(),
                "id" | "name"
                    | "type"
                    | "system"
                    | "fields"
                    | "indexes"
                    | "created"
                    | "updated"
                    | "listRule"
                    | "viewRule"
                    | "createRule"
                    | "updateRule"
                    | "deleteRule"
            );
            if !core {
                options.insert(k.clone(), v.clone());
            }
        }
    }
    entity::Model {
        id: c.id.clone(),
        system: c.system,
        kind: c.kind.as_str().to_string(),
        name: c.name.clone(),
        fields: json
            .get("fields")
            .map(Value::to_string)
            .unwrap_or_else(|| "[]".into()),
        indexes: json
            .get("indexes")
            .map(Value::to_string)
            .unwrap_or_else(|| "[]".into()),
        list_rule: c.list_rule.clone(),
        view_rule: c.view_rule.clone(),
        create_rule: c.create_rule.clone(),
        update_rule: c.update_rule.clone(),
        delete_rule: c.delete_rule.clone(),
        options: Value::Object(options).to_string(),
        created: c.created.clone(),
        updated: c.updated.clone(),
    }
}

fn from_model(m: entity::Model) -> Result<Collection, DbErr> {
    let mut obj: Map<String, Value> = serde_json::from_str(&m.options).unwrap_or_default();
    obj.insert("id".into(), Value::String(m.id));
    obj.insert("name".into(), Value::String(m.name));
    obj.insert("type".into(), Value::String(m.kind));
    obj.insert("system".into(), Value::Bool(m.system));
    obj.insert(
        "fields".into(),
        serde_json::from_str(&m.fields).unwrap_or(Value::Null),
    );
    obj.insert(
        "indexes".into(),
        serde_json::from_str(&m.indexes).unwrap_or(Value::Null),
    );
    obj.insert(
        "listRule".into(),
        m.list_rule.map_or(Value::Null, Value::String),
    );
    obj.insert(
        "viewRule".into(),
        m.view_rule.map_or(Value::Null, Value::String),
    );
    obj.insert(
        "createRule".into(),
        m.create_rule.map_or(Value::Null, Value::String),
    );
    obj.insert(
        "updateRule".into(),
        m.update_rule.map_or(Value::Null, Value::String),
    );
    obj.insert(
        "deleteRule".into(),
        m.delete_rule.map_or(Value::Null, Value::String),
    );
    obj.insert("created".into(), Value::String(m.created));
    obj.insert("updated".into(), Value::String(m.updated));
    Collection::from_json(&Value::Object(obj))
        .map_err(|e| DbErr::Custom(format!("corrupt collection row: {:?}", e.into_map())))
}

/// Every collection in creation order.
pub fn load_all(conn: &impl ConnectionTrait) -> Result<Vec<Collection>, DbErr> {
    entity::Entity::find()
        .order_by_asc(entity::Column::Created)
        .order_by_asc(entity::Column::Id)
        .all(conn)?
        .into_iter()
        .map(from_model)
        .collect()
}

pub fn insert(conn: &impl ConnectionTrait, c: &Collection) -> Result<(), DbErr> {
    entity::Entity::insert(to_model(c).into_active_model()).exec(conn)?;
    Ok(())
}

pub fn update(conn: &impl ConnectionTrait, c: &Collection) -> Result<(), DbErr> {
    let active = to_model(c).into_active_model().reset_all();
    active.update(conn)?;
    Ok(())
}

pub fn delete(conn: &impl ConnectionTrait, id: &str) -> Result<(), DbErr> {
    entity::Entity::delete_many()
        .filter(entity::Column::Id.eq(id))
        .exec(conn)?;
    Ok(())
}
