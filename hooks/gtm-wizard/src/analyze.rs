//! A campaign's metrics against the benchmarks of its channel: per metric the value, the
//! benchmark's `p25`/`median`/`p75` and a verdict `below` / `typical` / `above` (where the value
//! falls against the p25–p75 range), plus the coaching templates that fit.
//!
//! Rates are percentages of `sent` (for paid ads and LinkedIn, `sent` counts impressions and
//! `replies` counts leads): `open_rate`, `reply_rate`, `meeting_rate`, `ctr` (clicks); costs are
//! USD per unit: `cpc` (spend / clicks), `cpl` (spend / replies). A metric whose denominator is
//! 0 is left out. When a benchmark has only a median (p25 = p75 = 0), the typical range is the
//! median ± 20%.

use serde::Serialize;
use serde_json::Value;

/// Totals of a campaign's `campaign_metrics` rows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Totals {
    pub sent: f64,
    pub opens: f64,
    pub clicks: f64,
    pub replies: f64,
    pub meetings: f64,
    pub deals: f64,
    pub spend: f64,
}

impl Totals {
    /// Sums rows given as JSON records (missing numbers count as 0).
    pub fn sum<'a>(rows: impl IntoIterator<Item = &'a Value>) -> Self {
        let mut t = Self::default();
        for r in rows {
            let n = |k: &str| r.get(k).and_then(Value::as_f64).unwrap_or(0.0);
            t.sent += n("sent");
            t.opens += n("opens");
            t.clicks += n("clicks");
            t.replies += n("replies");
            t.meetings += n("meetings");
            t.deals += n("deals");
            t.spend += n("spend");
        }
        t
    }

    /// The value of `metric`, when it can be computed.
    pub fn metric(&self, metric: &str) -> Option<f64> {
        let ratio = |num: f64, den: f64, scale: f64| (den > 0.0).then(|| num / den * scale);
        match metric {
            "open_rate" => ratio(self.opens, self.sent, 100.0),
            "reply_rate" => ratio(self.replies, self.sent, 100.0),
            "meeting_rate" => ratio(self.meetings, self.sent, 100.0),
            "ctr" => ratio(self.clicks, self.sent, 100.0),
            "cpc" => ratio(self.spend, self.clicks, 1.0),
            "cpl" => ratio(self.spend, self.replies, 1.0),
            _ => None,
        }
    }
}

/// One `benchmarks` row.
#[derive(Debug, Clone, PartialEq)]
pub struct Benchmark {
    pub channel: String,
    pub metric: String,
    pub p25: f64,
    pub median: f64,
    pub p75: f64,
    pub unit: String,
    pub source: String,
}

