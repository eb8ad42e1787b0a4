//! OpenAI chat completions streaming (`POST {base}/chat/completions`, `stream: true`,
//! `stream_options.include_usage`, `Authorization: Bearer <key>`), also used for any
//! OpenAI-compatible server. The answer is a server-sent event stream of `data: <chunk>` lines,
//! the text in `choices[0].delta.content`, token counts in the last chunk's `usage`, and
//! `data: [DONE]` at the end; events are parsed by `eventsource-stream`.

use eventsource_stream::Eventsource;
use futures_util::StreamExt;
use serde_json::{Value, json};

use super::{ChatOutcome, ChatRequest, ProviderConfig, ProviderError, send};

pub(crate) fn authorize(
    rb: reqwest::RequestBuilder,
    config: &ProviderConfig,
) -> reqwest::RequestBuilder {
    if config.api_key.is_empty() {
        rb
    } else {
        rb.bearer_auth(&config.api_key)
    }
}

/// The request body.
pub fn body(model: &str, request: &ChatRequest) -> Value {
    let mut messages = Vec::with_capacity(request.messages.len() + 1);
    if !request.system.is_empty() {
        messages.push(json!({"role": "system", "content": request.system}));
    }
    for m in &request.messages {
        messages.push(json!({"role": m.role.as_str(), "content": m.content}));
    }
    json!({
        "model": model,
        "messages": messages,
        "max_tokens": request.max_tokens,
        "stream": true,
        "stream_options": {"include_usage": true},
    })
}

/// What one `data:` payload meant.
#[derive(Debug, PartialEq)]
pub enum Step {
    Continue,
    Done,
}

/// Folds one `data:` payload into the outcome, passing any text to `on_delta`.
pub fn apply(
    out: &mut ChatOutcome,
    data: &str,
    on_delta: &mut (dyn FnMut(&str) + Send),
    key: &str,
) -> Result<Step, ProviderError> {
    let data = data.trim();
    if data == "[DONE]" {
        return Ok(Step::Done);
    }
    if data.is_empty() {
        return Ok(Step::Continue);
    }
    let chunk: Value = serde_json::from_str(data)
        .map_err(|e| ProviderError::retryable(format!("unreadable stream chunk: {e}"), key))?;
    if let Some(err) = chunk.get("error").filter(|e| !e.is_null()) {
        // An error inside a 200 stream: a server-side failure, worth a retry.
        let msg = super::error::body_message(&json!({"error": err}).to_string())
            .unwrap_or_else(|| "stream error".into());
        return Err(ProviderError::retryable(
            format!("stream error: {msg}"),
            key,
        ));
    }
    if let Some(m) = chunk.get("model").and_then(Value::as_str)
        && out.model.is_empty()
    {
        out.model = m.to_string();
    }
    if let Some(text) = chunk
        .pointer("/choices/0/delta/content")
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty())
    {
        out.text.push_str(text);
        on_delta(text);
    }
    if let Some(usage) = chunk.get("usage").filter(|u| u.is_object()) {
        out.tokens_in = usage["prompt_tokens"].as_u64().unwrap_or(out.tokens_in);
        out.tokens_out = usage["completion_tokens"]
            .as_u64()
            .unwrap_or(out.tokens_out);
    }
    Ok(Step::Continue)
}

pub(crate) async fn stream_chat(
    client: &reqwest::Client,
    config: &ProviderConfig,
    request: &ChatRequest,
    on_delta: &mut (dyn FnMut(&str) + Send),
) -> Result<ChatOutcome, ProviderError> {
    let key = config.api_key.as_str();
    let label = config.kind.label();
    let url = format!("{}/chat/completions", config.base()?);
    let rb = authorize(client.post(url), config).json(&body(&config.model, request));
    let resp = send(rb, config).await?;
    let mut events = resp.bytes_stream().eventsource();
    let mut out = ChatOutcome::default();
    while let Some(event) = events.next().await {
        let event = event.map_err(|e| ProviderError::stream(label, e, key))?;
        if apply(&mut out, &event.data, on_delta, key)? == Step::Done {
            if out.model.is_empty() {
                out.model = config.model.clone();
            }
            return Ok(out);
        }
    }
    Err(ProviderError::retryable(
        format!("{label}'s stream ended before [DONE]"),
        key,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::{ChatMessage, Role};

    #[test]
    fn request_body_has_the_system_prompt_first_and_asks_for_usage() {
        let req = ChatRequest {
            system: "You coach.".into(),
            messages: vec![ChatMessage {
                role: Role::User,
                content: "Hi".into(),
            }],
            max_tokens: 100,
        };
        assert_eq!(
            body("gpt-4o-mini", &req),
            json!({"model": "gpt-4o-mini", "messages": [
                {"role": "system", "content": "You coach."}, {"role": "user", "content": "Hi"}],
                "max_tokens": 100, "stream": true, "stream_options": {"include_usage": true}})
        );
    }

    #[test]
    fn chunks_fold_into_text_model_and_usage() {
        let mut out = ChatOutcome::default();
        let mut seen = Vec::new();
        let mut cb = |t: &str| seen.push(t.to_string());
        let chunks = [
            r#"{"id":"c1","object":"chat.completion.chunk","model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}],"usage":null}"#,
            r#"{"id":"c1","object":"chat.completion.chunk","model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"delta":{"content":"Hel"},"finish_reason":null}],"usage":null}"#,
            r#"{"id":"c1","object":"chat.completion.chunk","model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"delta":{"content":"lo"},"finish_reason":"stop"}],"usage":null}"#,
            r#"{"id":"c1","object":"chat.completion.chunk","model":"gpt-4o-mini-2024-07-18","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":2,"total_tokens":14}}"#,
        ];
        for c in chunks {
            assert_eq!(apply(&mut out, c, &mut cb, "k"), Ok(Step::Continue));
        }
        assert_eq!(apply(&mut out, "[DONE]", &mut cb, "k"), Ok(Step::Done));
        assert_eq!(seen, ["Hel", "lo"]);
        assert_eq!(
            out,
            ChatOutcome {
                text: "Hello".into(),
                model: "gpt-4o-mini-2024-07-18".into(),
                tokens_in: 12,
                tokens_out: 2
            }
        );
    }

    #[test]
    fn errors_inside_the_stream_are_retryable() {
        let mut out = ChatOutcome::default();
        let r = apply(
            &mut out,
            r#"{"error":{"message":"overloaded"}}"#,
            &mut |_| {},
            "k",
        );
        assert!(matches!(r, Err(ProviderError::Retryable { .. })), "{r:?}");
        let r = apply(&mut out, "{not json", &mut |_| {}, "k");
        assert!(matches!(r, Err(ProviderError::Retryable { .. })), "{r:?}");
    }
}
