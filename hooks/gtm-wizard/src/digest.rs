//! The weekly digest (cron `gtm.weekly_digest`, Mondays 08:00 UTC): a mail to each workspace's
//! owners with every active campaign's metrics against the benchmarks, sent through the
//! engine's mailer (so `on_mailer_send` hooks and the SMTP settings apply).

use std::fmt::Write as _;
use std::sync::Arc;

use cairn::auth::mail::{self, Mail};
use cairn::core::Core;
use cairn::error::ApiError;
use cairn::records::server;
use serde_json::json;

use crate::analyze::Analysis;
use crate::context;

pub const CRON: &str = "gtm.weekly_digest";
pub const SCHEDULE: &str = "0 8 * * 1";

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The digest's HTML for one workspace.
pub fn html(workspace: &str, campaigns: &[(String, Analysis)]) -> String {
    let mut out = format!("<h1>{} — your week in go-to-market</h1>", escape(workspace));
    if campaigns.is_empty() {
        out.push_str("<p>No active campaigns this week. Start one and log its numbers to see how it compares.</p>");
        return out;
    }
    for (name, a) in campaigns {
        let _ = write!(out, "<h2>{} ({})</h2>", escape(name), escape(&a.channel));
        if a.metrics.is_empty() {
            out.push_str("<p>No metrics logged yet.</p>");
            continue;
        }
        out.push_str(
            "<table><tr><th>Metric</th><th>Value</th><th>Median</th><th>Verdict</th></tr>",
        );
        for m in &a.metrics {
            let _ = write!(
                out,
                "<tr><td>{}</td><td>{}{}</td><td>{}{}</td><td>{}</td></tr>",
                escape(&m.metric),
                m.value,
                escape(&m.unit),
                m.median,
                escape(&m.unit),
                m.verdict
            );
        }
        out.push_str("</table>");
    }
    out
}

/// Sends every workspace's digest; returns how many mails went out.
pub async fn send_all(core: &Arc<Core>) -> Result<usize, ApiError> {
    let templates = server::list(core, "coaching_templates", "", "slug", 100).await?;
    let mut sent = 0;
    for ws in server::list(core, "workspaces", "", "created", 10_000).await? {
        let filter = server::filter(
            "workspace = {:w} && status = 'active'",
            &[("w", json!(ws.id()))],
        );
        let mut campaigns = Vec::new();
        for c in server::list(core, "campaigns", &filter, "name", 100).await? {
            let analysis = context::campaign_analysis(core, &c, &templates).await?;
            campaigns.push((c.get_str("name").to_string(), analysis));
        }
        let owners = server::filter(
            "workspace = {:w} && role = 'owner'",
            &[("w", json!(ws.id()))],
        );
        for m in server::list(core, "workspace_members", &owners, "", 100).await? {
            let Some(user) = server::find(core, "users", m.get_str("user")).await? else {
                continue;
            };
            let to = user.get_str("email");
            if to.is_empty() {
                continue;
            }
            let mail = Mail {
                to: to.to_string(),
                subject: format!("{}: your weekly GTM digest", ws.get_str("name")),
                html: html(ws.get_str("name"), &campaigns),
            };
            match mail::send(core, mail).await {
                Ok(()) => sent += 1,
                Err(e) => tracing::warn!(error = %e, workspace = ws.id(), "weekly digest"),
            }
        }
    }
    Ok(sent)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::{Totals, analyze};

    #[test]
    fn the_digest_escapes_names_and_lists_verdicts() {
        let a = analyze("cold_email", Totals::default(), &[], &[]);
        let h = html("Acme <b>", &[("Q1".into(), a)]);
        assert!(h.contains("Acme &lt;b&gt;"));
        assert!(h.contains("No metrics logged yet."));
        assert!(html("Solo", &[]).contains("No active campaigns"));
    }
}
