//! How a provider call failed, classified for the job that made it: retry later (429, 5xx,
//! network, a stream that stopped early) or give up with a message a person can read. Every
//! message passes [`redact`] first, so an API key that a provider echoes back never leaves
//! this module.

use std::time::Duration;

use reqwest::header::HeaderMap;
use serde_json::Value;

/// The longest provider message kept (bodies can be whole HTML error pages).
const MAX_MESSAGE: usize = 300;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ProviderError {
    /// Worth trying again: rate limited, provider overloaded or failing, network trouble, or a
    /// stream cut before its end. `retry_after` is the provider's own hint when it sent one.
    #[error("temporary provider failure: {message}")]
    Retryable {
        retry_after: Option<Duration>,
        message: String,
    },
    /// Trying again will not help (bad key, unknown model, bad request).
    #[error("{message}")]
    Fatal { message: String },
}

impl ProviderError {
    pub fn is_retryable(&self) -> bool {
        matches!(self, Self::Retryable { .. })
    }

    /// The readable message (never containing the key).
    pub fn message(&self) -> &str {
        match self {
            Self::Retryable { message, .. } | Self::Fatal { message } => message,
        }
    }

    pub(crate) fn retryable(message: impl Into<String>, key: &str) -> Self {
        Self::Retryable {
            retry_after: None,
            message: redact(&message.into(), key),
        }
    }

    pub(crate) fn fatal(message: impl Into<String>, key: &str) -> Self {
        Self::Fatal {
            message: redact(&message.into(), key),
        }
    }

    /// A transport error (connect, timeout, body cut): always retryable. The URL is dropped
    /// from the text: a base URL may carry credentials of its own.
    pub(crate) fn network(provider: &str, e: &reqwest::Error, key: &str) -> Self {
        let what = if e.is_timeout() {
            "timed out"
        } else if e.is_connect() {
            "could not be reached"
        } else {
            "connection failed"
        };
        let detail = std::error::Error::source(e)
            .map(|s| format!(" ({s})"))
            .unwrap_or_default();
        Self::retryable(format!("{provider} {what}{detail}"), key)
    }

    /// An error while reading an SSE stream (OpenAI and Anthropic): a transport error as
    /// [`Self::network`], a malformed stream retryable too.
    pub(crate) fn stream(
        provider: &str,
        e: eventsource_stream::EventStreamError<reqwest::Error>,
        key: &str,
    ) -> Self {
        match e {
            eventsource_stream::EventStreamError::Transport(t) => Self::network(provider, &t, key),
            other => Self::retryable(format!("{provider} sent a broken stream: {other}"), key),
        }
    }
}

/// Classifies a non-success HTTP answer: 408, 409, 429 and 5xx are retryable (with the
/// `Retry-After` hint), everything else is fatal. The provider's own message is kept.
pub(crate) fn from_status(
    provider: &str,
    status: u16,
    headers: &HeaderMap,
    body: &str,
    key: &str,
) -> ProviderError {
    let detail = body_message(body);
    let reason = reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("error");
    let hint = match status {
        401 | 403 => " (check the API key)",
        404 => " (check the base URL and the model name)",
        _ => "",
    };
    let message = match detail {
        Some(d) => format!("{provider} answered {status} {reason}{hint}: {d}"),
        None => format!("{provider} answered {status} {reason}{hint}"),
    };
    if matches!(status, 408 | 409 | 429) || (500..600).contains(&status) {
        ProviderError::Retryable {
            retry_after: retry_after(headers),
            message: redact(&message, key),
        }
    } else {
        ProviderError::fatal(message, key)
    }
}

/// The message inside a provider's error body: OpenAI `{"error":{"message"}}`, Anthropic
/// `{"type":"error","error":{"message"}}`, Ollama `{"error":"…"}`; else the text itself.
pub(crate) fn body_message(body: &str) -> Option<String> {
    let text = match serde_json::from_str::<Value>(body) {
        Ok(v) => match &v["error"] {
            Value::String(s) => s.clone(),
            Value::Object(o) => o
                .get("message")
                .and_then(Value::as_str)
                .map_or_else(|| Value::Object(o.clone()).to_string(), String::from),
            _ => v
                .get("message")
                .and_then(Value::as_str)
                .map_or_else(|| body.to_string(), String::from),
        },
        Err(_) => body.to_string(),
    };
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.is_empty() {
        return None;
    }
    Some(truncate(&text, MAX_MESSAGE))
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max).collect();
    out.push('…');
    out
}

/// `Retry-After` (seconds or an HTTP date) or OpenAI's `retry-after-ms`, capped at 10 minutes
/// so a hostile or confused provider cannot park a job for days.
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    const CAP: Duration = Duration::from_secs(600);
    let get = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    let parsed = if let Some(ms) = get("retry-after-ms").and_then(|v| v.parse::<f64>().ok()) {
        Some(Duration::from_secs_f64(ms.max(0.0) / 1000.0))
    } else {
        let v = get("retry-after")?;
        if let Ok(secs) = v.parse::<f64>() {
            Some(Duration::from_secs_f64(secs.max(0.0)))
        } else {
            let at = chrono::DateTime::parse_from_rfc2822(v).ok()?;
            let wait = at.signed_duration_since(chrono::Utc::now());
            Some(wait.to_std().unwrap_or(Duration::ZERO))
        }
    };
    parsed.map(|d| d.min(CAP))
}

