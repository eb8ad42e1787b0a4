//! A fake LLM provider for wire tests: one HTTP server on `127.0.0.1:<random port>` speaking
//! the streaming chat formats of OpenAI (`POST /v1/chat/completions`: SSE `data:` chunks, a
//! `finish_reason: "stop"` chunk, a usage chunk when `stream_options.include_usage` is asked
//! for, `data: [DONE]`), Anthropic (`POST /v1/messages`: named SSE events `message_start` …
//! `message_stop`) and Ollama (`POST /api/chat`: NDJSON lines, the last one `done: true`), their
//! key checks (`GET /v1/models`, `GET /api/tags`) and their real error bodies.
//!
//! The `base_url` a `ProviderConfig` takes for it is [`FakeLlm::base_url`]: `{url}/v1` for
//! OpenAI and OpenAI-compatible (the clients append `/chat/completions` and `/models`), `{url}`
//! for Anthropic and Ollama (they append `/v1/messages`, `/v1/models`, `/api/chat`,
//! `/api/tags`). `GET /v1/models` answers in Anthropic's shape when the request carries
//! `x-api-key` or `anthropic-version`, else in OpenAI's.
//!
//! The script is per server and shared by the formats: the reply and how it streams
//! ([`FakeLlm::set_reply`], [`FakeLlm::set_chunks`], [`FakeLlm::set_delay`], defaults
//! [`DEFAULT_CHUNKS`] chunks [`DEFAULT_DELAY`] apart), the model and usage reported, failures
//! of the next chat requests ([`FakeLlm::fail_next`]), a required key
//! ([`FakeLlm::require_key`]; like OpenAI, the 401 message echoes part of a wrong key), a
//! stream that stalls without closing ([`FakeLlm::hang_after`]). Every request is recorded
//! ([`FakeLlm::requests`]). Dropping the handle stops the server.

#![allow(dead_code)]

use std::collections::VecDeque;
use std::convert::Infallible;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use actix_web::dev::ServerHandle;
use actix_web::http::StatusCode;
use actix_web::web::{self, Bytes};
use actix_web::{App, HttpRequest, HttpResponse, HttpServer};
use futures_util::stream::{self, BoxStream, StreamExt};
use gtm_wizard::providers::ProviderKind;
use serde_json::{Value, json};

/// How many content chunks a reply is cut into unless [`FakeLlm::set_chunks`] says otherwise.
pub const DEFAULT_CHUNKS: usize = 20;
/// The pause before every content chunk but the first (20 chunks stream over ~0.6 s).
pub const DEFAULT_DELAY: Duration = Duration::from_millis(30);
/// The reply until [`FakeLlm::set_reply`].
pub const DEFAULT_REPLY: &str = "Start with one narrow segment: B2B founders who already \
    pay for a CRM. Write three cold emails, send 50 a day, and measure replies for a week.";
/// `created` of every OpenAI chunk.
const CREATED: u64 = 1_765_090_800;

/// One request as the fake received it.
#[derive(Debug, Clone)]
pub struct RecordedRequest {
    pub method: String,
    pub path: String,
    /// Names in lower case, in arrival order.
    pub headers: Vec<(String, String)>,
    /// The JSON body; `Null` when there was none or it was not JSON.
    pub body: Value,
}

impl RecordedRequest {
    /// The first value of a header (name case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    OpenAi,
    Anthropic,
    Ollama,
}

#[derive(Debug, Clone, Copy)]
struct Failure {
    status: u16,
    retry_after: Option<u64>,
}

struct Script {
    reply: String,
    chunks: usize,
    delay: Duration,
    model: Option<String>,
    usage: Option<(u64, u64)>,
    failures: VecDeque<Failure>,
    key: Option<String>,
    hang_after: Option<usize>,
    requests: Vec<RecordedRequest>,
}

impl Default for Script {
    fn default() -> Self {
        Self {
            reply: DEFAULT_REPLY.into(),
            chunks: DEFAULT_CHUNKS,
            delay: DEFAULT_DELAY,
            model: None,
            usage: None,
            failures: VecDeque::new(),
            key: None,
            hang_after: None,
            requests: Vec::new(),
        }
    }
}

fn lock(script: &Mutex<Script>) -> MutexGuard<'_, Script> {
    script.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A running fake provider; see the module docs.
pub struct FakeLlm {
    url: String,
    script: Arc<Mutex<Script>>,
    handle: ServerHandle,
}

