//! `?fields=`: a comma list of dot paths (`*` = every key at that level) that shapes a JSON
//! response, with the `:excerpt(max, withEllipsis?)` modifier that turns HTML into a short
//! plain-text excerpt.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Excerpt {
    pub max: usize,
    pub ellipsis: bool,
}

#[derive(Debug, Default, Clone, PartialEq)]
pub struct FieldsPicker {
    children: BTreeMap<String, FieldsPicker>,
    excerpt: Option<Excerpt>,
}

/// Splits on commas that are not inside parentheses (`a,b:excerpt(5,true)`).
fn split_top_level(raw: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0i32, 0usize);
    for (i, c) in raw.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth <= 0 => {
                parts.push(&raw[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&raw[start..]);
    parts
}

fn parse_excerpt(modifier: &str) -> Option<Excerpt> {
    let args = modifier.strip_prefix("excerpt(")?.strip_suffix(')')?;
    let mut it = args.split(',').map(str::trim);
    let max: usize = it.next()?.parse().ok().filter(|m| *m > 0)?;
    let ellipsis = matches!(
        it.next().map(str::to_ascii_lowercase).as_deref(),
        Some("true" | "1" | "t")
    );
    Some(Excerpt { max, ellipsis })
}

impl FieldsPicker {
    /// `None` for an empty parameter (no picking).
    pub fn parse(raw: &str) -> Option<Self> {
        let mut root = Self::default();
        let mut any = false;
        for path in split_top_level(raw)
            .into_iter()
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            let (path, modifier) = match path.split_once(':') {
                Some((p, m)) => (p, Some(m)),
                None => (path, None),
            };
            let mut node = &mut root;
            for seg in path.split('.').filter(|s| !s.is_empty()) {
                node = node.children.entry(seg.to_string()).or_default();
            }
            if let Some(e) = modifier.and_then(parse_excerpt) {
                node.excerpt = Some(e);
            }
            any = true;
        }
        any.then_some(root)
    }

    /// Keeps only the picked keys of `value` (arrays are picked element-wise).
    pub fn pick(&self, value: Value) -> Value {
        if let (Some(e), Value::String(s)) = (self.excerpt, &value) {
            return Value::String(excerpt(s, e));
        }
        if self.children.is_empty() {
            return value;
        }
        match value {
            Value::Array(items) => Value::Array(items.into_iter().map(|v| self.pick(v)).collect()),
            Value::Object(obj) => {
                let star = self.children.get("*");
                let mut out = Map::new();
                for (k, v) in obj {
                    if let Some(child) = self.children.get(&k) {
                        out.insert(k, child.pick(v));
                    } else if let Some(star) = star {
                        out.insert(k, star.pick(v));
                    }
                }
                Value::Object(out)
            }
            other => other,
        }
    }
}

const EXCLUDED: &[&str] = &[
    "head", "style", "script", "iframe", "embed", "applet", "object", "svg", "img", "picture",
    "dialog", "template", "button", "form", "textarea", "input", "select", "option",
];
const INLINE: &[&str] = &[
    "a", "abbr", "acronym", "b", "bdo", "big", "br", "button", "cite", "code", "em", "i", "label",
    "q", "small", "span", "strong", "strike", "sub", "sup", "time",
];

fn decode_entities(s: &str) -> String {
    s.replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// Plain text of an HTML fragment: excluded elements dropped, block elements separated by a
/// space, whitespace collapsed; cut to `max` characters with an optional "...".
pub fn excerpt(html: &str, e: Excerpt) -> String {
    let mut text = String::new();
    let mut skip_depth: Vec<String> = Vec::new();
    let mut rest = html;
    let push_space = |text: &mut String| {
        if !text.ends_with(' ') {
            text.push(' ');
        }
    };
    while !rest.is_empty() && text.chars().count() <= e.max + 2 {
        match rest.find('<') {
            Some(0) => {
                let end = rest.find('>').map_or(rest.len(), |i| i + 1);
                let tag = &rest[1..end.saturating_sub(1).max(1)];
                rest = &rest[end..];
                let closing = tag.starts_with('/');
                let name: String = tag
                    .trim_start_matches('/')
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .collect::<String>()
                    .to_ascii_lowercase();
                if name.is_empty() {
                    continue;
                }
                if EXCLUDED.contains(&name.as_str()) {
                    let self_closing =
                        tag.ends_with('/') || matches!(name.as_str(), "img" | "input" | "embed");
                    if closing {
                        if skip_depth.last() == Some(&name) {
                            skip_depth.pop();
                        }
                    } else if !self_closing {
                        skip_depth.push(name);
                    }
                    continue;
                }
                if skip_depth.is_empty() && !INLINE.contains(&name.as_str()) {
                    push_space(&mut text);
                }
            }
            next => {
                let end = next.unwrap_or(rest.len());
                if skip_depth.is_empty() {
                    let chunk = decode_entities(&rest[..end]);
                    let collapsed = chunk.split_whitespace().collect::<Vec<_>>().join(" ");
                    if !collapsed.is_empty() {
                        if chunk.starts_with(char::is_whitespace) {
                            push_space(&mut text);
                        }
                        text.push_str(&collapsed);
                        if chunk.ends_with(char::is_whitespace) {
                            push_space(&mut text);
                        }
                    }
                }
                rest = &rest[end..];
            }
        }
    }
    let mut result = text.trim().to_string();
    if result.chars().count() > e.max {
        result = result
            .chars()
            .take(e.max)
            .collect::<String>()
            .trim()
            .to_string();
        if e.ellipsis {
            result.push_str("...");
        }
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn picks_nested_paths_and_stars() {
        let p = FieldsPicker::parse("token,record.id, record.email").expect("non-empty");
        let v = json!({"token":"t","record":{"id":"1","email":"e","name":"n"},"meta":1});
        assert_eq!(
            p.pick(v),
            json!({"token":"t","record":{"id":"1","email":"e"}})
        );
        let p = FieldsPicker::parse("*,expand.author.name").expect("non-empty");
        let v = json!({"id":"1","expand":{"author":{"name":"a","x":1}}});
        assert_eq!(
            p.pick(v),
            json!({"id":"1","expand":{"author":{"name":"a"}}})
        );
        assert!(FieldsPicker::parse(" , ").is_none());
    }

    #[test]
    fn excerpts_strip_html() {
        let p = FieldsPicker::parse("id,text:excerpt(20,true)").expect("non-empty");
        let v = json!({"id":"1","text":"<p>comment 1 <b>bold</b> lorem ipsum dolor sit amet</p>"});
        assert_eq!(
            p.pick(v),
            json!({"id":"1","text":"comment 1 bold lorem..."})
        );
        let e = Excerpt {
            max: 100,
            ellipsis: false,
        };
        assert_eq!(
            excerpt("<div>a</div><div>b</div><script>x()</script>  c &amp; d", e),
            "a b c & d"
        );
        assert_eq!(
            excerpt(
                "héllo wörld",
                Excerpt {
                    max: 2,
                    ellipsis: true
                }
            ),
            "hé...",
            "the limit counts characters, as PocketBase's does"
        );
    }
}
