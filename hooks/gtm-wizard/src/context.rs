//! What the coach sends for one user message: the workspace's provider key (the
//! conversation's, or the workspace's newest) with its plaintext key, the model, the system
//! prompt (templates that fit, the linked campaign against its benchmarks) and the recent
//! conversation.

use std::sync::Arc;

use cairn::core::Core;
use cairn::records::{Record, sealed, server};
use serde_json::{Value, json};

use crate::analyze::{self, Benchmark, Totals};
use crate::coach::ProviderOrJob;
use crate::prompt::{self, CampaignContext, Template};
use crate::providers::{
    ChatMessage, ChatRequest, ProviderConfig, ProviderError, ProviderKind, Role,
};

/// Templates put in a prompt at most.
const MAX_TEMPLATES: usize = 3;
/// Messages read for the history window.
const HISTORY_ROWS: u64 = 60;

pub struct Chat {
    pub provider: ProviderConfig,
    pub request: ChatRequest,
}

fn job(e: impl std::fmt::Display) -> ProviderOrJob {
    ProviderOrJob::Job(crate::coach::internal(e))
}

fn fatal(message: &str) -> ProviderOrJob {
    ProviderOrJob::Provider(ProviderError::Fatal {
        message: message.to_string(),
    })
}

/// The provider of a `provider_keys` record, with the opened key.
pub fn provider_config(core: &Core, key: &Record, model: &str) -> Result<ProviderConfig, String> {
    let kind = ProviderKind::parse(key.get_str("provider"))
        .ok_or_else(|| "The provider key has an unknown provider.".to_string())?;
    let api_key = sealed::open(&core.settings.sealer, key, "api_key")
        .map_err(|_| "The stored API key cannot be opened with this server's key.".to_string())?
        .unwrap_or_default();
    let model = if model.trim().is_empty() {
        key.get_str("default_model").to_string()
    } else {
        model.to_string()
    };
    Ok(ProviderConfig {
        kind,
        base_url: key.get_str("base_url").to_string(),
        model,
        api_key,
    })
}

async fn provider_key(core: &Arc<Core>, conversation: &Record) -> Result<Record, ProviderOrJob> {
    let chosen = conversation.get_str("provider_key");
    if !chosen.is_empty()
        && let Some(k) = server::find(core, "provider_keys", chosen)
            .await
            .map_err(job)?
    {
        return Ok(k);
    }
    let filter = server::filter(
        "workspace = {:w}",
        &[("w", json!(conversation.get_str("workspace")))],
    );
    server::list(core, "provider_keys", &filter, "-created", 1)
        .await
        .map_err(job)?
        .into_iter()
        .next()
        .ok_or_else(|| fatal("This workspace has no provider key: add one under Provider keys."))
}

pub async fn load(core: &Arc<Core>, user_msg: &Record) -> Result<Chat, ProviderOrJob> {
    let conversation = server::find(core, "conversations", user_msg.get_str("conversation"))
        .await
        .map_err(job)?
        .ok_or_else(|| fatal("The conversation was deleted."))?;
    let key = provider_key(core, &conversation).await?;
    let provider =
        provider_config(core, &key, conversation.get_str("model")).map_err(|m| fatal(&m))?;

    let templates = server::list(core, "coaching_templates", "", "slug", 100)
        .await
        .map_err(job)?;
    let campaign = match conversation.get_str("campaign") {
        "" => None,
        id => server::find(core, "campaigns", id).await.map_err(job)?,
    };
    let analysis = match &campaign {
        Some(c) => Some(campaign_analysis(core, c, &templates).await.map_err(job)?),
        None => None,
    };
    let wanted = fitting_templates(&templates, analysis.as_ref(), user_msg.get_str("content"));
    let prompt_templates: Vec<Template<'_>> = templates
        .iter()
        .filter(|t| wanted.contains(&t.get_str("slug").to_string()))
        .map(|t| Template {
            title: t.get_str("title"),
            stage: t.get_str("stage"),
            body: t.get_str("body"),
        })
        .collect();
    let campaign_ctx = match (&campaign, &analysis) {
        (Some(c), Some(a)) => Some(CampaignContext {
            name: c.get_str("name"),
            channel: c.get_str("channel"),
            status: c.get_str("status"),
            goal: c.get_str("goal"),
            analysis: a,
        }),
        _ => None,
    };
    let system = prompt::system_prompt(&prompt_templates, campaign_ctx.as_ref());
    let messages = history(core, user_msg).await?;
    Ok(Chat {
        provider,
        request: ChatRequest {
            system,
            messages,
            max_tokens: crate::coach::MAX_TOKENS,
        },
    })
}

/// The conversation up to and including `user_msg`, as the window sends it.
async fn history(core: &Arc<Core>, user_msg: &Record) -> Result<Vec<ChatMessage>, ProviderOrJob> {
    let filter = server::filter(
        "conversation = {:c} && created <= {:t} && status != 'error'",
        &[
            ("c", json!(user_msg.get_str("conversation"))),
            ("t", json!(user_msg.get_str("created"))),
        ],
    );
    let mut rows = server::list(core, "messages", &filter, "-created,-@rowid", HISTORY_ROWS)
        .await
        .map_err(job)?;
    rows.reverse();
    let messages = rows
        .iter()
        .filter(|m| m.id() != crate::coach::reply_id(user_msg.id()))
        .map(|m| ChatMessage {
            role: if m.get_str("role") == "assistant" {
                Role::Assistant
            } else {
                Role::User
            },
            content: m.get_str("content").to_string(),
        })
        .collect();
    Ok(prompt::window(messages))
}

/// A campaign's metrics against its channel's benchmarks.
pub async fn campaign_analysis(
    core: &Arc<Core>,
    campaign: &Record,
    templates: &[Record],
) -> Result<analyze::Analysis, cairn::error::ApiError> {
    let filter = server::filter("campaign = {:c}", &[("c", json!(campaign.id()))]);
    let rows = server::list(core, "campaign_metrics", &filter, "date", 10_000).await?;
    let rows: Vec<Value> = rows.iter().map(|r| Value::Object(r.data.clone())).collect();
    let channel = campaign.get_str("channel");
    let bench_filter = server::filter("channel = {:c}", &[("c", json!(channel))]);
    let benchmarks: Vec<Benchmark> = server::list(core, "benchmarks", &bench_filter, "metric", 200)
        .await?
        .iter()
        .map(|b| Benchmark::from_json(&Value::Object(b.data.clone())))
        .collect();
    let pairs: Vec<(String, String)> = templates
        .iter()
        .map(|t| {
            (
                t.get_str("slug").to_string(),
                t.get_str("stage").to_string(),
            )
        })
        .collect();
    Ok(analyze::analyze(
        channel,
        Totals::sum(rows.iter()),
        &benchmarks,
        &pairs,
    ))
}

/// Slugs for the prompt: the campaign's fitting templates, else templates whose stage or
/// title words the question mentions.
fn fitting_templates(
    templates: &[Record],
    analysis: Option<&analyze::Analysis>,
    question: &str,
) -> Vec<String> {
    if let Some(a) = analysis
        && !a.templates.is_empty()
    {
        return a.templates.iter().take(MAX_TEMPLATES).cloned().collect();
    }
    let q = question.to_lowercase();
    templates
        .iter()
        .filter(|t| {
            let stage = t.get_str("stage");
            q.contains(stage)
                || t.get_str("slug")
                    .split('-')
                    .any(|w| w.len() > 3 && q.contains(w))
        })
        .take(MAX_TEMPLATES)
        .map(|t| t.get_str("slug").to_string())
        .collect()
}