impl FakeLlm {
    /// Binds 127.0.0.1:0 and serves on one worker thread.
    pub async fn start() -> Self {
        let script = Arc::new(Mutex::new(Script::default()));
        let data = web::Data::from(script.clone());
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .default_service(web::to(handle))
        })
        .workers(1)
        .disable_signals()
        .shutdown_timeout(0)
        .bind(("127.0.0.1", 0))
        .expect("the fake LLM binds 127.0.0.1:0");
        let addr = *server.addrs().first().expect("a bound address");
        let server = server.run();
        let handle = server.handle();
        tokio::spawn(server);
        Self {
            url: format!("http://{addr}"),
            script,
            handle,
        }
    }

    /// `http://127.0.0.1:PORT`, no trailing slash.
    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// The `ProviderConfig::base_url` for `kind`: `{url}/v1` for OpenAI(-compatible), else `{url}`.
    pub fn base_url(&self, kind: ProviderKind) -> String {
        match kind {
            ProviderKind::OpenAi | ProviderKind::OpenAiCompatible => format!("{}/v1", self.url),
            ProviderKind::Anthropic | ProviderKind::Ollama => self.url.clone(),
        }
    }

    /// `base_url(ProviderKind::OpenAi)`: `{url}/v1` (also for `openai_compatible`).
    pub fn openai_base(&self) -> String {
        self.base_url(ProviderKind::OpenAi)
    }

    /// `base_url(ProviderKind::Anthropic)`: `{url}`.
    pub fn anthropic_base(&self) -> String {
        self.base_url(ProviderKind::Anthropic)
    }

    /// `base_url(ProviderKind::Ollama)`: `{url}`.
    pub fn ollama_base(&self) -> String {
        self.base_url(ProviderKind::Ollama)
    }

    /// The text every chat answer streams.
    pub fn set_reply(&self, text: impl Into<String>) {
        lock(&self.script).reply = text.into();
    }

    /// Cut the reply into `n` content chunks (fewer when it has fewer characters; min 1).
    pub fn set_chunks(&self, n: usize) {
        lock(&self.script).chunks = n.max(1);
    }

    /// The pause before each content chunk after the first.
    pub fn set_delay(&self, delay: Duration) {
        lock(&self.script).delay = delay;
    }

    /// The model named in answers (default: the requested model).
    pub fn set_model(&self, model: impl Into<String>) {
        lock(&self.script).model = Some(model.into());
    }

    /// The token counts reported (default: prompt characters / 4 + 1, and the chunk count).
    pub fn set_usage(&self, tokens_in: u64, tokens_out: u64) {
        lock(&self.script).usage = Some((tokens_in, tokens_out));
    }

    /// The next `n` chat requests answer `status` (with `Retry-After: secs` when given) and
    /// the provider's error body for it.
    pub fn fail_next(&self, n: usize, status: u16, retry_after: Option<u64>) {
        let mut s = lock(&self.script);
        for _ in 0..n {
            s.failures.push_back(Failure {
                status,
                retry_after,
            });
        }
    }

    /// Every request (chat and key checks) must carry this key, else 401.
    pub fn require_key(&self, key: impl Into<String>) {
        lock(&self.script).key = Some(key.into());
    }

    /// `Some(k)` (or `k`): streams stop after `k` content chunks and stall without closing;
    /// `None` streams to the end again.
    pub fn hang_after(&self, k: impl Into<Option<usize>>) {
        lock(&self.script).hang_after = k.into();
    }

    /// Every request received so far, oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.script).requests.clone()
    }

    /// The `POST` requests (chat calls) received so far.
    pub fn chat_requests(&self) -> Vec<RecordedRequest> {
        let s = lock(&self.script);
        s.requests
            .iter()
            .filter(|r| r.method == "POST")
            .cloned()
            .collect()
    }
}

impl Drop for FakeLlm {
    fn drop(&mut self) {
        // The stop command is sent now; the returned future only waits for it to finish.
        drop(self.handle.stop(false));
    }
}

/// A base URL on which nothing listens (a port bound and released): connections are refused.
pub fn refused_base_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a port");
    let addr = listener.local_addr().expect("its address");
    drop(listener);
    format!("http://{addr}")
}

