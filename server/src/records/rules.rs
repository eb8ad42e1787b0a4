//! API rule gate. `null` = superusers only, `""` = everyone, an expression = evaluated by the
//! query module. Until that module lands, expressions fail closed for non-superusers (the record
//! is treated as not matching), which never exposes more than PocketBase would.

use crate::auth::AuthInfo;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleOutcome {
    /// Superuser, or an empty (public) rule.
    Pass,
    /// `null` rule and not a superuser: 403.
    Locked,
    /// An expression the requester does not satisfy: filtered / 404 / 400 depending on action.
    Unmet,
}

pub fn check(rule: Option<&str>, auth: &AuthInfo) -> RuleOutcome {
    if auth.is_superuser() {
        return RuleOutcome::Pass;
    }
    match rule {
        None => RuleOutcome::Locked,
        Some(r) if r.trim().is_empty() => RuleOutcome::Pass,
        Some(_) => RuleOutcome::Unmet,
    }
}
