//! Tokenizer for the filter language (see the grammar in `query`'s module docs).

use super::ParseError;

#[derive(Debug, Clone, PartialEq)]
pub enum Token {
    Identifier(String),
    Text(String),
    Number(String),
    Sign(String),
    And,
    Or,
    LParen,
    RParen,
    Comma,
}

fn is_ident_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_' || c == '@' || c == '#'
}

fn is_ident_char(c: char) -> bool {
    is_ident_start(c) || c.is_ascii_digit() || c == '.' || c == ':'
}

fn is_sign_char(c: char) -> bool {
    matches!(c, '=' | '!' | '>' | '<' | '~' | '?')
}

const SIGNS: &[&str] = &[
    "=", "!=", ">", ">=", "<", "<=", "~", "!~", "?=", "?!=", "?>", "?>=", "?<", "?<=", "?~", "?!~",
];

/// Splits `input` into tokens. Whitespace and `// comments` are skipped.
pub fn tokenize(input: &str) -> Result<Vec<Token>, ParseError> {
    let chars: Vec<char> = input.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '/' && chars.get(i + 1) == Some(&'/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '(' {
            tokens.push(Token::LParen);
            i += 1;
        } else if c == ')' {
            tokens.push(Token::RParen);
            i += 1;
        } else if c == ',' {
            tokens.push(Token::Comma);
            i += 1;
        } else if c == '&' || c == '|' {
            let start = i;
            while i < chars.len() && (chars[i] == '&' || chars[i] == '|') {
                i += 1;
            }
            let lit: String = chars[start..i].iter().collect();
            tokens.push(match lit.as_str() {
                "&&" => Token::And,
                "||" => Token::Or,
                _ => return Err(ParseError::new(format!("invalid join operator {lit:?}"))),
            });
        } else if c == '\'' || c == '"' {
            let quote = c;
            i += 1;
            let mut text = String::new();
            let mut closed = false;
            while i < chars.len() {
                let ch = chars[i];
                i += 1;
                // `\"`, `\'` and `\\` are escapes (as `pb.filter()` produces); any other
                // backslash is kept as written (PocketBase behaves the same).
                if ch == '\\' && i < chars.len() && matches!(chars[i], '\\' | '\'' | '"') {
                    text.push(chars[i]);
                    i += 1;
                    continue;
                }
                if ch == quote {
                    closed = true;
                    break;
                }
                text.push(ch);
            }
            if !closed {
                return Err(ParseError::new("unterminated quoted text"));
            }
            tokens.push(Token::Text(text));
        } else if c.is_ascii_digit()
            || (c == '-' && chars.get(i + 1).is_some_and(char::is_ascii_digit))
        {
            let start = i;
            i += 1;
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                i += 1;
            }
            let lit: String = chars[start..i].iter().collect();
            if lit.ends_with('.') || lit.parse::<f64>().is_err() {
                return Err(ParseError::new(format!("invalid number {lit:?}")));
            }
            tokens.push(Token::Number(lit));
        } else if is_ident_start(c) {
            let start = i;
            while i < chars.len() && is_ident_char(chars[i]) {
                i += 1;
            }
            let lit: String = chars[start..i].iter().collect();
            let last_ok = lit
                .chars()
                .last()
                .is_some_and(|l| l.is_ascii_alphanumeric() || l == '_');
            if !last_ok {
                return Err(ParseError::new(format!("invalid identifier {lit:?}")));
            }
            tokens.push(Token::Identifier(lit));
        } else if is_sign_char(c) {
            let start = i;
            while i < chars.len() && is_sign_char(chars[i]) {
                i += 1;
            }
            let lit: String = chars[start..i].iter().collect();
            if !SIGNS.contains(&lit.as_str()) {
                return Err(ParseError::new(format!("invalid sign operator {lit:?}")));
            }
            tokens.push(Token::Sign(lit));
        } else {
            return Err(ParseError::new(format!("unexpected character {c:?}")));
        }
    }
    Ok(tokens)
}