impl Benchmark {
    pub fn from_json(v: &Value) -> Self {
        let s = |k: &str| {
            v.get(k)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        let n = |k: &str| v.get(k).and_then(Value::as_f64).unwrap_or(0.0);
        Self {
            channel: s("channel"),
            metric: s("metric"),
            p25: n("p25"),
            median: n("median"),
            p75: n("p75"),
            unit: s("unit"),
            source: s("source"),
        }
    }

    /// The typical range (p25–p75, or median ± 20% when only a median is known).
    fn range(&self) -> (f64, f64) {
        if self.p25 == 0.0 && self.p75 == 0.0 {
            (self.median * 0.8, self.median * 1.2)
        } else {
            (self.p25, self.p75)
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricVerdict {
    pub metric: String,
    /// Rounded to 2 decimals.
    pub value: f64,
    pub unit: String,
    pub p25: f64,
    pub median: f64,
    pub p75: f64,
    /// `below`, `typical` or `above` the benchmark's typical range.
    pub verdict: &'static str,
    /// Costs (`cpc`, `cpl`) are better when lower.
    pub higher_is_better: bool,
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Analysis {
    pub channel: String,
    pub totals: Totals,
    pub metrics: Vec<MetricVerdict>,
    /// Slugs of the coaching templates that fit (by channel and by what lags).
    pub templates: Vec<String>,
}

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// Stages of coaching that fit a channel.
fn stages_for(channel: &str) -> &'static [&'static str] {
    match channel {
        "cold_email" | "linkedin" => &["messaging", "outbound"],
        "paid_ads" => &["messaging", "positioning"],
        "content" => &["positioning", "launch"],
        "events" => &["launch", "outbound"],
        "partnerships" => &["icp", "positioning"],
        _ => &["positioning"],
    }
}

/// Analyzes `totals` of a campaign on `channel` against `benchmarks`; `templates` are
/// `(slug, stage)` pairs.
pub fn analyze(
    channel: &str,
    totals: Totals,
    benchmarks: &[Benchmark],
    templates: &[(String, String)],
) -> Analysis {
    let mut metrics = Vec::new();
    for b in benchmarks.iter().filter(|b| b.channel == channel) {
        let Some(value) = totals.metric(&b.metric) else {
            continue;
        };
        let (low, high) = b.range();
        let verdict = if value < low {
            "below"
        } else if value > high {
            "above"
        } else {
            "typical"
        };
        metrics.push(MetricVerdict {
            metric: b.metric.clone(),
            value: round2(value),
            unit: b.unit.clone(),
            p25: b.p25,
            median: b.median,
            p75: b.p75,
            verdict,
            higher_is_better: !matches!(b.metric.as_str(), "cpc" | "cpl"),
            source: b.source.clone(),
        });
    }
    let mut stages: Vec<&str> = stages_for(channel).to_vec();
    // Something lagging (a low rate or a high cost) also calls for a sharper ICP.
    let lagging = metrics.iter().any(|m| {
        (m.higher_is_better && m.verdict == "below")
            || (!m.higher_is_better && m.verdict == "above")
    });
    if lagging {
        stages.push("icp");
    }
    let templates = templates
        .iter()
        .filter(|(_, stage)| stages.contains(&stage.as_str()))
        .map(|(slug, _)| slug.clone())
        .collect();
    Analysis {
        channel: channel.to_string(),
        totals,
        metrics,
        templates,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn bench(metric: &str, p25: f64, median: f64, p75: f64) -> Benchmark {
        Benchmark {
            channel: "cold_email".into(),
            metric: metric.into(),
            p25,
            median,
            p75,
            unit: "%".into(),
            source: "test".into(),
        }
    }

    #[test]
    fn verdicts_follow_the_typical_range() {
        let rows = [
            json!({"sent": 600, "opens": 150, "replies": 30, "meetings": 6}),
            json!({"sent": 400, "opens": 100, "replies": 20, "meetings": 5}),
        ];
        let totals = Totals::sum(rows.iter());
        assert_eq!(totals.sent, 1000.0);
        let benchmarks = [
            bench("open_rate", 38.0, 43.5, 46.45),
            bench("reply_rate", 3.5, 3.6, 4.23),
            bench("meeting_rate", 0.85, 1.1, 1.43),
            bench("ctr", 0.0, 2.0, 0.0),
        ];
        let templates = [
            ("cold-email-copy".to_string(), "messaging".to_string()),
            ("icp-definition".to_string(), "icp".to_string()),
            ("launch-plan".to_string(), "launch".to_string()),
        ];
        let a = analyze("cold_email", totals, &benchmarks, &templates);
        let v: Vec<(&str, f64, &str)> = a
            .metrics
            .iter()
            .map(|m| (m.metric.as_str(), m.value, m.verdict))
            .collect();
        assert_eq!(
            v,
            vec![
                ("open_rate", 25.0, "below"),
                ("reply_rate", 5.0, "above"),
                ("meeting_rate", 1.1, "typical"),
                ("ctr", 0.0, "below"),
            ]
        );
        assert_eq!(a.templates, vec!["cold-email-copy", "icp-definition"]);
    }

    #[test]
    fn metrics_without_a_denominator_are_left_out() {
        let a = analyze(
            "cold_email",
            Totals::default(),
            &[bench("open_rate", 1.0, 2.0, 3.0)],
            &[],
        );
        assert!(a.metrics.is_empty());
    }
}
