//! The AI coach job (`gtm.coach`, payload `{"message": USER_MESSAGE_ID}`), queued in the
//! transaction that creates a user message. It writes the assistant's reply into a message of
//! its own (`status: streaming`), streams the provider's answer into `content` with throttled
//! updates, then sets `status: done`, `model`, tokens and cost.
//!
//! At least once: a job whose process died runs again after its lease. The reply's id is
//! derived from the user message's id ([`reply_id`]), so a rerun finds and restarts the same
//! reply instead of writing a second one. 429/5xx/network failures retry with backoff (the
//! provider's `Retry-After` wins); other failures, or the last attempt, end in `status: error`
//! with a readable message (never the key).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use cairn::core::Core;
use cairn::jobs::{JobContext, JobError};
use cairn::records::server;
use serde_json::{Value, json};

use crate::context;
use crate::pricing;
use crate::providers::{self, ChatRequest, ProviderError};

pub const JOB: &str = "gtm.coach";
/// Attempts before a reply ends in `error` (the job is queued with this many).
pub const MAX_ATTEMPTS: u32 = 5;
/// Longest answer asked for.
pub const MAX_TOKENS: u32 = 1024;

/// How often the growing answer is written while it streams (`GTM_STREAM_FLUSH_MS`).
fn flush_every() -> Duration {
    let ms = std::env::var("GTM_STREAM_FLUSH_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(150);
    Duration::from_millis(ms)
}

/// How often the flusher looks for the answer's first characters.
const FIRST_POLL: Duration = Duration::from_millis(10);

const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";

/// The id of the reply to user message `id`: each character shifted along `[a-z0-9]` by a
/// position-dependent non-zero amount — a bijection, so distinct messages get distinct replies.
pub fn reply_id(id: &str) -> String {
    id.bytes()
        .enumerate()
        .map(|(i, b)| match ALPHABET.iter().position(|&a| a == b) {
            Some(p) => ALPHABET[(p + 17 + i) % ALPHABET.len()] as char,
            None => b as char,
        })
        .collect()
}

/// An engine failure: worth another attempt.
pub(crate) fn internal(e: impl std::fmt::Display) -> JobError {
    JobError::retry(e.to_string())
}

/// Runs one attempt.
pub async fn run(ctx: JobContext) -> Result<Value, JobError> {
    let core = ctx.core.clone();
    let Some(user_id) = ctx.payload["message"].as_str().map(str::to_string) else {
        return Err(JobError::fatal("payload without a message id"));
    };
    let Some(user_msg) = server::find(&core, "messages", &user_id)
        .await
        .map_err(internal)?
    else {
        // Deleted meanwhile: nothing to answer.
        return Ok(json!({"skipped": "message deleted"}));
    };
    let conversation_id = user_msg.get_str("conversation").to_string();
    let reply = start_reply(&core, &conversation_id, &reply_id(&user_id)).await?;

    let outcome = async {
        let chat = context::load(&core, &user_msg).await?;
        stream(&core, &reply, &chat.provider, &chat.request).await
    }
    .await;
    match outcome {
        Ok(done) => Ok(done),
        Err(ProviderOrJob::Provider(e)) if e.is_retryable() && ctx.attempt < MAX_ATTEMPTS => {
            set_status(&core, &reply, "pending", "").await;
            Err(match e {
                ProviderError::Retryable {
                    retry_after: Some(after),
                    message,
                } => JobError::retry_after(message, after),
                other => JobError::retry(other.message().to_string()),
            })
        }
        Err(ProviderOrJob::Provider(e)) => {
            set_status(&core, &reply, "error", e.message()).await;
            Err(JobError::fatal(e.message().to_string()))
        }
        Err(ProviderOrJob::Job(e)) => Err(e),
    }
}

/// A failed attempt: the provider's error (decides retry or `error`) or the engine's.
pub enum ProviderOrJob {
    Provider(ProviderError),
    Job(JobError),
}

impl From<ProviderError> for ProviderOrJob {
    fn from(e: ProviderError) -> Self {
        Self::Provider(e)
    }
}

/// Creates the reply (`status: streaming`, empty), or restarts the one an earlier attempt made.
async fn start_reply(core: &Arc<Core>, conversation: &str, id: &str) -> Result<String, JobError> {
    let fresh = json!({"content": "", "status": "streaming", "error": "", "model": "",
        "tokens_in": 0, "tokens_out": 0, "cost_usd": 0});
    match server::find(core, "messages", id).await.map_err(internal)? {
        Some(r)
            if r.get_str("role") == "assistant" && r.get_str("conversation") == conversation =>
        {
            server::update(core, "messages", id, fresh)
                .await
                .map_err(internal)?;
        }
        Some(_) => return Err(JobError::fatal("the reply id is taken by another message")),
        None => {
            let mut body = fresh;
            body["id"] = json!(id);
            body["conversation"] = json!(conversation);
            body["role"] = json!("assistant");
            server::create(core, "messages", body)
                .await
                .map_err(internal)?;
        }
    }
    Ok(id.to_string())
}

async fn set_status(core: &Arc<Core>, reply: &str, status: &str, error: &str) {
    let body = json!({"status": status, "error": error});
    if let Err(e) = server::update(core, "messages", reply, body).await {
        tracing::warn!(error = %e, reply, "setting the reply status");
    }
}

/// Streams the answer into the reply, writing the text every [`flush_every`].
async fn stream(
    core: &Arc<Core>,
    reply: &str,
    provider: &providers::ProviderConfig,
    request: &ChatRequest,
) -> Result<Value, ProviderOrJob> {
    let text = Arc::new(Mutex::new(String::new()));
    let (stop_tx, mut stop_rx) = tokio::sync::oneshot::channel::<()>();
    let flusher = {
        let (core, reply, text) = (core.clone(), reply.to_string(), text.clone());
        tokio::spawn(async move {
            let mut written = 0usize;
            loop {
                // Until the first characters are written, look often (so they show at once);
                // after that, write at most every `flush_every`.
                let wait = if written == 0 {
                    FIRST_POLL
                } else {
                    flush_every()
                };
                tokio::select! {
                    _ = tokio::time::sleep(wait) => {}
                    _ = &mut stop_rx => break,
                }
                let now = text.lock().map(|t| t.clone()).unwrap_or_default();
                if now.len() != written {
                    written = now.len();
                    let body = json!({"content": now});
                    if let Err(e) = server::update(&core, "messages", &reply, body).await {
                        tracing::warn!(error = %e, "writing a streamed reply");
                    }
                }
            }
        })
    };
    let client = providers::http_client();
    let sink = text.clone();
    let mut on_delta = move |delta: &str| {
        if let Ok(mut t) = sink.lock() {
            t.push_str(delta);
        }
    };
    let result = providers::stream_chat(&client, provider, request, &mut on_delta).await;
    let _ = stop_tx.send(());
    let _ = flusher.await;
    let outcome = result?;
    let model = if outcome.model.is_empty() {
        provider.model.clone()
    } else {
        outcome.model.clone()
    };
    let cost = pricing::cost_usd(&model, outcome.tokens_in, outcome.tokens_out);
    let body = json!({
        "content": outcome.text, "status": "done", "error": "", "model": model,
        "tokens_in": outcome.tokens_in, "tokens_out": outcome.tokens_out, "cost_usd": cost,
    });
    server::update(core, "messages", reply, body)
        .await
        .map_err(|e| ProviderOrJob::Job(internal(e)))?;
    Ok(json!({"reply": reply, "model": model, "tokens_out": outcome.tokens_out}))
}

#[cfg(test)]
mod tests {
    use super::reply_id;

    #[test]
    fn reply_ids_are_distinct_valid_ids() {
        let a = reply_id("abc123xyz456pqr");
        assert_eq!(a.len(), 15);
        assert!(
            a.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        );
        assert_ne!(a, "abc123xyz456pqr");
        assert_ne!(a, reply_id("abc123xyz456pqs"));
        assert_eq!(a, reply_id("abc123xyz456pqr"));
    }
}
