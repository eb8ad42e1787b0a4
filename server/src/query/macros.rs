//! Datetime macros (`@now`, `@todayStart`, …), evaluated in UTC when a filter is compiled.

use chrono::{Datelike, Duration, NaiveDate, TimeZone, Timelike, Utc};
use sea_query::Value;

/// PocketBase's datetime format (`YYYY-MM-DD HH:MM:SS.sssZ`).
fn format_datetime(t: chrono::DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%S%.3fZ").to_string()
}

fn day_bounds(d: NaiveDate, end: bool) -> String {
    let t = if end {
        d.and_hms_milli_opt(23, 59, 59, 999)
    } else {
        d.and_hms_opt(0, 0, 0)
    };
    t.map(|t| format_datetime(Utc.from_utc_datetime(&t)))
        .unwrap_or_default()
}

/// The value of a macro identifier, or `None` if `name` is not a macro.
pub fn macro_value(name: &str) -> Option<Value> {
    let now = Utc::now();
    let today = now.date_naive();
    let int = |v: u32| Some(Value::BigInt(Some(i64::from(v))));
    match name {
        "@now" => Some(format_datetime(now).into()),
        "@yesterday" => Some(format_datetime(now - Duration::days(1)).into()),
        "@tomorrow" => Some(format_datetime(now + Duration::days(1)).into()),
        "@second" => int(now.second()),
        "@minute" => int(now.minute()),
        "@hour" => int(now.hour()),
        "@day" => int(now.day()),
        "@month" => int(now.month()),
        "@weekday" => int(now.weekday().num_days_from_sunday()),
        "@year" => Some(Value::BigInt(Some(i64::from(now.year())))),
        "@todayStart" => Some(day_bounds(today, false).into()),
        "@todayEnd" => Some(day_bounds(today, true).into()),
        "@monthStart" => Some(day_bounds(today.with_day(1)?, false).into()),
        "@monthEnd" => {
            let first_next = if today.month() == 12 {
                NaiveDate::from_ymd_opt(today.year() + 1, 1, 1)?
            } else {
                NaiveDate::from_ymd_opt(today.year(), today.month() + 1, 1)?
            };
            Some(day_bounds(first_next.pred_opt()?, true).into())
        }
        "@yearStart" => {
            Some(day_bounds(NaiveDate::from_ymd_opt(today.year(), 1, 1)?, false).into())
        }
        "@yearEnd" => Some(day_bounds(NaiveDate::from_ymd_opt(today.year(), 12, 31)?, true).into()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn macros_have_pocketbase_formats() {
        let Some(Value::String(Some(now))) = macro_value("@now") else {
            panic!("@now")
        };
        assert_eq!(now.len(), 24);
        let Some(Value::String(Some(end))) = macro_value("@yearEnd") else {
            panic!("@yearEnd")
        };
        assert!(end.ends_with("-12-31 23:59:59.999Z"), "{end}");
        let Some(Value::String(Some(ms))) = macro_value("@monthStart") else {
            panic!("@monthStart")
        };
        assert!(ms.ends_with("-01 00:00:00.000Z"), "{ms}");
        assert!(macro_value("@nope").is_none());
    }
}
