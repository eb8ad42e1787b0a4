//! Anthropic messages streaming (`POST {base}/v1/messages`, `x-api-key`,
//! `anthropic-version: 2023-06-01`, `stream: true`). The answer is a server-sent event stream
//! with named events: `message_start` (model, input tokens), `content_block_delta` (text in
//! `delta.text`), `message_delta` (output tokens so far), `message_stop` (the end), plus
//! `ping`, `content_block_start/stop` and `error`; parsed by `eventsource-stream`.

use eventsource_stream::Eventsource;
use futures_util::StreamExt;
use serde_json::{Value, json};

use super::{ChatOutcome, ChatRequest, ProviderConfig, ProviderError, send};

pub const API_VERSION: &str = "2023-06-01";

pub(crate) fn authorize(
    rb: reqwest::RequestBuilder,
    config: &ProviderConfig,
) -> reqwest::RequestBuilder {
    rb.header("x-api-key", &config.api_key)
        .header("anthropic-version", API_VERSION)
}

/// The request body (the system prompt is a top-level field, not a message).
pub fn body(model: &str, request: &ChatRequest) -> Value {
    let messages: Vec<Value> = request
        .messages
        .iter()
        .map(|m| json!({"role": m.role.as_str(), "content": m.content}))
        .collect();
    let mut body = json!({
        "model": model,
        "max_tokens": request.max_tokens,
        "messages": messages,
        "stream": true,
    });
    if !request.system.is_empty() {
        body["system"] = json!(request.system);
    }
    body
}

#[derive(Debug, PartialEq)]
pub enum Step {
    Continue,
    Done,
}

/// Folds one event (its name and `data:` payload) into the outcome.
pub fn apply(
    out: &mut ChatOutcome,
    event: &str,
    data: &str,
    on_delta: &mut (dyn FnMut(&str) + Send),
    key: &str,
) -> Result<Step, ProviderError> {
    if data.trim().is_empty() {
        return Ok(Step::Continue);
    }
    let v: Value = serde_json::from_str(data)
        .map_err(|e| ProviderError::retryable(format!("unreadable stream event: {e}"), key))?;
    // The `type` field repeats the event name; trust either.
    let kind = if event.is_empty() || event == "message" {
        v["type"].as_str().unwrap_or_default()
    } else {
        event
    };
    match kind {
        "message_start" => {
            let m = &v["message"];
            if let Some(model) = m["model"].as_str() {
                out.model = model.to_string();
            }
            add_usage(out, &m["usage"]);
        }
        "content_block_delta" => {
            if let Some(text) = v.pointer("/delta/text").and_then(Value::as_str)
                && !text.is_empty()
            {
                out.text.push_str(text);
                on_delta(text);
            }
        }
        "message_delta" => add_usage(out, &v["usage"]),
        "message_stop" => return Ok(Step::Done),
        "error" => {
            let kind = v
                .pointer("/error/type")
                .and_then(Value::as_str)
                .unwrap_or("error");
            let msg = super::error::body_message(data).unwrap_or_else(|| kind.to_string());
            let message = format!("Anthropic stream error ({kind}): {msg}");
            // Overload and internal errors mid-stream are transient; others are not.
            return Err(
                if matches!(kind, "overloaded_error" | "api_error" | "rate_limit_error") {
                    ProviderError::retryable(message, key)
                } else {
                    ProviderError::fatal(message, key)
                },
            );
        }
        _ => {}
    }
    Ok(Step::Continue)
}

/// Usage counts are cumulative: keep the largest seen. Cached prompt tokens count as input.
fn add_usage(out: &mut ChatOutcome, usage: &Value) {
    if !usage.is_object() {
        return;
    }
    let n = |k: &str| usage[k].as_u64().unwrap_or(0);
    let input = n("input_tokens") + n("cache_creation_input_tokens") + n("cache_read_input_tokens");
    out.tokens_in = out.tokens_in.max(input);
    out.tokens_out = out.tokens_out.max(n("output_tokens"));
}

