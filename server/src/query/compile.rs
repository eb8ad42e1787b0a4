//! AST → SQL condition, with PocketBase's semantics: `=`/`!=` treat NULL and `''` alike, `~`
//! wraps the value in `%…%` unless it holds a wildcard, and plain operators on multi-valued
//! operands must hold for every value ("match all") while `?` operators need just one.

use sea_query::Value;

use super::ast::{Expr, Op, Operand, Sign};
use super::sql::{MultiMatch, NullFallback, Part, Resolved, Sql, quote};

/// Resolves identifiers (fields, paths, `@request.*`, `@collection.*`) to SQL.
pub trait FieldResolver {
    fn resolve(&mut self, identifier: &str) -> Result<Resolved, CompileError>;
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CompileError {
    #[error(transparent)]
    Parse(#[from] super::ParseError),
    #[error("cannot resolve {0}")]
    Resolve(String),
}

/// Compiles a parsed expression into a WHERE fragment.
pub fn compile(expr: &Expr, resolver: &mut dyn FieldResolver) -> Result<Sql, CompileError> {
    let mut c = Compiler {
        resolver,
        alias_seq: 0,
    };
    c.expr(expr)
}

struct Compiler<'r> {
    resolver: &'r mut dyn FieldResolver,
    alias_seq: usize,
}

fn is_empty_identifier(r: &Resolved) -> bool {
    matches!(
        r.sql.text.to_ascii_lowercase().as_str(),
        "" | "null" | "''" | "\"\"" | "``"
    )
}

fn is_empty_value(v: &Value) -> bool {
    match v {
        Value::String(None) => true,
        Value::String(Some(s)) => s.is_empty(),
        Value::Bool(None) | Value::BigInt(None) | Value::Double(None) | Value::Int(None) => true,
        _ => false,
    }
}

fn has_empty_param(r: &Resolved) -> bool {
    r.sql.values.iter().any(is_empty_value)
}

fn is_known_non_empty(r: &Resolved) -> bool {
    if r.null_fallback == NullFallback::Enforced {
        return false;
    }
    if matches!(
        r.sql.text.to_ascii_lowercase().as_str(),
        "1" | "0" | "false" | "true"
    ) {
        return true;
    }
    !r.sql.values.is_empty() && !has_empty_param(r) && !is_empty_identifier(r)
}

fn value_to_string(v: &Value) -> String {
    match v {
        Value::String(Some(s)) => s.clone(),
        Value::BigInt(Some(i)) => i.to_string(),
        Value::Int(Some(i)) => i.to_string(),
        Value::Double(Some(f)) if f.fract() == 0.0 && f.abs() < 9.0e15 => format!("{f:.0}"),
        Value::Double(Some(f)) => f.to_string(),
        Value::Bool(Some(b)) => b.to_string(),
        _ => String::new(),
    }
}

fn contains_unescaped(s: &str, ch: char) -> bool {
    let mut prev = '\0';
    for c in s.chars() {
        if c == ch && prev != '\\' {
            return true;
        }
        prev = if c == '\\' && prev == '\\' { '\0' } else { c };
    }
    false
}

/// Escapes `\`, `%`, `_` that are not already escaped (PocketBase's LIKE auto-escaping).
fn escape_unescaped(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out: Vec<char> = Vec::with_capacity(chars.len() * 2);
    let mut matched = false;
    for i in (0..chars.len()).rev() {
        if matched {
            if chars[i] != '\\' {
                out.push('\\');
            }
            matched = false;
        } else if matches!(chars[i], '\\' | '%' | '_') {
            matched = true;
        }
        out.push(chars[i]);
        if i == 0 && matched {
            out.push('\\');
        }
    }
    out.reverse();
    out.into_iter().collect()
}

fn wrap_like(values: &[Value]) -> Vec<Value> {
    values
        .iter()
        .map(|v| {
            let s = value_to_string(v);
            if contains_unescaped(&s, '%') {
                Value::from(s)
            } else {
                Value::from(format!("%{}%", escape_unescaped(&s)))
            }
        })
        .collect()
}

fn merged(l: &Sql, middle: &str, r: &Sql) -> Sql {
    Sql::concat(&[Part::Sql(l), Part::Raw(middle), Part::Sql(r)])
}

fn equal_expr(equal: bool, left: &Resolved, right: &Resolved) -> Sql {
    let (eq, null_eq, concat, null_expr) = if equal {
        ("=", "IS", "OR", "IS NULL")
    } else {
        ("IS NOT", "IS NOT", "AND", "IS NOT NULL")
    };
    if left.null_fallback == NullFallback::Disabled || right.null_fallback == NullFallback::Disabled
    {
        return merged(&left.sql, &format!(" {null_eq} "), &right.sql);
    }
    let left_empty = is_empty_identifier(left)
        || (left.null_fallback == NullFallback::Auto
            && left.sql.values.len() == 1
            && has_empty_param(left));
    let right_empty = is_empty_identifier(right)
        || (right.null_fallback == NullFallback::Auto
            && right.sql.values.len() == 1
            && has_empty_param(right));
    if left_empty && right_empty {
        // Both sides are empty literals: the values carry no information, so none are bound.
        return Sql::raw(format!("'' {eq} ''"));
    }
    if is_known_non_empty(left) || is_known_non_empty(right) {
        let l = if left_empty {
            Sql::raw("''")
        } else {
            left.sql.clone()
        };
        let r = if right_empty {
            Sql::raw("''")
        } else {
            right.sql.clone()
        };
        return merged(&l, &format!(" {eq} "), &r);
    }
    if left_empty {
        return Sql::concat(&[
            Part::Raw(&format!("('' {eq} ")),
            Part::Sql(&right.sql),
            Part::Raw(&format!(" {concat} ")),
            Part::Sql(&right.sql),
            Part::Raw(&format!(" {null_expr})")),
        ]);
    }
    if right_empty {
        return Sql::concat(&[
            Part::Raw("("),
            Part::Sql(&left.sql),
            Part::Raw(&format!(" {eq} '' {concat} ")),
            Part::Sql(&left.sql),
            Part::Raw(&format!(" {null_expr})")),
        ]);
    }
    Sql::concat(&[
        Part::Raw("COALESCE("),
        Part::Sql(&left.sql),
        Part::Raw(&format!(", '') {eq} COALESCE(")),
        Part::Sql(&right.sql),
        Part::Raw(", '')"),
    ])
}

/// The comparison itself, without multi-match handling.
fn plain_compare(left: &Resolved, op: Op, right: &Resolved) -> Sql {
    match op {
        Op::Eq => equal_expr(true, left, right),
        Op::Neq => equal_expr(false, left, right),
        Op::Like | Op::NotLike => {
            let not = if op == Op::NotLike { "NOT " } else { "" };
            if right.sql.values.is_empty() {
                Sql::concat(&[
                    Part::Sql(&left.sql),
                    Part::Raw(&format!(" {not}LIKE ('%' || ")),
                    Part::Sql(&right.sql),
                    Part::Raw(" || '%') ESCAPE '\\'"),
                ])
            } else {
                let wrapped = Sql {
                    text: right.sql.text.clone(),
                    values: wrap_like(&right.sql.values),
                };
                Sql::concat(&[
                    Part::Sql(&left.sql),
                    Part::Raw(&format!(" {not}LIKE ")),
                    Part::Sql(&wrapped),
                    Part::Raw(" ESCAPE '\\'"),
                ])
            }
        }
        Op::Lt => merged(&left.sql, " < ", &right.sql),
        Op::Lte => merged(&left.sql, " <= ", &right.sql),
        Op::Gt => merged(&left.sql, " > ", &right.sql),
        Op::Gte => merged(&left.sql, " >= ", &right.sql),
    }
}

fn with_guards(mut expr: Sql, left: &Resolved, right: &Resolved) -> Sql {
    for guard in [&left.guard, &right.guard].into_iter().flatten() {
        expr = Sql::concat(&[
            Part::Raw("("),
            Part::Sql(&expr),
            Part::Raw(" AND "),
            Part::Sql(guard),
            Part::Raw(")"),
        ]);
    }
    expr
}

impl Compiler<'_> {
    fn next_alias(&mut self, prefix: &str) -> String {
        self.alias_seq += 1;
        format!("{prefix}{}", self.alias_seq)
    }

