//! Resolving one identifier (PocketBase's "runner"): walks the path prop by prop, joining
//! relations and back-relations, and builds the multi-match subquery alongside.

use std::sync::Arc;

use regex::Regex;
use serde_json::Value;

use super::{MAX_NESTED_RELS, RecordResolver, col, json_array_length, json_each, json_extract};
use crate::query::sql::quote;
use crate::query::{CompileError, MultiMatch, NullFallback, Resolved, Sql};
use crate::schema::{Collection, Field, FieldKind};

mod request;

fn err(msg: impl Into<String>) -> CompileError {
    CompileError::Resolve(msg.into())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Modifier {
    None,
    Isset,
    Changed,
    Each,
    Length,
    Lower,
}

fn split_modifier(prop: &str) -> Result<(&str, Modifier), CompileError> {
    let Some((name, m)) = prop.split_once(':') else {
        return Ok((prop, Modifier::None));
    };
    let modifier = match m {
        "isset" => Modifier::Isset,
        "changed" => Modifier::Changed,
        "each" => Modifier::Each,
        "length" => Modifier::Length,
        "lower" => Modifier::Lower,
        _ => return Err(err(format!("unknown modifier in {prop:?}"))),
    };
    Ok((name, modifier))
}

fn is_multivaluer(f: &Field) -> bool {
    matches!(
        f.kind,
        FieldKind::Select(_) | FieldKind::Relation(_) | FieldKind::File(_)
    )
}

fn allowed(identifier: &str) -> bool {
    use std::sync::LazyLock;
    #[expect(clippy::unwrap_used, reason = "constant patterns")]
    static PATTERNS: LazyLock<Vec<Regex>> = LazyLock::new(|| {
        [
            r"^\w+[\w\.\:]*$",
            r"^@request\.context$",
            r"^@request\.method$",
            r"^@request\.auth\.[\w\.\:]*\w+$",
            r"^@request\.body\.[\w\.\:]*\w+$",
            r"^@request\.query\.[\w\.\:]*\w+$",
            r"^@request\.headers\.[\w\.\:]*\w+$",
            r"^@collection\.\w+(\:\w+)?\.[\w\.\:]*\w+$",
        ]
        .iter()
        .map(|p| Regex::new(p).unwrap())
        .collect()
    });
    PATTERNS.iter().any(|re| re.is_match(identifier))
}

/// State of one identifier's resolution.
struct Runner<'r, 'a> {
    r: &'r mut RecordResolver<'a>,
    name: String,
    props: Vec<String>,
    collection: Arc<Collection>,
    alias: String,
    allow_hidden: bool,
    nullify_missing: bool,
    with_multi: bool,
    mm_alias: String,
    mm_joins: Vec<(Sql, String, Option<Sql>)>,
    mm_value: String,
}

pub(super) fn run(r: &mut RecordResolver<'_>, identifier: &str) -> Result<Resolved, CompileError> {
    if !allowed(identifier) {
        return Err(err(format!("failed to resolve field {identifier:?}")));
    }
    let props: Vec<String> = identifier.split('.').map(String::from).collect();
    let base = r.base.clone();
    let alias = base.name.clone();
    let system_path = props[0] == "@collection" || props[0] == "@request";
    let mut runner = Runner {
        allow_hidden: r.allow_hidden || system_path,
        nullify_missing: props[0] == "@request",
        r,
        name: identifier.to_string(),
        props,
        collection: base,
        mm_alias: format!("__mm_{alias}"),
        alias,
        with_multi: false,
        mm_joins: Vec::new(),
        mm_value: String::new(),
    };
    runner.run()
}

impl Runner<'_, '_> {
    fn run(&mut self) -> Result<Resolved, CompileError> {
        if self.props[0] == "@collection" {
            return self.collection_field();
        }
        if self.props[0] == "@request" {
            let Some(info) = self.r.info else {
                return Ok(Resolved::null());
            };
            if self.name.starts_with("@request.auth.") {
                return self.auth_field();
            }
            if self.name.starts_with("@request.body.") && self.props.len() > 2 {
                let (name, modifier) = split_modifier(&self.props[2])?;
                let name = name.to_string();
                if let Some(field) = self.r.base.field(&name).cloned() {
                    if matches!(field.kind, FieldKind::Relation(_)) && self.props.len() > 3 {
                        return self.body_relation(&field);
                    }
                    if self.props.len() == 3 {
                        let submitted = info.body.get(&name).cloned();
                        match modifier {
                            Modifier::Each => return self.body_each(&field, submitted),
                            Modifier::Length => {
                                if !is_multivaluer(&field) {
                                    return Err(err(format!(
                                        "field {name:?} doesn't support multivalue operations"
                                    )));
                                }
                                let n = match submitted {
                                    Some(Value::Array(a)) => a.len(),
                                    Some(Value::Null) | None => 0,
                                    Some(_) => 1,
                                };
                                return Ok(Resolved::new(Sql::raw(n.to_string())));
                            }
                            Modifier::Changed => return Ok(self.body_changed(&field, submitted)),
                            _ => {}
                        }
                    }
                }
            }
            let keys: Vec<String> = self.props[1..].to_vec();
            return self.static_field(&keys);
        }
        let props = self.props.clone();
        self.active_props(&props)
    }

    fn collection_field(&mut self) -> Result<Resolved, CompileError> {
        if self.props.len() < 3 {
            return Err(err(format!(
                "invalid @collection field path in {:?}",
                self.name
            )));
        }
        let (cname, calias) = match self.props[1].split_once(':') {
            Some((c, a)) => (c.to_string(), Some(a.to_string())),
            None => (self.props[1].clone(), None),
        };
        let target = self
            .r
            .load(&cname)
            .ok_or_else(|| err(format!("failed to load collection {cname:?}")))?;
        self.alias = match calias.filter(|a| !a.is_empty()) {
            Some(a) => format!("__collection_alias_{a}"),
            None => format!("__collection_{}", target.name),
        };
        self.with_multi = true;
        self.r
            .register_join(Sql::raw(quote(&target.name)), &self.alias.clone(), None);
        self.mm_alias = format!("__mm{}", self.alias);
        self.mm_joins
            .push((Sql::raw(quote(&target.name)), self.mm_alias.clone(), None));
        self.collection = target;
        let rest = self.props[2..].to_vec();
        self.active_props(&rest)
    }

    fn build_multi(&self) -> MultiMatch {
        let base = &self.r.base.name;
        let from_alias = format!("__mm_{base}");
        let mut sub = Sql::raw(format!(
            "SELECT {} AS \"multiMatchValue\" FROM {} {}",
            self.mm_value,
            quote(base),
            quote(&from_alias)
        ));
        for (table, alias, on) in &self.mm_joins {
            sub.push(" LEFT JOIN ");
            sub.append(table);
            sub.push(" ");
            sub.push(&quote(alias));
            if let Some(on) = on {
                sub.push(" ON ");
                sub.append(on);
            }
        }
        sub.push(&format!(
            " WHERE {}.\"id\" = {}.\"id\"",
            quote(&from_alias),
            quote(base)
        ));
        MultiMatch { subquery: sub }
    }

    fn active_props(&mut self, props: &[String]) -> Result<Resolved, CompileError> {
        let total = props.len();
        for (i, prop) in props.iter().enumerate() {
            let collection = self.collection.clone();
            if i == total - 1 {
                return self.last_prop(&collection, prop);
            }
            let field = collection.field(prop).cloned();
            if let Some(f) = &field
                && f.hidden
                && !self.allow_hidden
            {
                return Err(err(format!("non-filterable field {prop:?}")));
            }
            if let Some(f) = field
                .as_ref()
                .filter(|f| matches!(f.kind, FieldKind::Json(_) | FieldKind::GeoPoint))
            {
                return self.json_path(f, &props[i + 1..]);
            }
            if i >= MAX_NESTED_RELS {
                return Err(err(format!(
                    "max nested relations reached for field {prop:?}"
                )));
            }
            match field {
                None => {
                    if let Some(r) = self.back_relation(&collection, prop)? {
                        return Ok(r);
                    }
                }
                Some(f) => {
                    let FieldKind::Relation(opts) = &f.kind else {
                        return Err(err(format!("field {prop:?} is not a valid relation")));
                    };
                    let target = self
                        .r
                        .load(&opts.collection_id)
                        .ok_or_else(|| err(format!("failed to load field {prop:?} collection")))?;
                    // `rel.id` of a single relation is the column itself.
                    if !f.is_multiple() && i == total - 2 && props[i + 1] == "id" {
                        return self.last_prop(&collection, &f.name);
                    }
                    self.join_relation(&f, &target);
                }
            }
        }
        Err(err(format!("failed to resolve field {:?}", self.name)))
    }

    fn join_relation(&mut self, f: &Field, target: &Arc<Collection>) {
        self.r.touch(target);
        let prefixed = col(&self.alias, &f.name);
        let new_alias = format!("{}_{}", self.alias, f.name);
        if f.is_multiple() {
            let je = format!("{}_{}_je", self.alias, f.name);
            self.r
                .register_join(Sql::raw(json_each(&prefixed)), &je, None);
            let on = Sql::raw(format!(
                "{}.\"id\" = {}.value",
                quote(&new_alias),
                quote(&je)
            ));
            self.r
                .register_join(Sql::raw(quote(&target.name)), &new_alias, Some(on));
            self.with_multi = true;
        } else {
            let on = Sql::raw(format!("{}.\"id\" = {prefixed}", quote(&new_alias)));
            self.r
                .register_join(Sql::raw(quote(&target.name)), &new_alias, Some(on));
        }
        let mm_prefixed = col(&self.mm_alias, &f.name);
        let mm_new = format!("{}_{}", self.mm_alias, f.name);
        if f.is_multiple() {
            let mm_je = format!("{}_{}_je", self.mm_alias, f.name);
            self.mm_joins
                .push((Sql::raw(json_each(&mm_prefixed)), mm_je.clone(), None));
            let on = Sql::raw(format!(
                "{}.\"id\" = {}.value",
                quote(&mm_new),
                quote(&mm_je)
            ));
            self.mm_joins
                .push((Sql::raw(quote(&target.name)), mm_new.clone(), Some(on)));
        } else {
            let on = Sql::raw(format!("{}.\"id\" = {mm_prefixed}", quote(&mm_new)));
            self.mm_joins
                .push((Sql::raw(quote(&target.name)), mm_new.clone(), Some(on)));
        }
        self.collection = target.clone();
        self.alias = new_alias;
        self.mm_alias = mm_new;
    }

    /// `collection_via_field`: records of `collection` whose relation `field` points here.
    fn back_relation(
        &mut self,
        collection: &Arc<Collection>,
        prop: &str,
    ) -> Result<Option<Resolved>, CompileError> {
        use std::sync::LazyLock;
        #[expect(clippy::unwrap_used, reason = "constant pattern")]
        static VIA: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^(\w+)_via_(\w+)$").unwrap());
        let missing = |nullify: bool, msg: String| {
            if nullify {
                Ok(Some(Resolved::null()))
            } else {
                Err(err(msg))
            }
        };
        let Some(caps) = VIA.captures(prop) else {
            return missing(
                self.nullify_missing,
                format!("failed to resolve field {prop:?}"),
            );
        };
        let Some(back) = self.r.load(&caps[1]) else {
            return missing(
                self.nullify_missing,
                format!("failed to load back relation field {prop:?} collection"),
            );
        };
        let Some(back_field) = back.field(&caps[2]).cloned() else {
            return missing(
                self.nullify_missing,
                format!("missing back relation field {:?}", &caps[2]),
            );
        };
        let FieldKind::Relation(opts) = &back_field.kind else {
            return missing(
                self.nullify_missing,
                format!("invalid back relation field {:?}", &caps[2]),
            );
        };
        if back_field.hidden && !self.allow_hidden {
            return Err(err(format!(
                "non-filterable back relation field {:?}",
                back_field.name
            )));
        }
        if opts.collection_id != collection.id {
            return missing(
                self.nullify_missing,
                format!(
                    "invalid collection reference of a back relation field {:?}",
                    back_field.name
                ),
            );
        }
        let unique = back
            .indexes
            .iter()
            .filter_map(|s| crate::schema::indexes::IndexDef::parse(s))
            .any(|d| {
                d.unique
                    && d.columns.len() == 1
                    && d.columns[0].0 == back_field.name
                    && d.where_clause.is_empty()
            });
        let multiple = back_field.is_multiple() || !unique;
        self.r.touch(&back);
        let new_alias = format!("{}_{}", self.alias, prop);
        let back_col = col(&new_alias, &back_field.name);
        let on = if multiple {
            let je = format!("{}_{}_je", self.alias, prop);
            Sql::raw(format!(
                "{}.\"id\" IN (SELECT {}.value FROM {} {})",
                quote(&self.alias),
                quote(&je),
                json_each(&back_col),
                quote(&je)
            ))
        } else {
            Sql::raw(format!("{back_col} = {}.\"id\"", quote(&self.alias)))
        };
        self.r
            .register_join(Sql::raw(quote(&back.name)), &new_alias, Some(on));
        if multiple {
            self.with_multi = true;
        }
        let mm_new = format!("{}_{}", self.mm_alias, prop);
        let mm_back_col = col(&mm_new, &back_field.name);
        let mm_on = if multiple {
            let je = format!("{}_{}_je", self.mm_alias, prop);
            Sql::raw(format!(
                "{}.\"id\" IN (SELECT {}.value FROM {} {})",
                quote(&self.mm_alias),
                quote(&je),
                json_each(&mm_back_col),
                quote(&je)
            ))
        } else {
            Sql::raw(format!("{mm_back_col} = {}.\"id\"", quote(&self.mm_alias)))
        };
        self.mm_joins
            .push((Sql::raw(quote(&back.name)), mm_new.clone(), Some(mm_on)));
        self.collection = back;
        self.alias = new_alias;
        self.mm_alias = mm_new;
        Ok(None)
    }

    fn json_path(&mut self, f: &Field, rest: &[String]) -> Result<Resolved, CompileError> {
        let mut path = String::new();
        for (j, p) in rest.iter().enumerate() {
            if !p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') || p.is_empty() {
                return Err(err(format!("invalid json path segment {p:?}")));
            }
            if p.chars().all(|c| c.is_ascii_digit()) {
                path.push_str(&format!("[{p}]"));
            } else {
                if j > 0 {
                    path.push('.');
                }
                path.push_str(p);
            }
        }
        let mut result = Resolved {
            sql: Sql::raw(json_extract(&col(&self.alias, &f.name), &path)),
            null_fallback: NullFallback::Disabled,
            ..Resolved::default()
        };
        if self.with_multi {
            self.mm_value = json_extract(&col(&self.mm_alias, &f.name), &path);
            result.multi = Some(self.build_multi());
        }
        Ok(result)
    }

    fn last_prop(
        &mut self,
        collection: &Arc<Collection>,
        prop: &str,
    ) -> Result<Resolved, CompileError> {
        let (name, modifier) = split_modifier(prop)?;
        if matches!(modifier, Modifier::Isset | Modifier::Changed) {
            return Err(err(format!(
                "the :{prop} modifier is only allowed for @request.* fields"
            )));
        }
        let Some(field) = collection.field(name).cloned() else {
            if self.nullify_missing {
                return Ok(Resolved::null());
            }
            return Err(err(format!("unknown field {name:?}")));
        };
        // A sealed value is random ciphertext: comparing it means nothing and would only
        // tell whether a secret is set, so not even rules may use it.
        if (field.hidden && !self.allow_hidden) || field.is_sealed() {
            return Err(err(format!("non-filterable field {name:?}")));
        }
        let column = col(&self.alias, &field.name);
        let mm_column = col(&self.mm_alias, &field.name);
        if modifier == Modifier::Length && is_multivaluer(&field) {
            let mut result = Resolved::new(Sql::raw(json_array_length(&column)));
            if self.with_multi {
                self.mm_value = json_array_length(&mm_column);
                result.multi = Some(self.build_multi());
            }
            return Ok(result);
        }
        if modifier == Modifier::Each && is_multivaluer(&field) {
            let je = format!("{}_{}_je", self.alias, field.name);
            self.r
                .register_join(Sql::raw(json_each(&column)), &je, None);
            let mut result = Resolved::new(Sql::raw(format!("{}.value", quote(&je))));
            if field.is_multiple() {
                self.with_multi = true;
            }
            if self.with_multi {
                let mm_je = format!("{}_{}_je", self.mm_alias, field.name);
                self.mm_joins
                    .push((Sql::raw(json_each(&mm_column)), mm_je.clone(), None));
                self.mm_value = format!("{}.value", quote(&mm_je));
                result.multi = Some(self.build_multi());
            }
            return Ok(result);
        }
        let mut result = Resolved::new(Sql::raw(column.clone()));
        self.mm_value = mm_column.clone();
        if collection.is_auth() && field.name == "email" && !self.allow_hidden {
            result.guard = Some(Sql::raw(format!(
                "{} = TRUE",
                col(&self.alias, "emailVisibility")
            )));
        }
        if matches!(field.kind, FieldKind::Json(_)) {
            result.null_fallback = NullFallback::Disabled;
            result.sql = Sql::raw(json_extract(&column, ""));
            self.mm_value = json_extract(&mm_column, "");
        }
        if modifier == Modifier::Lower {
            result.sql = Sql::raw(format!("LOWER({})", result.sql.text));
            self.mm_value = format!("LOWER({})", self.mm_value);
        }
        if self.with_multi {
            result.multi = Some(self.build_multi());
        }
        Ok(result)
    }
}
