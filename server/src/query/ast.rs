//! The filter/rule syntax tree.

/// Comparison operators; `any` marks the `?`-prefixed "any of" variants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Neq,
    Gt,
    Gte,
    Lt,
    Lte,
    Like,
    NotLike,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sign {
    pub op: Op,
    /// `?=`, `?>`, …: match when any item of a multi-valued operand matches.
    pub any: bool,
}

impl Sign {
    pub fn as_str(self) -> &'static str {
        match (self.any, self.op) {
            (false, Op::Eq) => "=",
            (false, Op::Neq) => "!=",
            (false, Op::Gt) => ">",
            (false, Op::Gte) => ">=",
            (false, Op::Lt) => "<",
            (false, Op::Lte) => "<=",
            (false, Op::Like) => "~",
            (false, Op::NotLike) => "!~",
            (true, Op::Eq) => "?=",
            (true, Op::Neq) => "?!=",
            (true, Op::Gt) => "?>",
            (true, Op::Gte) => "?>=",
            (true, Op::Lt) => "?<",
            (true, Op::Lte) => "?<=",
            (true, Op::Like) => "?~",
            (true, Op::NotLike) => "?!~",
        }
    }
}

/// One side of a comparison.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    /// A field path, macro or keyword (`title`, `author.name`, `@request.auth.id`, `null`).
    Identifier(String),
    /// A quoted string (quotes removed, escapes resolved).
    Text(String),
    /// A numeric literal, kept as written so integers stay exact.
    Number(String),
    /// `name(arg, …)`.
    Function { name: String, args: Vec<Operand> },
}

/// A boolean expression. `&&` binds tighter than `||`, as in SQL.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Compare {
        left: Operand,
        sign: Sign,
        right: Operand,
    },
    And(Vec<Expr>),
    Or(Vec<Expr>),
}

impl Expr {
    /// Number of comparisons (the expression-count limit counts these).
    pub fn comparisons(&self) -> usize {
        match self {
            Self::Compare { .. } => 1,
            Self::And(items) | Self::Or(items) => items.iter().map(Self::comparisons).sum(),
        }
    }

    /// Visits every operand (used to check for `@request`/`@collection` in client filters).
    pub fn operands(&self) -> Vec<&Operand> {
        let mut out = Vec::new();
        self.collect_operands(&mut out);
        out
    }

    fn collect_operands<'a>(&'a self, out: &mut Vec<&'a Operand>) {
        match self {
            Self::Compare { left, right, .. } => {
                out.push(left);
                out.push(right);
            }
            Self::And(items) | Self::Or(items) => {
                items.iter().for_each(|e| e.collect_operands(out))
            }
        }
    }
}
