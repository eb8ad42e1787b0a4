//! `_collections`: one row per collection; `fields`, `indexes` and `options` hold JSON.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "_collections")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub system: bool,
    #[sea_orm(column_name = "type")]
    pub kind: String,
    #[sea_orm(unique)]
    pub name: String,
    pub fields: String,
    pub indexes: String,
    #[sea_orm(column_name = "listRule")]
    pub list_rule: Option<String>,
    #[sea_orm(column_name = "viewRule")]
    pub view_rule: Option<String>,
    #[sea_orm(column_name = "createRule")]
    pub create_rule: Option<String>,
    #[sea_orm(column_name = "updateRule")]
    pub update_rule: Option<String>,
    #[sea_orm(column_name = "deleteRule")]
    pub delete_rule: Option<String>,
    pub options: String,
    pub created: String,
    pub updated: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
