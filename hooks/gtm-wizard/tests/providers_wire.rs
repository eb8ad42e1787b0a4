//! The provider clients against a fake provider speaking the real wire formats
//! (`support::fake_llm`): streaming, token and model reporting, the request sent, and how
//! 429/5xx/401/connection failures are classified, for OpenAI, Anthropic, Ollama and
//! `openai_compatible`.

mod support;

use std::time::{Duration, Instant};

use gtm_wizard::providers::{
    ChatMessage, ChatOutcome, ChatRequest, ProviderConfig, ProviderError, ProviderKind, Role,
    check_key, http_client, stream_chat,
};
use serde_json::json;
use support::fake_llm::{DEFAULT_CHUNKS, DEFAULT_REPLY, FakeLlm, refused_base_url};

const KEY: &str = "sk-proj-Qw7Zr9Xk2Lm4Np6Bt8Vy3Hd5Jf1Gs0Ca";
const WRONG: &str = "sk-proj-Wr0ngK3yZZ91MmQqPpLlTtUu77Ee";
const SYSTEM: &str = "You are the GTM coach.";
const KINDS: [ProviderKind; 4] = [
    ProviderKind::OpenAi,
    ProviderKind::Anthropic,
    ProviderKind::Ollama,
    ProviderKind::OpenAiCompatible,
];

fn config(kind: ProviderKind, base_url: String, api_key: &str) -> ProviderConfig {
    ProviderConfig {
        kind,
        base_url,
        model: "test-model".into(),
        api_key: api_key.into(),
    }
}

fn request() -> ChatRequest {
    let m = |role, content: &str| ChatMessage {
        role,
        content: content.into(),
    };
    ChatRequest {
        system: SYSTEM.into(),
        messages: vec![
            m(Role::User, "Plan my launch."),
            m(Role::Assistant, "Who is it for?"),
            m(Role::User, "B2B founders."),
        ],
        max_tokens: 321,
    }
}

/// Runs one chat; returns the result and every delta with when it arrived.
async fn chat(
    cfg: &ProviderConfig,
) -> (Result<ChatOutcome, ProviderError>, Vec<(Instant, String)>) {
    let mut deltas = Vec::new();
    let mut cb = |t: &str| deltas.push((Instant::now(), t.to_string()));
    let r = stream_chat(&http_client(), cfg, &request(), &mut cb).await;
    (r, deltas)
}

/// No 4-character window of `key` appears in `message`.
fn assert_no_key_fragment(message: &str, key: &str) {
    let chars: Vec<char> = key.chars().collect();
    for w in chars.windows(4) {
        let frag: String = w.iter().collect();
        assert!(
            !message.contains(&frag),
            "{frag:?} of the key in {message:?}"
        );
    }
}

async fn streams_the_reply(kind: ProviderKind, key: &str) -> support::fake_llm::RecordedRequest {
    let fake = FakeLlm::start().await;
    if !key.is_empty() {
        fake.require_key(key);
    }
    fake.set_model("test-model-2026-12-01");
    fake.set_usage(57, 31);
    let (r, deltas) = chat(&config(kind, fake.base_url(kind), key)).await;
    let done = Instant::now();
    let out = r.expect("the chat succeeds");
    let text: String = deltas.iter().map(|(_, t)| t.as_str()).collect();
    assert_eq!(text, DEFAULT_REPLY, "{kind:?}");
    assert_eq!(out.text, DEFAULT_REPLY, "{kind:?}");
    assert_eq!(deltas.len(), DEFAULT_CHUNKS, "{kind:?}");
    // Streamed, not buffered: the first delta came well before the end (19 pauses of 30 ms).
    let first = deltas.first().expect("a delta").0;
    assert!(
        done - first >= Duration::from_millis(400),
        "{kind:?}: {:?}",
        done - first
    );
    assert_eq!(out.model, "test-model-2026-12-01", "{kind:?}");
    assert_eq!((out.tokens_in, out.tokens_out), (57, 31), "{kind:?}");
    let reqs = fake.chat_requests();
    assert_eq!(reqs.len(), 1, "{kind:?}");
    let req = reqs.into_iter().next().expect("one request");
    assert_eq!(req.body["model"], "test-model", "{kind:?}");
    assert_eq!(req.body["stream"], true, "{kind:?}");
    assert!(
        req.header("content-type")
            .is_some_and(|c| c.starts_with("application/json")),
        "{kind:?}"
    );
    req
}

