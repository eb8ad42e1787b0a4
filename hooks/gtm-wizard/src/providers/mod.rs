//! Streaming chat clients for the LLM providers a workspace can bring its own key for, one
//! file per wire format: [`openai`] (also `openai_compatible`), [`anthropic`], [`ollama`].
//!
//! [`stream_chat`] sends the system prompt and the conversation, hands every text delta to a
//! callback as it arrives, and returns the whole answer with the model and token counts, or a
//! [`ProviderError`] that says whether a retry can help. [`check_key`] makes the cheapest call
//! that proves a key works (listing models). The API key goes only into the provider's auth
//! header; it is never logged and is removed from every error message.

pub mod anthropic;
pub mod error;
pub mod ollama;
pub mod openai;

use std::time::Duration;

pub use error::ProviderError;

/// Which wire format and defaults a provider key uses (`provider_keys.provider`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProviderKind {
    OpenAi,
    Anthropic,
    Ollama,
    /// Any server speaking OpenAI's chat completions API; needs a base URL.
    OpenAiCompatible,
}

impl ProviderKind {
    /// From the `provider` select value.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "openai" => Self::OpenAi,
            "anthropic" => Self::Anthropic,
            "ollama" => Self::Ollama,
            "openai_compatible" => Self::OpenAiCompatible,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::OpenAi => "openai",
            Self::Anthropic => "anthropic",
            Self::Ollama => "ollama",
            Self::OpenAiCompatible => "openai_compatible",
        }
    }

    /// The base URL used when `base_url` is empty (issue 15 §2); none for `openai_compatible`.
    pub fn default_base_url(self) -> Option<&'static str> {
        match self {
            Self::OpenAi => Some("https://api.openai.com/v1"),
            Self::Anthropic => Some("https://api.anthropic.com"),
            Self::Ollama => Some("http://127.0.0.1:11434"),
            Self::OpenAiCompatible => None,
        }
    }

    /// The name used in messages.
    pub fn label(self) -> &'static str {
        match self {
            Self::OpenAi => "OpenAI",
            Self::Anthropic => "Anthropic",
            Self::Ollama => "Ollama",
            Self::OpenAiCompatible => "The OpenAI-compatible provider",
        }
    }
}

/// One provider key as the hook reads it from `provider_keys` (with the plaintext key).
#[derive(Clone)]
pub struct ProviderConfig {
    pub kind: ProviderKind,
    /// Empty → [`ProviderKind::default_base_url`]. A trailing `/` is ignored.
    pub base_url: String,
    pub model: String,
    /// Empty for a local Ollama.
    pub api_key: String,
}

// NOTE: hand-written so `{:?}` of a config (in a log line or a panic) never shows the key.
impl std::fmt::Debug for ProviderConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProviderConfig")
            .field("kind", &self.kind)
            .field("base_url", &self.base_url)
            .field("model", &self.model)
            .field("api_key", &"[redacted]")
            .finish()
    }
}

impl ProviderConfig {
    /// The base URL without a trailing slash, or a fatal error when there is none.
    pub fn base(&self) -> Result<String, ProviderError> {
        let base = self.base_url.trim().trim_end_matches('/');
        if !base.is_empty() {
            return Ok(base.to_string());
        }
        self.kind
            .default_base_url()
            .map(String::from)
            .ok_or_else(|| ProviderError::Fatal {
                message: "A base URL is required for an OpenAI-compatible provider.".into(),
            })
    }

