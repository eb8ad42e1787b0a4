//! The `key_hint` shown instead of a provider key: the key's vendor prefix (up to its first
//! `-`, e.g. `sk-`), an ellipsis and at most its last 4 characters — `sk-…T123`. Short keys
//! show fewer characters so that the hint never reveals half of a key.

/// The hint for `key` (empty for an empty key).
pub fn key_hint(key: &str) -> String {
    let key = key.trim();
    let chars: Vec<char> = key.chars().collect();
    if chars.is_empty() {
        return String::new();
    }
    // At most 4, and never more than a quarter of the key.
    let tail_len = (chars.len() / 4).min(4);
    let prefix: String = match key.find('-') {
        Some(i) if i <= 8 && key[..i].chars().all(|c| c.is_ascii_alphanumeric()) => {
            key[..=i].to_string()
        }
        _ => String::new(),
    };
    let tail: String = chars[chars.len() - tail_len..].iter().collect();
    format!("{prefix}…{tail}")
}

#[cfg(test)]
mod tests {
    use super::key_hint;

    #[test]
    fn hints_show_the_prefix_and_the_last_four_at_most() {
        assert_eq!(key_hint("sk-proj-abcdefghijklmnopT123"), "sk-…T123");
        assert_eq!(key_hint("sk-ant-api03-xxxxxxxxxxxxWXYZ"), "sk-…WXYZ");
        assert_eq!(key_hint("abcdefgh12345678"), "…5678");
        assert_eq!(key_hint("short"), "…t");
        assert_eq!(key_hint("abc"), "…");
        assert_eq!(key_hint(""), "");
    }
}