async fn handle(req: HttpRequest, body: Bytes, script: web::Data<Mutex<Script>>) -> HttpResponse {
    let recorded = RecordedRequest {
        method: req.method().as_str().to_string(),
        path: req.path().to_string(),
        headers: req
            .headers()
            .iter()
            .map(|(k, v)| {
                let v = v.to_str().unwrap_or_default();
                (k.as_str().to_string(), v.to_string())
            })
            .collect(),
        body: serde_json::from_slice(&body).unwrap_or(Value::Null),
    };
    let mut s = lock(&script);
    s.requests.push(recorded.clone());
    let anthropic =
        recorded.header("x-api-key").is_some() || recorded.header("anthropic-version").is_some();
    let (format, chat) = match (recorded.method.as_str(), recorded.path.as_str()) {
        ("POST", "/v1/chat/completions") => (Format::OpenAi, true),
        ("GET", "/v1/models") if anthropic => (Format::Anthropic, false),
        ("GET", "/v1/models") => (Format::OpenAi, false),
        ("POST", "/v1/messages") => (Format::Anthropic, true),
        ("POST", "/api/chat") => (Format::Ollama, true),
        ("GET", "/api/tags") => (Format::Ollama, false),
        _ => return HttpResponse::NotFound().body("404 page not found"),
    };
    if let Some(resp) = auth_failure(format, &recorded, s.key.as_deref()) {
        return resp;
    }
    if let Some(resp) = bad_request(format, &recorded) {
        return resp;
    }
    if !chat {
        return models(format);
    }
    if let Some(failure) = s.failures.pop_front() {
        return failed(format, failure);
    }
    let (content_type, plan) = plan(format, &s, &recorded.body);
    drop(s);
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header(("cache-control", "no-cache"))
        .streaming(plan.into_stream())
}

fn error_response(status: u16, body: Value) -> HttpResponse {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    HttpResponse::build(status).json(body)
}

fn openai_error(message: &str, kind: &str, code: Option<&str>) -> Value {
    json!({"error": {"message": message, "type": kind, "param": null, "code": code}})
}

fn anthropic_error(kind: &str, message: &str) -> Value {
    json!({"type": "error", "error": {"type": kind, "message": message}})
}

/// How OpenAI shows a wrong key in its message: the start and the last 4 characters.
fn masked(key: &str) -> String {
    let chars: Vec<char> = key.chars().collect();
    if chars.len() < 12 {
        return format!("{}***", chars[..chars.len() / 2].iter().collect::<String>());
    }
    let head: String = chars[..8].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 12))
}

fn bearer(r: &RecordedRequest) -> Option<&str> {
    r.header("authorization")
        .and_then(|v| v.strip_prefix("Bearer "))
        .filter(|k| !k.is_empty())
}

/// The 401 a provider answers when `required` is set and the request's key is not it.
fn auth_failure(
    format: Format,
    r: &RecordedRequest,
    required: Option<&str>,
) -> Option<HttpResponse> {
    let required = required?;
    let sent = match format {
        Format::OpenAi | Format::Ollama => bearer(r),
        Format::Anthropic => r.header("x-api-key").filter(|k| !k.is_empty()),
    };
    if sent == Some(required) {
        return None;
    }
    let body = match (format, sent) {
        (Format::OpenAi, None) => openai_error(
            "You didn't provide an API key. You need to provide your API key in an \
             Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY). You \
             can obtain an API key from https://platform.openai.com/account/api-keys.",
            "invalid_request_error",
            None,
        ),
        (Format::OpenAi, Some(key)) => openai_error(
            &format!(
                "Incorrect API key provided: {}. You can find your API key at \
                 https://platform.openai.com/account/api-keys.",
                masked(key)
            ),
            "invalid_request_error",
            Some("invalid_api_key"),
        ),
        (Format::Anthropic, None) => {
            anthropic_error("authentication_error", "x-api-key header is required")
        }
        (Format::Anthropic, Some(_)) => {
            anthropic_error("authentication_error", "invalid x-api-key")
        }
        (Format::Ollama, _) => json!({"error": "unauthorized"}),
    };
    Some(error_response(401, body))
}

/// Anthropic's 400s for a missing `anthropic-version` or `max_tokens`; a non-streaming
/// OpenAI/Anthropic chat request is refused too (the fake only streams).
fn bad_request(format: Format, r: &RecordedRequest) -> Option<HttpResponse> {
    let chat = r.method == "POST";
    let message = match format {
        Format::Anthropic if r.header("anthropic-version").is_none() => {
            "anthropic-version: header is required"
        }
        Format::Anthropic if chat && !r.body["max_tokens"].is_u64() => "max_tokens: Field required",
        Format::OpenAi | Format::Anthropic if chat && r.body["stream"] != json!(true) => {
            "fake LLM: only stream: true is served"
        }
        _ => return None,
    };
    Some(error_response(
        400,
        match format {
            Format::Anthropic => anthropic_error("invalid_request_error", message),
            _ => openai_error(message, "invalid_request_error", None),
        },
    ))
}

