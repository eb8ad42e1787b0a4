//! `_migrations`: applied system migrations (file name + time applied).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "_migrations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub file: String,
    pub applied: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
