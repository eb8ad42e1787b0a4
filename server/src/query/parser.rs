//! Recursive-descent parser: tokens → [`Expr`].

use super::ParseError;
use super::ast::{Expr, Op, Operand, Sign};
use super::lexer::{Token, tokenize};

/// Maximum accepted filter length (characters) and number of comparisons, as PocketBase.
pub const MAX_LENGTH: usize = 3500;
pub const MAX_COMPARISONS: usize = 200;
const MAX_FUNCTION_DEPTH: usize = 2;
const MAX_GROUP_DEPTH: usize = 64;

/// Parses a filter or rule expression.
pub fn parse(input: &str) -> Result<Expr, ParseError> {
    if input.chars().count() > MAX_LENGTH {
        return Err(ParseError::new("the expression is too long"));
    }
    let tokens = tokenize(input)?;
    if tokens.is_empty() {
        return Err(ParseError::new("empty expression"));
    }
    let mut p = Parser {
        tokens,
        pos: 0,
        depth: 0,
    };
    let expr = p.or_expr()?;
    if p.pos != p.tokens.len() {
        return Err(ParseError::new(format!(
            "unexpected token {:?}",
            p.tokens[p.pos]
        )));
    }
    if expr.comparisons() > MAX_COMPARISONS {
        return Err(ParseError::new("too many expressions"));
    }
    Ok(expr)
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    depth: usize,
}

fn sign(lit: &str) -> Option<Sign> {
    let (any, rest) = match lit.strip_prefix('?') {
        Some(r) => (true, r),
        None => (false, lit),
    };
    let op = match rest {
        "=" => Op::Eq,
        "!=" => Op::Neq,
        ">" => Op::Gt,
        ">=" => Op::Gte,
        "<" => Op::Lt,
        "<=" => Op::Lte,
        "~" => Op::Like,
        "!~" => Op::NotLike,
        _ => return None,
    };
    Some(Sign { op, any })
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn next(&mut self) -> Option<Token> {
        let t = self.tokens.get(self.pos).cloned();
        self.pos += 1;
        t
    }

    fn or_expr(&mut self) -> Result<Expr, ParseError> {
        let mut items = vec![self.and_expr()?];
        while self.peek() == Some(&Token::Or) {
            self.pos += 1;
            items.push(self.and_expr()?);
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            Expr::Or(items)
        })
    }

    fn and_expr(&mut self) -> Result<Expr, ParseError> {
        let mut items = vec![self.term()?];
        while self.peek() == Some(&Token::And) {
            self.pos += 1;
            items.push(self.term()?);
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            Expr::And(items)
        })
    }

    fn term(&mut self) -> Result<Expr, ParseError> {
        if self.peek() == Some(&Token::LParen) {
            self.pos += 1;
            self.depth += 1;
            if self.depth > MAX_GROUP_DEPTH {
                return Err(ParseError::new("too deeply nested"));
            }
            let inner = self.or_expr()?;
            self.depth -= 1;
            return match self.next() {
                Some(Token::RParen) => Ok(inner),
                _ => Err(ParseError::new("missing closing bracket")),
            };
        }
        let left = self.operand(0)?;
        let sign = match self.next() {
            Some(Token::Sign(s)) => {
                sign(&s).ok_or_else(|| ParseError::new(format!("invalid operator {s:?}")))?
            }
            other => {
                return Err(ParseError::new(format!(
                    "expected an operator, got {other:?}"
                )));
            }
        };
        let right = self.operand(0)?;
        Ok(Expr::Compare { left, sign, right })
    }

    fn operand(&mut self, depth: usize) -> Result<Operand, ParseError> {
        match self.next() {
            Some(Token::Text(t)) => Ok(Operand::Text(t)),
            Some(Token::Number(n)) => Ok(Operand::Number(n)),
            Some(Token::Identifier(name)) => {
                if self.peek() != Some(&Token::LParen) {
                    return Ok(Operand::Identifier(name));
                }
                if depth >= MAX_FUNCTION_DEPTH || name.contains(['.', ':', '@', '#']) {
                    return Err(ParseError::new(format!("invalid function call {name:?}")));
                }
                self.pos += 1;
                let mut args = Vec::new();
                if self.peek() == Some(&Token::RParen) {
                    self.pos += 1;
                    return Ok(Operand::Function { name, args });
                }
                loop {
                    args.push(self.operand(depth + 1)?);
                    match self.next() {
                        Some(Token::Comma) => {}
                        Some(Token::RParen) => break,
                        other => {
                            return Err(ParseError::new(format!(
                                "expected ',' or ')', got {other:?}"
                            )));
                        }
                    }
                }
                Ok(Operand::Function { name, args })
            }
            other => Err(ParseError::new(format!(
                "expected an operand, got {other:?}"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmp(l: &str, s: &str, r: Operand) -> Expr {
        Expr::Compare {
            left: Operand::Identifier(l.into()),
            sign: sign(s).expect("sign"),
            right: r,
        }
    }

    #[test]
    fn precedence_and_groups() {
        let e = parse("a = 1 || b = 'x' && c != \"y\"").expect("parses");
        assert_eq!(
            e,
            Expr::Or(vec![
                cmp("a", "=", Operand::Number("1".into())),
                Expr::And(vec![
                    cmp("b", "=", Operand::Text("x".into())),
                    cmp("c", "!=", Operand::Text("y".into()))
                ]),
            ])
        );
        let e = parse("(a = 1 || b = 2) && c ?~ 'z' // trailing comment").expect("parses");
        assert!(matches!(e, Expr::And(ref items) if items.len() == 2));
    }

    #[test]
    fn literals_and_functions() {
        let e = parse(r#"title = "He said \"hi\"" && n > -14.5 && geoDistance(loc.lon, loc.lat, 23.3, 42.7) < 10"#).expect("parses");
        let Expr::And(items) = e else { panic!("and") };
        assert_eq!(
            items[0],
            cmp("title", "=", Operand::Text("He said \"hi\"".into()))
        );
        assert_eq!(items[1], cmp("n", ">", Operand::Number("-14.5".into())));
        assert!(
            matches!(&items[2], Expr::Compare { left: Operand::Function { name, args }, .. } if name == "geoDistance" && args.len() == 4)
        );
        assert!(parse("a = 'it\\'s'").is_ok());
    }

    #[test]
    fn rejects_garbage() {
        for bad in [
            "",
            "   ",
            "title",
            "title =",
            "= 1",
            "a = 1 &&",
            "(a = 1",
            "a = 1)",
            "a === 1",
            "a = 'x",
            "a & b",
            "1.",
            "a = 1 2",
            "f(g(h(1))) = 1",
            "a. = 1",
            "x = 1 ; DROP TABLE t",
        ] {
            assert!(parse(bad).is_err(), "{bad:?} should fail");
        }
        assert!(
            parse("a = 1 && ".repeat(300).trim_end_matches(" && ")).is_err(),
            "too many comparisons"
        );
    }
}