fn models(format: Format) -> HttpResponse {
    let body = match format {
        Format::OpenAi => json!({"object": "list", "data": [
            {"id": "gpt-4o-mini", "object": "model", "created": 1_721_172_741, "owned_by": "system"}]}),
        Format::Anthropic => json!({"data": [{"type": "model", "id": "claude-3-5-haiku-20241022",
            "display_name": "Claude Haiku 3.5", "created_at": "2024-10-22T00:00:00Z"}],
            "has_more": false, "first_id": "claude-3-5-haiku-20241022",
            "last_id": "claude-3-5-haiku-20241022"}),
        Format::Ollama => json!({"models": [{"name": "llama3.2:latest", "model": "llama3.2:latest",
            "modified_at": "2026-11-30T09:00:00.000000Z", "size": 2_019_393_189,
            "digest": "a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72",
            "details": {"format": "gguf", "family": "llama", "parameter_size": "3.2B",
                "quantization_level": "Q4_K_M"}}]}),
    };
    HttpResponse::Ok().json(body)
}

/// A scripted failure with the body the provider sends for that status.
fn failed(format: Format, f: Failure) -> HttpResponse {
    let body = match format {
        Format::OpenAi => match f.status {
            429 => openai_error(
                "Rate limit reached for gpt-4o-mini in organization org-fake on requests per \
                 min (RPM): Limit 3, Used 3, Requested 1. Please try again in 20s.",
                "requests",
                Some("rate_limit_exceeded"),
            ),
            503 => openai_error(
                "The engine is currently overloaded, please try again later.",
                "server_error",
                None,
            ),
            s if s >= 500 => openai_error(
                "The server had an error while processing your request. Sorry about that!",
                "server_error",
                None,
            ),
            s => openai_error(&format!("fake failure {s}"), "invalid_request_error", None),
        },
        Format::Anthropic => match f.status {
            429 => anthropic_error(
                "rate_limit_error",
                "Number of request tokens has exceeded your per-minute rate limit",
            ),
            529 | 503 => anthropic_error("overloaded_error", "Overloaded"),
            s if s >= 500 => anthropic_error("api_error", "Internal server error"),
            s => anthropic_error("invalid_request_error", &format!("fake failure {s}")),
        },
        Format::Ollama => match f.status {
            503 => {
                json!({"error": "server busy, please try again.  maximum pending requests exceeded"})
            }
            s => json!({"error": format!("fake failure {s}")}),
        },
    };
    let status = StatusCode::from_u16(f.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut resp = HttpResponse::build(status);
    if let Some(secs) = f.retry_after {
        resp.insert_header(("retry-after", secs.to_string()));
    }
    resp.json(body)
}

/// The frames of one streamed answer.
struct Plan {
    head: Vec<String>,
    content: Vec<String>,
    tail: Vec<String>,
    delay: Duration,
    hang_after: Option<usize>,
}

impl Plan {
    fn into_stream(self) -> BoxStream<'static, Result<Bytes, Infallible>> {
        let delay = self.delay;
        let mut frames: Vec<(Duration, String)> =
            self.head.into_iter().map(|f| (Duration::ZERO, f)).collect();
        let take = self.hang_after.unwrap_or(usize::MAX);
        for (i, f) in self.content.into_iter().take(take).enumerate() {
            frames.push((if i == 0 { Duration::ZERO } else { delay }, f));
        }
        let hang = self.hang_after.is_some();
        if !hang {
            frames.extend(self.tail.into_iter().map(|f| (Duration::ZERO, f)));
        }
        let frames = stream::iter(frames).then(|(pause, frame)| async move {
            if !pause.is_zero() {
                tokio::time::sleep(pause).await;
            }
            Ok(Bytes::from(frame))
        });
        if hang {
            frames.chain(stream::pending()).boxed()
        } else {
            frames.boxed()
        }
    }
}

fn split(reply: &str, n: usize) -> Vec<String> {
    let chars: Vec<char> = reply.chars().collect();
    if chars.is_empty() {
        return Vec::new();
    }
    // Exactly `n` pieces (of near-equal length) when there are enough characters.
    let n = n.clamp(1, chars.len());
    (0..n)
        .map(|i| {
            chars[i * chars.len() / n..(i + 1) * chars.len() / n]
                .iter()
                .collect()
        })
        .collect()
}

fn sse(event: Option<&str>, data: &Value) -> String {
    match event {
        Some(name) => format!("event: {name}\ndata: {data}\n\n"),
        None => format!("data: {data}\n\n"),
    }
}

