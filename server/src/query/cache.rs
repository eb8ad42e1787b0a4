//! A bounded cache of parsed expressions. API rules are parsed once per distinct rule text
//! (so once per collection version) and client filters repeat often; compiling the cached AST
//! into SQL for a request (binding that request's values) is cheap.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

use super::{Expr, ParseError, parse};

/// Entries kept before the cache is reset (PocketBase keeps 500).
const LIMIT: usize = 1000;

static CACHE: LazyLock<Mutex<HashMap<String, Arc<Expr>>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

/// [`parse`] with memoisation; errors are not cached.
pub fn parse_cached(input: &str) -> Result<Arc<Expr>, ParseError> {
    if let Ok(cache) = CACHE.lock()
        && let Some(e) = cache.get(input)
    {
        return Ok(e.clone());
    }
    let parsed = Arc::new(parse(input)?);
    if let Ok(mut cache) = CACHE.lock() {
        if cache.len() >= LIMIT {
            cache.clear();
        }
        cache.insert(input.to_string(), parsed.clone());
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn returns_the_same_tree() {
        let a = parse_cached("a = 1 && b = 'x'").expect("parses");
        let b = parse_cached("a = 1 && b = 'x'").expect("parses");
        assert!(Arc::ptr_eq(&a, &b));
        assert!(parse_cached("a =").is_err());
    }
}