pub(crate) async fn stream_chat(
    client: &reqwest::Client,
    config: &ProviderConfig,
    request: &ChatRequest,
    on_delta: &mut (dyn FnMut(&str) + Send),
) -> Result<ChatOutcome, ProviderError> {
    let key = config.api_key.as_str();
    let label = config.kind.label();
    let url = format!("{}/v1/messages", config.base()?);
    let rb = authorize(client.post(url), config).json(&body(&config.model, request));
    let resp = send(rb, config).await?;
    let mut events = resp.bytes_stream().eventsource();
    let mut out = ChatOutcome::default();
    while let Some(event) = events.next().await {
        let event = event.map_err(|e| ProviderError::stream(label, e, key))?;
        if apply(&mut out, &event.event, &event.data, on_delta, key)? == Step::Done {
            if out.model.is_empty() {
                out.model = config.model.clone();
            }
            return Ok(out);
        }
    }
    Err(ProviderError::retryable(
        format!("{label}'s stream ended before message_stop"),
        key,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::{ChatMessage, Role};

    #[test]
    fn request_body_puts_the_system_prompt_at_the_top() {
        let req = ChatRequest {
            system: "You coach.".into(),
            messages: vec![ChatMessage {
                role: Role::User,
                content: "Hi".into(),
            }],
            max_tokens: 512,
        };
        assert_eq!(
            body("claude-3-5-haiku-latest", &req),
            json!({"model": "claude-3-5-haiku-latest", "max_tokens": 512, "stream": true,
                   "system": "You coach.", "messages": [{"role": "user", "content": "Hi"}]})
        );
    }

    #[test]
    fn events_fold_into_text_model_and_usage() {
        let mut out = ChatOutcome::default();
        let mut seen = Vec::new();
        let mut cb = |t: &str| seen.push(t.to_string());
        let events = [
            (
                "message_start",
                r#"{"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","content":[],"model":"claude-3-5-haiku-20241022","stop_reason":null,"usage":{"input_tokens":25,"output_tokens":1}}}"#,
            ),
            (
                "content_block_start",
                r#"{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"#,
            ),
            ("ping", r#"{"type": "ping"}"#),
            (
                "content_block_delta",
                r#"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi "}}"#,
            ),
            (
                "content_block_delta",
                r#"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"there"}}"#,
            ),
            (
                "content_block_stop",
                r#"{"type":"content_block_stop","index":0}"#,
            ),
            (
                "message_delta",
                r#"{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":15}}"#,
            ),
        ];
        for (e, d) in events {
            assert_eq!(
                apply(&mut out, e, d, &mut cb, "k"),
                Ok(Step::Continue),
                "{e}"
            );
        }
        assert_eq!(
            apply(
                &mut out,
                "message_stop",
                r#"{"type":"message_stop"}"#,
                &mut cb,
                "k"
            ),
            Ok(Step::Done)
        );
        assert_eq!(seen, ["Hi ", "there"]);
        assert_eq!(
            out,
            ChatOutcome {
                text: "Hi there".into(),
                model: "claude-3-5-haiku-20241022".into(),
                tokens_in: 25,
                tokens_out: 15
            }
        );
    }

    #[test]
    fn stream_errors_are_classified() {
        let mut out = ChatOutcome::default();
        let overloaded =
            r#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#;
        let r = apply(&mut out, "error", overloaded, &mut |_| {}, "k");
        assert_eq!(
            r,
            Err(ProviderError::Retryable {
                retry_after: None,
                message: "Anthropic stream error (overloaded_error): Overloaded".into()
            })
        );
        let invalid =
            r#"{"type":"error","error":{"type":"invalid_request_error","message":"bad"}}"#;
        assert!(matches!(
            apply(&mut out, "error", invalid, &mut |_| {}, "k"),
            Err(ProviderError::Fatal { .. })
        ));
    }
}