    fn check_model(&self) -> Result<(), ProviderError> {
        if self.model.trim().is_empty() {
            return Err(ProviderError::Fatal {
                message:
                    "No model is set (set the key's default model or the conversation's model)."
                        .into(),
            });
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    User,
    Assistant,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::User => "user",
            Self::Assistant => "assistant",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ChatMessage {
    pub role: Role,
    pub content: String,
}

/// What to send: the system prompt and the conversation (oldest first, ending with the user).
#[derive(Debug, Clone, PartialEq)]
pub struct ChatRequest {
    pub system: String,
    pub messages: Vec<ChatMessage>,
    /// The answer's length limit (Anthropic requires one; sent to the others too).
    pub max_tokens: u32,
}

/// A finished answer.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ChatOutcome {
    /// The whole text (the concatenation of every delta passed to the callback).
    pub text: String,
    /// The model that answered, as the provider names it (may be a dated version).
    pub model: String,
    pub tokens_in: u64,
    pub tokens_out: u64,
}

/// An HTTP client for provider calls: connect timeout 10 s, and 120 s without a byte before
/// a stream counts as cut (no overall timeout: long answers may stream for minutes).
pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .read_timeout(Duration::from_secs(120))
        .build()
        .unwrap_or_default()
}

/// Streams one answer: `on_delta` gets each piece of text as it arrives.
pub async fn stream_chat(
    client: &reqwest::Client,
    config: &ProviderConfig,
    request: &ChatRequest,
    on_delta: &mut (dyn FnMut(&str) + Send),
) -> Result<ChatOutcome, ProviderError> {
    config.check_model()?;
    match config.kind {
        ProviderKind::OpenAi | ProviderKind::OpenAiCompatible => {
            openai::stream_chat(client, config, request, on_delta).await
        }
        ProviderKind::Anthropic => anthropic::stream_chat(client, config, request, on_delta).await,
        ProviderKind::Ollama => ollama::stream_chat(client, config, request, on_delta).await,
    }
}

/// Checks a key with the cheapest authenticated call (listing models): `Ok` when it works.
pub async fn check_key(
    client: &reqwest::Client,
    config: &ProviderConfig,
) -> Result<(), ProviderError> {
    let rb = match config.kind {
        ProviderKind::OpenAi | ProviderKind::OpenAiCompatible => {
            openai::authorize(client.get(format!("{}/models", config.base()?)), config)
        }
        ProviderKind::Anthropic => {
            anthropic::authorize(client.get(format!("{}/v1/models", config.base()?)), config)
        }
        ProviderKind::Ollama => {
            openai::authorize(client.get(format!("{}/api/tags", config.base()?)), config)
        }
    };
    let resp = send(rb, config).await?;
    drop(resp);
    Ok(())
}

/// Sends a request; a non-2xx answer becomes a classified error (its body read for the
/// provider's message).
pub(crate) async fn send(
    rb: reqwest::RequestBuilder,
    config: &ProviderConfig,
) -> Result<reqwest::Response, ProviderError> {
    let label = config.kind.label();
    let resp = rb
        .send()
        .await
        .map_err(|e| ProviderError::network(label, &e, &config.api_key))?;
    let status = resp.status();
    if status.is_success() {
        return Ok(resp);
    }
    let headers = resp.headers().clone();
    let body = resp.text().await.unwrap_or_default();
    Err(error::from_status(
        label,
        status.as_u16(),
        &headers,
        &body,
        &config.api_key,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_default_base_urls() {
        for s in ["openai", "anthropic", "ollama", "openai_compatible"] {
            assert_eq!(ProviderKind::parse(s).map(ProviderKind::as_str), Some(s));
        }
        assert_eq!(ProviderKind::parse("gemini"), None);
        let cfg = |kind, base_url: &str| ProviderConfig {
            kind,
            base_url: base_url.into(),
            model: "m".into(),
            api_key: "sk-secret-value".into(),
        };
        assert_eq!(
            cfg(ProviderKind::OpenAi, "").base(),
            Ok("https://api.openai.com/v1".into())
        );
        assert_eq!(
            cfg(ProviderKind::Anthropic, " ").base(),
            Ok("https://api.anthropic.com".into())
        );
        assert_eq!(
            cfg(ProviderKind::Ollama, "").base(),
            Ok("http://127.0.0.1:11434".into())
        );
        assert_eq!(
            cfg(ProviderKind::OpenAi, "http://127.0.0.1:9/v1/").base(),
            Ok("http://127.0.0.1:9/v1".into())
        );
        assert!(matches!(
            cfg(ProviderKind::OpenAiCompatible, "").base(),
            Err(ProviderError::Fatal { .. })
        ));
        let shown = format!("{:?}", cfg(ProviderKind::OpenAi, ""));
        assert!(!shown.contains("sk-secret-value"), "{shown}");
    }
}
