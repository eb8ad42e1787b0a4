//! `@request.*` identifiers: static lookups in the request document (`context`, `method`,
//! `query`, `headers`, `body`, simple `auth` fields), the body modifiers (`:isset`, `:changed`,
//! `:each`, `:length`) and relation paths through `@request.body` and `@request.auth`.

use serde_json::Value;

use super::{Modifier, Runner, err, is_multivaluer, split_modifier};
use crate::query::sql::quote;
use crate::query::{CompileError, Resolved, Sql};
use crate::records::resolver::{col, static_value};
use crate::schema::{Field, FieldKind};

impl Runner<'_, '_> {
    pub(super) fn static_field(&mut self, keys: &[String]) -> Result<Resolved, CompileError> {
        let Some(info) = self.r.info else {
            return Ok(Resolved::null());
        };
        let (last, modifier) = split_modifier(&keys[keys.len() - 1])?;
        let mut path: Vec<&str> = keys[..keys.len() - 1].iter().map(String::as_str).collect();
        path.push(last);
        let doc = info.as_json();
        let found = crate::records::resolver::request::extract(&doc, &path);
        if modifier == Modifier::Isset {
            return Ok(Resolved::new(Sql::raw(if found.is_some() {
                "TRUE"
            } else {
                "FALSE"
            })));
        }
        let value = found.cloned().unwrap_or(Value::Null);
        if value.is_null() {
            return Ok(Resolved::null());
        }
        let numeric = self
            .r
            .base
            .field(last)
            .is_some_and(|f| matches!(f.kind, FieldKind::Number(_)));
        let bound = Sql::value(static_value(&value, numeric));
        Ok(Resolved::new(if modifier == Modifier::Lower {
            Sql::concat(&[
                crate::query::sql::Part::Raw("LOWER("),
                crate::query::sql::Part::Sql(&bound),
                crate::query::sql::Part::Raw(")"),
            ])
        } else {
            bound
        }))
    }

    /// `@request.body.field:changed`: submitted and different from the stored value.
    pub(super) fn body_changed(&self, field: &Field, submitted: Option<Value>) -> Resolved {
        let Some(v) = submitted else {
            return Resolved::new(Sql::raw("FALSE"));
        };
        let numeric = matches!(field.kind, FieldKind::Number(_));
        let bound = static_value(&v, numeric);
        let column = col(&self.alias, &field.name);
        Resolved::new(Sql {
            text: format!("(COALESCE(?, '') IS NOT COALESCE({column}, ''))"),
            values: vec![bound],
        })
    }

    pub(super) fn body_each(
        &mut self,
        field: &Field,
        submitted: Option<Value>,
    ) -> Result<Resolved, CompileError> {
        if !is_multivaluer(field) {
            return Err(err(format!(
                "field {:?} doesn't support multivalue operations",
                field.name
            )));
        }
        let items = match submitted {
            Some(Value::Array(a)) => a,
            Some(Value::Null) | None => Vec::new(),
            Some(other) => vec![other],
        };
        let raw = Value::Array(items).to_string();
        let je_alias = format!("__dataEach_{}_je", field.name);
        self.r.register_join(
            Sql {
                text: "json_each(?)".into(),
                values: vec![raw.clone().into()],
            },
            &je_alias,
            None,
        );
        let mut result = Resolved::new(Sql::raw(format!("{}.value", quote(&je_alias))));
        if field.is_multiple() {
            self.with_multi = true;
        }
        if self.with_multi {
            let mm_je = format!("__mm{je_alias}");
            self.mm_joins.push((
                Sql {
                    text: "json_each(?)".into(),
                    values: vec![raw.into()],
                },
                mm_je.clone(),
                None,
            ));
            self.mm_value = format!("{}.value", quote(&mm_je));
            result.multi = Some(self.build_multi());
        }
        Ok(result)
    }

    pub(super) fn body_relation(&mut self, field: &Field) -> Result<Resolved, CompileError> {
        let FieldKind::Relation(opts) = &field.kind else {
            return Err(err("not a relation"));
        };
        let target = self
            .r
            .load(&opts.collection_id)
            .ok_or_else(|| err("missing relation collection"))?;
        let ids: Vec<String> = self
            .r
            .info
            .and_then(|i| i.body.get(&field.name))
            .map(crate::schema::fields::to_string_list)
            .unwrap_or_default();
        if ids.is_empty() {
            return Ok(Resolved::null());
        }
        let placeholders = vec!["?"; ids.len()].join(", ");
        let values: Vec<sea_query::Value> = ids.iter().map(|i| i.clone().into()).collect();
        self.alias = format!("__data_{}_{}", target.name, field.name);
        let on = Sql {
            text: format!("{}.\"id\" IN ({placeholders})", quote(&self.alias)),
            values: values.clone(),
        };
        self.r
            .register_join(Sql::raw(quote(&target.name)), &self.alias.clone(), Some(on));
        if field.is_multiple() {
            self.with_multi = true;
        }
        self.mm_alias = format!("__data_mm_{}_{}", target.name, field.name);
        let mm_on = Sql {
            text: format!("{}.\"id\" IN ({placeholders})", quote(&self.mm_alias)),
            values,
        };
        self.mm_joins.push((
            Sql::raw(quote(&target.name)),
            self.mm_alias.clone(),
            Some(mm_on),
        ));
        self.collection = target;
        let rest = self.props[3..].to_vec();
        self.active_props(&rest)
    }

    pub(super) fn auth_field(&mut self) -> Result<Resolved, CompileError> {
        let Some(auth) = self.r.info.map(|i| i.auth.clone()) else {
            return Ok(Resolved::null());
        };
        let (Some(record), Some(collection)) = (auth.record, auth.collection) else {
            return Ok(Resolved::null());
        };
        // Plain fields (and any non-relation field one level deep) come from the auth record.
        let simple = self.props.len() == 3 && {
            let (name, _) = split_modifier(&self.props[2])?;
            matches!(name, "id" | "collectionId" | "collectionName")
                || collection
                    .field(name)
                    .is_some_and(|f| !matches!(f.kind, FieldKind::Relation(_)))
        };
        if simple
            || self.props.len() == 3
                && collection
                    .field(split_modifier(&self.props[2])?.0)
                    .is_none()
        {
            let keys = self.props[1..].to_vec();
            return self.static_field(&keys);
        }
        self.alias = format!("__auth_{}", collection.name);
        let on = Sql {
            text: format!("{}.\"id\" = ?", quote(&self.alias)),
            values: vec![record.id().to_string().into()],
        };
        self.r.register_join(
            Sql::raw(quote(&collection.name)),
            &self.alias.clone(),
            Some(on),
        );
        self.mm_alias = format!("__mm_{}", self.alias);
        let mm_on = Sql {
            text: format!("{}.\"id\" = ?", quote(&self.mm_alias)),
            values: vec![record.id().to_string().into()],
        };
        self.mm_joins.push((
            Sql::raw(quote(&collection.name)),
            self.mm_alias.clone(),
            Some(mm_on),
        ));
        self.collection = self.r.load(&collection.id).unwrap_or(collection);
        let rest = self.props[2..].to_vec();
        self.active_props(&rest)
    }
}