fn conversation() -> Vec<serde_json::Value> {
    vec![
        json!({"role": "user", "content": "Plan my launch."}),
        json!({"role": "assistant", "content": "Who is it for?"}),
        json!({"role": "user", "content": "B2B founders."}),
    ]
}

fn with_system_first() -> serde_json::Value {
    let mut m = vec![json!({"role": "system", "content": SYSTEM})];
    m.extend(conversation());
    json!(m)
}

#[tokio::test]
async fn openai_streams_and_sends_the_right_request() {
    let req = streams_the_reply(ProviderKind::OpenAi, KEY).await;
    assert_eq!(req.path, "/v1/chat/completions");
    assert_eq!(
        req.header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    assert_eq!(req.body["messages"], with_system_first());
    assert_eq!(req.body["max_tokens"], 321);
    assert_eq!(req.body["stream_options"], json!({"include_usage": true}));
}

#[tokio::test]
async fn openai_compatible_without_a_key_sends_no_auth_header() {
    let req = streams_the_reply(ProviderKind::OpenAiCompatible, "").await;
    assert_eq!(req.path, "/v1/chat/completions");
    assert_eq!(req.header("authorization"), None);
    assert_eq!(req.body["messages"], with_system_first());
    assert_eq!(req.body["max_tokens"], 321);
}

#[tokio::test]
async fn anthropic_streams_with_the_system_prompt_at_the_top() {
    let req = streams_the_reply(ProviderKind::Anthropic, KEY).await;
    assert_eq!(req.path, "/v1/messages");
    assert_eq!(req.header("x-api-key"), Some(KEY));
    assert_eq!(req.header("anthropic-version"), Some("2023-06-01"));
    assert_eq!(req.header("authorization"), None);
    assert_eq!(req.body["system"], SYSTEM);
    assert_eq!(req.body["messages"], json!(conversation()));
    assert_eq!(req.body["max_tokens"], 321);
}

#[tokio::test]
async fn ollama_streams_ndjson_locally_and_with_a_key() {
    let req = streams_the_reply(ProviderKind::Ollama, "").await;
    assert_eq!(req.path, "/api/chat");
    assert_eq!(req.header("authorization"), None);
    assert_eq!(req.body["messages"], with_system_first());
    assert_eq!(req.body["options"]["num_predict"], 321);
    let req = streams_the_reply(ProviderKind::Ollama, KEY).await;
    assert_eq!(
        req.header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
}

fn key_for(kind: ProviderKind) -> &'static str {
    if kind == ProviderKind::Ollama {
        ""
    } else {
        KEY
    }
}

#[tokio::test]
async fn rate_limits_and_server_errors_are_retryable() {
    for kind in KINDS {
        let fake = FakeLlm::start().await;
        fake.set_delay(Duration::from_millis(1));
        let cfg = config(kind, fake.base_url(kind), key_for(kind));
        fake.fail_next(1, 429, Some(7));
        fake.fail_next(1, 500, None);
        fake.fail_next(1, 503, Some(2));
        let expected = [
            (Some(Duration::from_secs(7)), "429"),
            (None, "500"),
            (Some(Duration::from_secs(2)), "503"),
        ];
        for (hint, status) in expected {
            match chat(&cfg).await.0 {
                Err(ProviderError::Retryable {
                    retry_after,
                    message,
                }) => {
                    assert_eq!(retry_after, hint, "{kind:?} {status}");
                    assert!(message.contains(status), "{kind:?}: {message}");
                }
                other => panic!("{kind:?} {status}: {other:?}"),
            }
        }
        // The failures were only the next three: the fourth call streams.
        let out = chat(&cfg).await.0.expect("recovers");
        assert_eq!(out.text, DEFAULT_REPLY, "{kind:?}");
        assert_eq!(fake.chat_requests().len(), 4, "{kind:?}");
    }
}

#[tokio::test]
async fn a_wrong_key_is_fatal_and_never_echoed() {
    for kind in KINDS {
        let fake = FakeLlm::start().await;
        fake.require_key(KEY);
        let cfg = config(kind, fake.base_url(kind), WRONG);
        for r in [
            chat(&cfg).await.0.map(drop),
            check_key(&http_client(), &cfg).await,
        ] {
            match r {
                Err(ProviderError::Fatal { message }) => {
                    assert!(message.contains("401"), "{kind:?}: {message}");
                    assert_no_key_fragment(&message, WRONG);
                    assert_no_key_fragment(&message, KEY);
                }
                other => panic!("{kind:?}: {other:?}"),
            }
        }
        assert_eq!(fake.requests().len(), 2, "{kind:?}");
    }
}

#[tokio::test]
async fn check_key_lists_models_with_the_key() {
    let paths = ["/v1/models", "/v1/models", "/api/tags", "/v1/models"];
    for (kind, path) in KINDS.into_iter().zip(paths) {
        let fake = FakeLlm::start().await;
        fake.require_key(KEY);
        let cfg = config(kind, fake.base_url(kind), KEY);
        check_key(&http_client(), &cfg)
            .await
            .expect("the key works");
        let reqs = fake.requests();
        assert_eq!(reqs.len(), 1, "{kind:?}");
        assert_eq!(
            (reqs[0].method.as_str(), reqs[0].path.as_str()),
            ("GET", path)
        );
        if kind == ProviderKind::Anthropic {
            assert_eq!(reqs[0].header("x-api-key"), Some(KEY));
        } else {
            assert_eq!(
                reqs[0].header("authorization"),
                Some(format!("Bearer {KEY}").as_str())
            );
        }
    }
}

#[tokio::test]
async fn a_refused_connection_is_retryable() {
    for kind in KINDS {
        let mut base = refused_base_url();
        if matches!(kind, ProviderKind::OpenAi | ProviderKind::OpenAiCompatible) {
            base.push_str("/v1");
        }
        let cfg = config(kind, base, KEY);
        let r = chat(&cfg).await.0;
        assert!(
            matches!(
                r,
                Err(ProviderError::Retryable {
                    retry_after: None,
                    ..
                })
            ),
            "{kind:?}: {r:?}"
        );
        let r = check_key(&http_client(), &cfg).await;
        assert!(
            r.as_ref().is_err_and(ProviderError::is_retryable),
            "{kind:?}: {r:?}"
        );
    }
}

#[tokio::test]
async fn hang_after_stalls_the_stream_open() {
    for kind in KINDS {
        let fake = FakeLlm::start().await;
        fake.set_delay(Duration::from_millis(5));
        fake.hang_after(3);
        let cfg = config(kind, fake.base_url(kind), key_for(kind));
        let mut seen = Vec::new();
        let mut cb = |t: &str| seen.push(t.to_string());
        let req = request();
        let client = http_client();
        let stalled = tokio::time::timeout(
            Duration::from_millis(700),
            stream_chat(&client, &cfg, &req, &mut cb),
        )
        .await;
        assert!(stalled.is_err(), "{kind:?}: the stream ended: {stalled:?}");
        assert_eq!(seen.len(), 3, "{kind:?}");
        assert!(DEFAULT_REPLY.starts_with(&seen.concat()), "{kind:?}");
    }
}