/// Removes `key` from `text`: the key itself, and every word (a run of non-whitespace, outer
/// punctuation kept) sharing 4 or more consecutive characters with it, because providers echo
/// keys masked (OpenAI: `sk-proj-****…T3Bl`), which a search for the whole key misses. Keys
/// shorter than 4 characters are not searched for (they are refused upstream anyway).
pub fn redact(text: &str, key: &str) -> String {
    let key: Vec<char> = key.trim().chars().collect();
    if key.len() < 4 {
        return text.to_string();
    }
    let whole: String = key.iter().collect();
    let text = text.replace(&whole, "[redacted]");
    let fragments: std::collections::HashSet<&[char]> = key.windows(4).collect();
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    for c in text.chars().chain(std::iter::once(' ')) {
        if !c.is_whitespace() {
            word.push(c);
            continue;
        }
        let core = word.trim_matches(|c: char| ".,;:!?\"'()[]{}<>".contains(c));
        let chars: Vec<char> = core.chars().collect();
        if chars.windows(4).any(|w| fragments.contains(w)) {
            out.push_str(&word.replacen(core, "[redacted]", 1));
        } else {
            out.push_str(&word);
        }
        word.clear();
        out.push(c);
    }
    out.pop();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).expect("header"));
        }
        h
    }

    #[test]
    fn statuses_are_classified() {
        let h = headers(&[("retry-after", "7")]);
        let e = from_status("OpenAI", 429, &h, "{}", "k");
        assert_eq!(
            e,
            ProviderError::Retryable {
                retry_after: Some(Duration::from_secs(7)),
                message: "OpenAI answered 429 Too Many Requests: {}".into()
            }
        );
        for s in [500, 502, 503, 529, 408] {
            assert!(
                from_status("X", s, &HeaderMap::new(), "", "k").is_retryable(),
                "{s}"
            );
        }
        for s in [400, 401, 403, 404, 422] {
            assert!(
                !from_status("X", s, &HeaderMap::new(), "", "k").is_retryable(),
                "{s}"
            );
        }
    }

    #[test]
    fn provider_messages_are_extracted_and_the_key_removed() {
        let key = "sk-live-0123456789abcdef";
        let openai = format!(
            r#"{{"error":{{"message":"Incorrect API key provided: {key}.","type":"invalid_request_error"}}}}"#
        );
        let e = from_status("OpenAI", 401, &HeaderMap::new(), &openai, key);
        assert_eq!(
            e.message(),
            "OpenAI answered 401 Unauthorized (check the API key): Incorrect API key provided: [redacted]."
        );
        let anthropic = r#"{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}"#;
        assert_eq!(
            body_message(anthropic).as_deref(),
            Some("invalid x-api-key")
        );
        assert_eq!(
            body_message(r#"{"error":"model \"x\" not found"}"#).as_deref(),
            Some("model \"x\" not found")
        );
        assert_eq!(
            body_message("  upstream\n  broke "),
            Some("upstream broke".into())
        );
        assert_eq!(body_message(""), None);
        assert_eq!(
            body_message(&"x".repeat(1000)).map(|m| m.chars().count()),
            Some(301)
        );
    }

    #[test]
    fn retry_after_forms() {
        assert_eq!(
            retry_after(&headers(&[("retry-after", "1.5")])),
            Some(Duration::from_millis(1500))
        );
        assert_eq!(
            retry_after(&headers(&[("retry-after-ms", "250"), ("retry-after", "9")])),
            Some(Duration::from_millis(250))
        );
        assert_eq!(
            retry_after(&headers(&[("retry-after", "86400")])),
            Some(Duration::from_secs(600))
        );
        let past = retry_after(&headers(&[(
            "retry-after",
            "Wed, 21 Oct 2015 07:28:00 GMT",
        )]));
        assert_eq!(past, Some(Duration::ZERO));
        let soon = (chrono::Utc::now() + chrono::Duration::seconds(30)).to_rfc2822();
        let d = retry_after(&headers(&[("retry-after", &soon)])).expect("date");
        assert!(
            d > Duration::from_secs(25) && d <= Duration::from_secs(30),
            "{d:?}"
        );
        assert_eq!(retry_after(&headers(&[("retry-after", "soon")])), None);
        assert_eq!(retry_after(&HeaderMap::new()), None);
    }

    #[test]
    fn redaction() {
        assert_eq!(
            redact("a sk-123456 b sk-123456", "sk-123456"),
            "a [redacted] b [redacted]"
        );
        assert_eq!(redact("the abc", "abc"), "the abc");
        assert_eq!(
            redact(
                "Incorrect key: sk-proj-****wxyz. See docs",
                "sk-proj-abcdwxyz"
            ),
            "Incorrect key: [redacted]. See docs"
        );
    }
}
