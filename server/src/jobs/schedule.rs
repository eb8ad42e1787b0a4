//! Cron expressions with PocketBase's syntax and semantics: five segments (minute, hour, day of
//! month, month, day of week 0–6 with Sunday = 0), each `*`, a number, a range `a-b`, a step
//! `*/n` or `a-b/n`, or a comma list of those; and the macros `@yearly`, `@annually`,
//! `@monthly`, `@weekly`, `@daily`, `@midnight`, `@hourly`.
//!
//! NOTE: as PocketBase's `tools/cron`, a moment is due only when *every* segment matches (day
//! of month and day of week are AND-ed, unlike Vixie cron's OR), which is why this is our own
//! small parser rather than a general cron crate. Times are UTC.

use std::collections::BTreeSet;
use std::fmt;

use chrono::{DateTime, Datelike, Timelike, Utc};

/// A parse error, worded for the person who wrote the expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduleError(pub String);

impl fmt::Display for ScheduleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ScheduleError {}

/// A parsed cron expression: the allowed values of each segment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    minutes: BTreeSet<u32>,
    hours: BTreeSet<u32>,
    days: BTreeSet<u32>,
    months: BTreeSet<u32>,
    weekdays: BTreeSet<u32>,
}

/// Segment names and bounds, in expression order.
const SEGMENTS: [(&str, u32, u32); 5] = [
    ("minute", 0, 59),
    ("hour", 0, 23),
    ("day of month", 1, 31),
    ("month", 1, 12),
    ("day of week", 0, 6),
];

fn macro_expansion(expr: &str) -> Option<&'static str> {
    Some(match expr {
        "@yearly" | "@annually" => "0 0 1 1 *",
        "@monthly" => "0 0 1 * *",
        "@weekly" => "0 0 * * 0",
        "@daily" | "@midnight" => "0 0 * * *",
        "@hourly" => "0 * * * *",
        _ => return None,
    })
}

fn number(s: &str, name: &str, min: u32, max: u32) -> Result<u32, ScheduleError> {
    let n: u32 = s
        .parse()
        .map_err(|_| ScheduleError(format!("invalid {name} value {s:?}")))?;
    if n < min || n > max {
        return Err(ScheduleError(format!(
            "{name} value {n} is outside {min}-{max}"
        )));
    }
    Ok(n)
}

/// One segment (`*`, `5`, `1-5`, `*/15`, `10-40/10`, or a comma list of those).
fn segment(s: &str, name: &str, min: u32, max: u32) -> Result<BTreeSet<u32>, ScheduleError> {
    let mut out = BTreeSet::new();
    for part in s.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((r, st)) => {
                let step = number(st, name, 1, max.max(1))
                    .map_err(|_| ScheduleError(format!("invalid {name} step {st:?}")))?;
                (r, step)
            }
            None => (part, 1),
        };
        let (from, to) = if range == "*" {
            (min, max)
        } else if let Some((a, b)) = range.split_once('-') {
            let (a, b) = (number(a, name, min, max)?, number(b, name, min, max)?);
            if a > b {
                return Err(ScheduleError(format!("invalid {name} range {range:?}")));
            }
            (a, b)
        } else {
            let n = number(range, name, min, max)?;
            // `5/10` is "from 5 to the end, every 10", as in PocketBase.
            (n, if part.contains('/') { max } else { n })
        };
        out.extend((from..=to).step_by(usize::try_from(step).unwrap_or(1)));
    }
    Ok(out)
}

impl Schedule {
    /// Parses an expression or a macro.
    pub fn parse(expr: &str) -> Result<Self, ScheduleError> {
        let trimmed = expr.trim();
        let expanded = macro_expansion(trimmed).unwrap_or(trimmed);
        let parts: Vec<&str> = expanded.split_whitespace().collect();
        if parts.len() != 5 {
            return Err(ScheduleError(format!(
                "invalid cron expression {expr:?}: expected 5 space-separated segments or a macro"
            )));
        }
        let mut sets = parts
            .iter()
            .zip(SEGMENTS)
            .map(|(p, (name, min, max))| segment(p, name, min, max));
        let mut next = || sets.next().unwrap_or_else(|| Ok(BTreeSet::new()));
        Ok(Self {
            minutes: next()?,
            hours: next()?,
            days: next()?,
            months: next()?,
            weekdays: next()?,
        })
    }

    /// Whether the minute holding `t` is due.
    pub fn is_due(&self, t: DateTime<Utc>) -> bool {
        self.minutes.contains(&t.minute())
            && self.hours.contains(&t.hour())
            && self.days.contains(&t.day())
            && self.months.contains(&t.month())
            && self.weekdays.contains(&t.weekday().num_days_from_sunday())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, 0)
            .single()
            .expect("valid time")
    }

    #[test]
    fn steps_ranges_lists_and_macros() {
        let s = Schedule::parse("*/5 * * * *").expect("parses");
        assert!(s.is_due(at(2026, 1, 1, 3, 10)));
        assert!(!s.is_due(at(2026, 1, 1, 3, 11)));
        let s = Schedule::parse("0,30 9-17/4 * * 1-5").expect("parses");
        assert!(s.is_due(at(2026, 12, 7, 13, 30))); // a Monday
        assert!(!s.is_due(at(2026, 12, 7, 14, 30)));
        assert!(!s.is_due(at(2026, 12, 6, 13, 30))); // a Sunday
        let daily = Schedule::parse("@daily").expect("macro");
        assert_eq!(daily, Schedule::parse("0 0 * * *").expect("parses"));
        assert!(
            Schedule::parse("@weekly")
                .expect("macro")
                .is_due(at(2026, 12, 6, 0, 0))
        );
        assert!(
            Schedule::parse("@hourly")
                .expect("macro")
                .is_due(at(2026, 3, 3, 7, 0))
        );
        assert!(
            Schedule::parse("@yearly")
                .expect("macro")
                .is_due(at(2027, 1, 1, 0, 0))
        );
    }

    #[test]
    fn day_of_month_and_weekday_must_both_match() {
        // The 1st of the month only when it is a Monday (PocketBase semantics).
        let s = Schedule::parse("0 0 1 * 1").expect("parses");
        assert!(!s.is_due(at(2026, 12, 1, 0, 0))); // a Tuesday
        assert!(s.is_due(at(2026, 6, 1, 0, 0))); // a Monday
    }

    #[test]
    fn bad_expressions_are_refused_with_a_reason() {
        for bad in [
            "",
            "* * * *",
            "60 * * * *",
            "* 24 * * *",
            "* * 0 * *",
            "* * * 13 *",
        ] {
            assert!(Schedule::parse(bad).is_err(), "{bad:?} must be refused");
        }
        assert!(Schedule::parse("* * * * 7").is_err());
        assert!(Schedule::parse("*/0 * * * *").is_err());
        assert!(Schedule::parse("5-1 * * * *").is_err());
        assert!(Schedule::parse("@sometimes").is_err());
        let e = Schedule::parse("61 * * * *").expect_err("out of range");
        assert!(e.0.contains("minute"), "{e}");
    }
}