    fn expr(&mut self, e: &Expr) -> Result<Sql, CompileError> {
        match e {
            Expr::Compare { left, sign, right } => self.compare(left, *sign, right),
            Expr::And(items) | Expr::Or(items) => {
                let joiner = if matches!(e, Expr::And(_)) {
                    " AND "
                } else {
                    " OR "
                };
                let mut out = Sql::raw("(");
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(joiner);
                    }
                    let part = self.expr(item)?;
                    out.append(&part);
                }
                out.push(")");
                Ok(out)
            }
        }
    }

    fn operand(&mut self, o: &Operand) -> Result<Resolved, CompileError> {
        match o {
            Operand::Text(t) => Ok(Resolved::new(Sql::value(t.clone()))),
            Operand::Number(n) => Ok(Resolved::new(Sql::value(n.parse::<f64>().unwrap_or(0.0)))),
            Operand::Identifier(name) => {
                if let Some(v) = super::macros::macro_value(name) {
                    return Ok(Resolved::new(Sql {
                        text: "?".into(),
                        values: vec![v],
                    }));
                }
                match self.resolver.resolve(name) {
                    Ok(r) if !r.sql.text.is_empty() => Ok(r),
                    other => match name.to_ascii_lowercase().as_str() {
                        "null" => Ok(Resolved::null()),
                        "true" => Ok(Resolved::new(Sql::raw("1"))),
                        "false" => Ok(Resolved::new(Sql::raw("0"))),
                        _ => Err(other
                            .err()
                            .unwrap_or_else(|| CompileError::Resolve(name.clone()))),
                    },
                }
            }
            Operand::Function { name, args } => self.function(name, args),
        }
    }

    fn function(&mut self, name: &str, args: &[Operand]) -> Result<Resolved, CompileError> {
        let mut resolved = Vec::with_capacity(args.len());
        for a in args {
            resolved.push(self.operand(a)?);
        }
        match name {
            "geoDistance" => {
                if resolved.len() != 4
                    || args
                        .iter()
                        .any(|a| matches!(a, Operand::Text(_) | Operand::Function { .. }))
                {
                    return Err(CompileError::Resolve(
                        "geoDistance expects 4 identifier or number arguments".into(),
                    ));
                }
                let (lon_a, lat_a, lon_b, lat_b) = (
                    &resolved[0].sql,
                    &resolved[1].sql,
                    &resolved[2].sql,
                    &resolved[3].sql,
                );
                let sql = Sql::concat(&[
                    Part::Raw("(6371 * acos(cos(radians("),
                    Part::Sql(lat_a),
                    Part::Raw(")) * cos(radians("),
                    Part::Sql(lat_b),
                    Part::Raw(")) * cos(radians("),
                    Part::Sql(lon_b),
                    Part::Raw(") - radians("),
                    Part::Sql(lon_a),
                    Part::Raw(")) + sin(radians("),
                    Part::Sql(lat_a),
                    Part::Raw(")) * sin(radians("),
                    Part::Sql(lat_b),
                    Part::Raw("))))"),
                ]);
                Ok(Resolved {
                    sql,
                    null_fallback: NullFallback::Disabled,
                    ..Resolved::default()
                })
            }
            "strftime" => {
                if resolved.is_empty() || !matches!(args[0], Operand::Text(_)) {
                    return Err(CompileError::Resolve(
                        "strftime expects a format string".into(),
                    ));
                }
                let mut sql = Sql::raw("COALESCE(strftime(");
                for (i, r) in resolved.iter().enumerate() {
                    if i > 0 {
                        sql.push(", ");
                    }
                    sql.append(&r.sql);
                }
                sql.push("), '')");
                Ok(Resolved {
                    sql,
                    ..Resolved::default()
                })
            }
            _ => Err(CompileError::Resolve(format!("unknown function {name}"))),
        }
    }

    fn compare(
        &mut self,
        left: &Operand,
        sign: Sign,
        right: &Operand,
    ) -> Result<Sql, CompileError> {
        let l = self.operand(left)?;
        let r = self.operand(right)?;
        let mut expr = plain_compare(&l, sign.op, &r);
        if !sign.any {
            match (&l.multi, &r.multi) {
                (Some(lm), Some(rm)) => {
                    let mm = self.many_vs_many(lm, &l, sign.op, rm, &r);
                    expr = Sql::concat(&[
                        Part::Raw("("),
                        Part::Sql(&expr),
                        Part::Raw(" AND "),
                        Part::Sql(&mm),
                        Part::Raw(")"),
                    ]);
                }
                (Some(lm), None) => {
                    let mm = self.many_vs_one(lm, l.null_fallback, sign.op, &r, false);
                    expr = Sql::concat(&[
                        Part::Raw("("),
                        Part::Sql(&expr),
                        Part::Raw(" AND "),
                        Part::Sql(&mm),
                        Part::Raw(")"),
                    ]);
                }
                (None, Some(rm)) => {
                    let mm = self.many_vs_one(rm, r.null_fallback, sign.op, &l, true);
                    expr = Sql::concat(&[
                        Part::Raw("("),
                        Part::Sql(&expr),
                        Part::Raw(" AND "),
                        Part::Sql(&mm),
                        Part::Raw(")"),
                    ]);
                }
                (None, None) => {}
            }
        }
        Ok(with_guards(expr, &l, &r))
    }

    /// `NOT (cond)`: a value that fails the comparison disproves "all match".
    fn negate_for_multi(cond: Sql) -> Sql {
        Sql::concat(&[Part::Raw("NOT ("), Part::Sql(&cond), Part::Raw(")")])
    }

    fn many_vs_one(
        &mut self,
        mm: &MultiMatch,
        nf: NullFallback,
        op: Op,
        other: &Resolved,
        inverse: bool,
    ) -> Sql {
        let alias = self.next_alias("__sm");
        let value = Resolved {
            sql: Sql::raw(format!("{}.\"multiMatchValue\"", quote(&alias))),
            null_fallback: nf,
            ..Resolved::default()
        };
        let plain_other = Resolved::new(other.sql.clone());
        let cond = if inverse {
            plain_compare(&plain_other, op, &value)
        } else {
            plain_compare(&value, op, &plain_other)
        };
        let cond = Self::negate_for_multi(cond);
        Sql::concat(&[
            Part::Raw("NOT EXISTS (SELECT 1 FROM ("),
            Part::Sql(&mm.subquery),
            Part::Raw(&format!(") {} WHERE ", quote(&alias))),
            Part::Sql(&cond),
            Part::Raw(")"),
        ])
    }

    fn many_vs_many(
        &mut self,
        lm: &MultiMatch,
        l: &Resolved,
        op: Op,
        rm: &MultiMatch,
        r: &Resolved,
    ) -> Sql {
        let la = self.next_alias("__ml");
        let ra = self.next_alias("__mr");
        let lv = Resolved {
            sql: Sql::raw(format!("{}.\"multiMatchValue\"", quote(&la))),
            null_fallback: l.null_fallback,
            ..Resolved::default()
        };
        let rv = Resolved {
            sql: Sql::raw(format!("{}.\"multiMatchValue\"", quote(&ra))),
            null_fallback: r.null_fallback,
            ..Resolved::default()
        };
        let cond = Self::negate_for_multi(plain_compare(&lv, op, &rv));
        Sql::concat(&[
            Part::Raw("NOT EXISTS (SELECT 1 FROM ("),
            Part::Sql(&lm.subquery),
            Part::Raw(&format!(") {} LEFT JOIN (", quote(&la))),
            Part::Sql(&rm.subquery),
            Part::Raw(&format!(") {} WHERE ", quote(&ra))),
            Part::Sql(&cond),
            Part::Raw(")"),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::parse;

    /// Resolves bare names to quoted columns of `t`; `multi` names get a multi-match subquery.
    struct Simple;

    impl FieldResolver for Simple {
        fn resolve(&mut self, identifier: &str) -> Result<Resolved, CompileError> {
            match identifier {
                "a" | "b" | "title" => {
                    Ok(Resolved::new(Sql::raw(format!("\"t\".\"{identifier}\""))))
                }
                "multi" => Ok(Resolved {
                    sql: Sql::raw("\"m\".\"v\""),
                    multi: Some(MultiMatch {
                        subquery: Sql::raw("SELECT v AS \"multiMatchValue\" FROM mm"),
                    }),
                    ..Resolved::default()
                }),
                _ => Err(CompileError::Resolve(identifier.into())),
            }
        }
    }

    fn sql(filter: &str) -> Sql {
        compile(&parse(filter).expect("parses"), &mut Simple).expect("compiles")
    }

    #[test]
    fn equality_uses_null_safe_forms() {
        let s = sql("a = 'x'");
        assert_eq!(s.text, "\"t\".\"a\" = ?");
        assert_eq!(s.values, vec![Value::from("x")]);
        assert_eq!(
            sql("a = ''").text,
            "(\"t\".\"a\" = '' OR \"t\".\"a\" IS NULL)"
        );
        assert_eq!(
            sql("a != null").text,
            "(\"t\".\"a\" IS NOT '' AND \"t\".\"a\" IS NOT NULL)"
        );
        assert_eq!(
            sql("a = b").text,
            "COALESCE(\"t\".\"a\", '') = COALESCE(\"t\".\"b\", '')"
        );
        assert_eq!(sql("a = true").text, "\"t\".\"a\" = 1");
    }

    #[test]
    fn like_wraps_and_escapes() {
        let s = sql("title ~ '50%_off'");
        assert_eq!(
            s.values,
            vec![Value::from("50%_off")],
            "explicit wildcard: raw pattern"
        );
        let s = sql("title ~ 'a_b'");
        assert_eq!(s.values, vec![Value::from("%a\\_b%")]);
        assert_eq!(s.text, "\"t\".\"title\" LIKE ? ESCAPE '\\'");
        assert_eq!(
            sql("title !~ a").text,
            "\"t\".\"title\" NOT LIKE ('%' || \"t\".\"a\" || '%') ESCAPE '\\'"
        );
    }

    #[test]
    fn multi_match_for_plain_operators_only() {
        let any = sql("multi ?= 'x'");
        assert!(!any.text.contains("NOT EXISTS"), "{}", any.text);
        let all = sql("multi = 'x'");
        assert!(
            all.text.contains(
                "NOT EXISTS (SELECT 1 FROM (SELECT v AS \"multiMatchValue\" FROM mm) \"__sm1\""
            ),
            "{}",
            all.text
        );
        assert_eq!(all.values.len(), 2, "the value is bound once per use");
    }

    #[test]
    fn groups_macros_and_errors() {
        let s = sql("(a = 1 || b = 2) && title > @now");
        assert!(s.text.starts_with("((\"t\".\"a\" = ? OR"), "{}", s.text);
        assert_eq!(s.values.len(), 3);
        assert!(compile(&parse("nope = 1").expect("parses"), &mut Simple).is_err());
        assert!(compile(&parse("unknown(1) = 1").expect("parses"), &mut Simple).is_err());
    }
}
