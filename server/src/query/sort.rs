//! PocketBase's `sort` parameter for searches over a fixed set of columns (collections, logs):
//! `-name,+created,@random,@rowid` → ORDER BY items, names resolved by the caller's resolver.

use super::sql::quote;
use super::{CompileError, FieldResolver, Sql};

/// Max sort terms and the longest sort term (PocketBase's `DefaultSortExprLimit`,
/// `MaxSortFieldLength`).
const MAX_SORT_TERMS: usize = 8;
const MAX_SORT_TERM_LEN: usize = 255;

/// The ORDER BY items of `raw` over `table`; a blank term (`name,`) is an error, as in
/// PocketBase, and `@random` sorts without a direction.
pub fn terms(
    raw: &str,
    table: &str,
    resolver: &mut impl FieldResolver,
) -> Result<Vec<Sql>, CompileError> {
    let terms: Vec<&str> = raw.split(',').map(str::trim).collect();
    if terms.len() > MAX_SORT_TERMS {
        return Err(CompileError::Resolve("too many sort terms".into()));
    }
    let mut order = Vec::with_capacity(terms.len());
    for term in terms {
        let (dir, name) = match term.strip_prefix('-') {
            Some(rest) => ("DESC", rest),
            None => ("ASC", term.strip_prefix('+').unwrap_or(term)),
        };
        if name.len() > MAX_SORT_TERM_LEN {
            return Err(CompileError::Resolve("sort term too long".into()));
        }
        let mut item = match name {
            "@random" => {
                order.push(Sql::raw("RANDOM()"));
                continue;
            }
            "@rowid" => Sql::raw(format!("{}.\"_rowid_\"", quote(table))),
            _ => resolver.resolve(name)?.sql,
        };
        item.push(&format!(" {dir}"));
        order.push(item);
    }
    Ok(order)
}