/// The content type and frames answering `body` in `format`.
fn plan(format: Format, s: &Script, body: &Value) -> (&'static str, Plan) {
    let pieces = split(&s.reply, s.chunks);
    let model = s
        .model
        .clone()
        .or_else(|| body["model"].as_str().map(String::from))
        .unwrap_or_default();
    let prompt_chars: usize = body["messages"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|m| m["content"].as_str())
        .chain(body["system"].as_str())
        .map(|t| t.chars().count())
        .sum();
    let (tokens_in, tokens_out) = s
        .usage
        .unwrap_or((prompt_chars as u64 / 4 + 1, pieces.len() as u64));
    let (content_type, head, content, tail) = match format {
        Format::OpenAi => {
            let include_usage = body.pointer("/stream_options/include_usage") == Some(&json!(true));
            let frame = |choices: Value, usage: Option<Value>| {
                let mut c = json!({"id": "chatcmpl-fake0001", "object": "chat.completion.chunk",
                    "created": CREATED, "model": model, "system_fingerprint": "fp_fake",
                    "choices": choices});
                if include_usage {
                    c["usage"] = usage.unwrap_or(Value::Null);
                }
                sse(None, &c)
            };
            let choice = |delta: Value, finish: Value| json!([{"index": 0, "delta": delta, "logprobs": null, "finish_reason": finish}]);
            let head = vec![frame(
                choice(
                    json!({"role": "assistant", "content": "", "refusal": null}),
                    Value::Null,
                ),
                None,
            )];
            let content = pieces
                .iter()
                .map(|p| frame(choice(json!({"content": p}), Value::Null), None))
                .collect();
            let mut tail = vec![frame(choice(json!({}), json!("stop")), None)];
            if include_usage {
                let usage = json!({"prompt_tokens": tokens_in, "completion_tokens": tokens_out,
                    "total_tokens": tokens_in + tokens_out,
                    "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
                    "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 0}});
                tail.push(frame(json!([]), Some(usage)));
            }
            tail.push("data: [DONE]\n\n".to_string());
            ("text/event-stream; charset=utf-8", head, content, tail)
        }
        Format::Anthropic => {
            let head = vec![
                sse(
                    Some("message_start"),
                    &json!({"type": "message_start", "message": {"id": "msg_fake0001",
                        "type": "message", "role": "assistant", "model": model, "content": [],
                        "stop_reason": null, "stop_sequence": null,
                        "usage": {"input_tokens": tokens_in, "cache_creation_input_tokens": 0,
                            "cache_read_input_tokens": 0, "output_tokens": 1}}}),
                ),
                sse(
                    Some("content_block_start"),
                    &json!({"type": "content_block_start", "index": 0,
                        "content_block": {"type": "text", "text": ""}}),
                ),
                sse(Some("ping"), &json!({"type": "ping"})),
            ];
            let content = pieces
                .iter()
                .map(|p| {
                    sse(
                        Some("content_block_delta"),
                        &json!({"type": "content_block_delta", "index": 0,
                            "delta": {"type": "text_delta", "text": p}}),
                    )
                })
                .collect();
            let tail = vec![
                sse(
                    Some("content_block_stop"),
                    &json!({"type": "content_block_stop", "index": 0}),
                ),
                sse(
                    Some("message_delta"),
                    &json!({"type": "message_delta",
                        "delta": {"stop_reason": "end_turn", "stop_sequence": null},
                        "usage": {"output_tokens": tokens_out}}),
                ),
                sse(Some("message_stop"), &json!({"type": "message_stop"})),
            ];
            ("text/event-stream; charset=utf-8", head, content, tail)
        }
        Format::Ollama => {
            let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
            let line = |v: Value| format!("{v}\n");
            let content = pieces
                .iter()
                .map(|p| {
                    line(json!({"model": model, "created_at": now,
                        "message": {"role": "assistant", "content": p}, "done": false}))
                })
                .collect();
            let tail = vec![line(json!({"model": model, "created_at": now,
                "message": {"role": "assistant", "content": ""}, "done_reason": "stop",
                "done": true, "total_duration": 612_000_000u64, "load_duration": 1_334_875,
                "prompt_eval_count": tokens_in, "prompt_eval_duration": 42_546_000,
                "eval_count": tokens_out, "eval_duration": 570_000_000u64}))];
            ("application/x-ndjson", Vec::new(), content, tail)
        }
    };
    let plan = Plan {
        head,
        content,
        tail,
        delay: s.delay,
        hang_after: s.hang_after,
    };
    (content_type, plan)
}
