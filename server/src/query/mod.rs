//! The filter and rule language (PocketBase-compatible), as a pure module: lexer, parser, AST,
//! and compilation to sea-query conditions through a [`FieldResolver`].
//!
//! # Grammar
//!
//! ```text
//! expr       := and_expr ( "||" and_expr )*
//! and_expr   := term ( "&&" term )*               // && binds tighter than ||
//! term       := "(" expr ")" | operand sign operand
//! sign       := "=" | "!=" | ">" | ">=" | "<" | "<=" | "~" | "!~"
//!             | "?=" | "?!=" | "?>" | "?>=" | "?<" | "?<=" | "?~" | "?!~"   // any-of forms
//! operand    := identifier | text | number | function
//! function   := name "(" [ operand ( "," operand )* ] ")"                   // nesting ≤ 2
//! identifier := [A-Za-z_@#] [A-Za-z0-9_@#.:]*     // fields, paths, macros, modifiers
//! text       := "'" … "'" | '"' … '"'             // \' and \" escape the quote
//! number     := "-"? digits ( "." digits )?
//! comment    := "//" … end of line
//! ```
//!
//! A bare literal is not an expression (`title = 'x' && true` is an error); at most 3500
//! characters and 200 comparisons. Values never become SQL text: every literal is a bound
//! parameter and every identifier is resolved through the [`FieldResolver`].

pub mod ast;
pub mod cache;
pub mod compile;
pub mod lexer;
pub mod macros;
pub mod parser;
pub mod sort;
pub mod sql;

pub use ast::{Expr, Op, Operand, Sign};
pub use cache::parse_cached;
pub use compile::{CompileError, FieldResolver, compile};
pub use parser::parse;
pub use sql::{Join, MultiMatch, NullFallback, Resolved, Sql};

/// A syntax error (reported to clients as a generic 400, logged with detail).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("invalid filter expression: {0}")]
pub struct ParseError(pub String);

impl ParseError {
    pub fn new(msg: impl Into<String>) -> Self {
        Self(msg.into())
    }
}
