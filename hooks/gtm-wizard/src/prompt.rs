//! The coach's system prompt and the conversation window sent to a provider.
//!
//! The system prompt says who the coach is, then adds what the server knows: the coaching
//! templates that fit (their bodies, trimmed), the linked campaign and its metrics against the
//! benchmarks. The window is the most recent messages that fit a character budget, oldest
//! first, always ending with the user's message being answered.

use std::fmt::Write as _;

use crate::analyze::Analysis;
use crate::providers::{ChatMessage, Role};

/// Characters of conversation history sent along (about 6k tokens).
pub const HISTORY_BUDGET: usize = 24_000;
/// Characters kept of each template body.
const TEMPLATE_BUDGET: usize = 1_500;

const PERSONA: &str = "You are GTM Wizard, a go-to-market coach for solo founders. Give concrete, \
prioritised advice the founder can act on this week; use numbers when you have them, say when you \
are unsure, and keep answers short unless asked for detail. Format with Markdown.";

/// A coaching template as the prompt uses it.
pub struct Template<'a> {
    pub title: &'a str,
    pub stage: &'a str,
    pub body: &'a str,
}

/// The campaign a conversation is about.
pub struct CampaignContext<'a> {
    pub name: &'a str,
    pub channel: &'a str,
    pub status: &'a str,
    pub goal: &'a str,
    pub analysis: &'a Analysis,
}

/// Removes HTML tags of an `editor` body, keeping the text.
fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn trimmed(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut t: String = s.chars().take(max).collect();
    t.push('…');
    t
}

pub fn system_prompt(templates: &[Template<'_>], campaign: Option<&CampaignContext<'_>>) -> String {
    let mut out = String::from(PERSONA);
    if let Some(c) = campaign {
        let _ = write!(
            out,
            "\n\n## The founder's campaign\n{} — channel {}, status {}.",
            c.name,
            c.channel,
            if c.status.is_empty() {
                "draft"
            } else {
                c.status
            }
        );
        if !c.goal.is_empty() {
            let _ = write!(out, " Goal: {}.", c.goal);
        }
        let t = &c.analysis.totals;
        let _ = write!(
            out,
            "\nTotals so far: sent {}, opens {}, clicks {}, replies {}, meetings {}, deals {}, spend ${:.2}.",
            t.sent, t.opens, t.clicks, t.replies, t.meetings, t.deals, t.spend
        );
        for m in &c.analysis.metrics {
            let _ = write!(
                out,
                "\n- {}: {}{} ({} the typical range; benchmark p25 {}, median {}, p75 {}).",
                m.metric, m.value, m.unit, m.verdict, m.p25, m.median, m.p75
            );
        }
    }
    if !templates.is_empty() {
        out.push_str("\n\n## Playbooks to draw on");
        for t in templates {
            let _ = write!(
                out,
                "\n### {} ({})\n{}",
                t.title,
                t.stage,
                trimmed(&strip_tags(t.body), TEMPLATE_BUDGET)
            );
        }
    }
    out
}

/// The newest messages (given oldest first) that fit [`HISTORY_BUDGET`], oldest first. Empty
/// and failed messages are skipped; the last one is always kept.
pub fn window(history: Vec<ChatMessage>) -> Vec<ChatMessage> {
    let mut kept = Vec::new();
    let mut used = 0;
    for m in history.into_iter().rev() {
        if m.content.trim().is_empty() {
            continue;
        }
        used += m.content.len();
        if used > HISTORY_BUDGET && !kept.is_empty() {
            break;
        }
        kept.push(m);
    }
    kept.reverse();
    // Providers want the first message from the user.
    while kept.first().is_some_and(|m| m.role == Role::Assistant) {
        kept.remove(0);
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::{Totals, analyze};

    #[test]
    fn the_prompt_carries_campaign_numbers_and_templates() {
        let a = analyze("cold_email", Totals::default(), &[], &[]);
        let c = CampaignContext {
            name: "Q1 outbound",
            channel: "cold_email",
            status: "active",
            goal: "20 demos",
            analysis: &a,
        };
        let p = system_prompt(
            &[Template {
                title: "Cold email",
                stage: "messaging",
                body: "<p>Keep it <b>short</b>.</p>",
            }],
            Some(&c),
        );
        assert!(p.contains("Q1 outbound — channel cold_email, status active. Goal: 20 demos."));
        assert!(p.contains("### Cold email (messaging)\nKeep it short ."));
    }

    #[test]
    fn the_window_keeps_the_newest_messages_and_starts_with_the_user() {
        let msg = |role, n: usize| ChatMessage {
            role,
            content: "x".repeat(n),
        };
        let w = window(vec![
            msg(Role::User, 20_000),
            msg(Role::Assistant, 5_000),
            msg(Role::User, 10),
            msg(Role::Assistant, 0),
            msg(Role::User, 5),
        ]);
        let lens: Vec<usize> = w.iter().map(|m| m.content.len()).collect();
        assert_eq!(lens, vec![10, 5]);
    }
}
