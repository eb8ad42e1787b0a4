//! Ollama chat streaming (`POST {base}/api/chat`, `stream: true`; no key for a local server,
//! `Authorization: Bearer <key>` when one is set, as for ollama.com or a proxy). The answer is
//! newline-delimited JSON: one object per line with the text in `message.content`, the last
//! one with `done: true` and the token counts `prompt_eval_count` / `eval_count`; an `error`
//! line reports a failure. Lines are split by `tokio-util`'s `LinesCodec`.

use futures_util::{StreamExt, TryStreamExt};
use serde_json::{Value, json};
use tokio_util::codec::{FramedRead, LinesCodec, LinesCodecError};
use tokio_util::io::StreamReader;

use super::{ChatOutcome, ChatRequest, ProviderConfig, ProviderError, send};

/// The longest line accepted (one line holds one token or the final statistics).
const MAX_LINE: usize = 1 << 20;

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
        "stream": true,
        "options": {"num_predict": request.max_tokens},
    })
}

#[derive(Debug, PartialEq)]
pub enum Step {
    Continue,
    Done,
}

/// Folds one NDJSON line into the outcome.
pub fn apply(
    out: &mut ChatOutcome,
    line: &str,
    on_delta: &mut (dyn FnMut(&str) + Send),
) -> Result<Step, ProviderError> {
    let line = line.trim();
    if line.is_empty() {
        return Ok(Step::Continue);
    }
    let v: Value = serde_json::from_str(line)
        .map_err(|e| ProviderError::retryable(format!("unreadable stream line: {e}"), ""))?;
    if let Some(err) = v.get("error").and_then(Value::as_str) {
        return Err(ProviderError::fatal(format!("Ollama error: {err}"), ""));
    }
    if let Some(model) = v["model"].as_str()
        && out.model.is_empty()
    {
        out.model = model.to_string();
    }
    if let Some(text) = v.pointer("/message/content").and_then(Value::as_str)
        && !text.is_empty()
    {
        out.text.push_str(text);
        on_delta(text);
    }
    if v["done"].as_bool() == Some(true) {
        out.tokens_in = v["prompt_eval_count"].as_u64().unwrap_or(0);
        out.tokens_out = v["eval_count"].as_u64().unwrap_or(0);
        return Ok(Step::Done);
    }
    Ok(Step::Continue)
}

pub(crate) async fn stream_chat(
    client: &reqwest::Client,
    config: &ProviderConfig,
    request: &ChatRequest,
    on_delta: &mut (dyn FnMut(&str) + Send),
) -> Result<ChatOutcome, ProviderError> {
    let label = config.kind.label();
    let key = config.api_key.as_str();
    let url = format!("{}/api/chat", config.base()?);
    let rb = super::openai::authorize(client.post(url), config).json(&body(&config.model, request));
    let resp = send(rb, config).await?;
    let reader = StreamReader::new(resp.bytes_stream().map_err(std::io::Error::other));
    let mut lines = FramedRead::new(reader, LinesCodec::new_with_max_length(MAX_LINE));
    let mut out = ChatOutcome::default();
    while let Some(line) = lines.next().await {
        let line = line.map_err(|e| match e {
            LinesCodecError::MaxLineLengthExceeded => {
                ProviderError::fatal(format!("{label} sent a line over {MAX_LINE} bytes"), key)
            }
            LinesCodecError::Io(io) => {
                ProviderError::retryable(format!("{label} connection failed ({io})"), key)
            }
        })?;
        if apply(&mut out, &line, on_delta)? == Step::Done {
            return Ok(out);
        }
    }
    Err(ProviderError::retryable(
        format!("{label}'s stream ended before done"),
        key,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_fold_into_text_and_counts() {
        let mut out = ChatOutcome::default();
        let mut seen = Vec::new();
        let mut cb = |t: &str| seen.push(t.to_string());
        let lines = [
            r#"{"model":"llama3.2","created_at":"2026-12-07T06:00:00Z","message":{"role":"assistant","content":"The"},"done":false}"#,
            r#"{"model":"llama3.2","created_at":"2026-12-07T06:00:00Z","message":{"role":"assistant","content":" sky"},"done":false}"#,
        ];
        for l in lines {
            assert_eq!(apply(&mut out, l, &mut cb), Ok(Step::Continue));
        }
        let last = r#"{"model":"llama3.2","created_at":"2026-12-07T06:00:01Z","message":{"role":"assistant","content":""},"done":true,"done_reason":"stop","total_duration":100,"load_duration":1,"prompt_eval_count":26,"prompt_eval_duration":2,"eval_count":298,"eval_duration":3}"#;
        assert_eq!(apply(&mut out, last, &mut cb), Ok(Step::Done));
        assert_eq!(seen, ["The", " sky"]);
        assert_eq!(
            out,
            ChatOutcome {
                text: "The sky".into(),
                model: "llama3.2".into(),
                tokens_in: 26,
                tokens_out: 298
            }
        );
        let err = apply(&mut out, r#"{"error":"model 'x' not found"}"#, &mut |_| {});
        assert_eq!(
            err,
            Err(ProviderError::Fatal {
                message: "Ollama error: model 'x' not found".into()
            })
        );
    }
}
