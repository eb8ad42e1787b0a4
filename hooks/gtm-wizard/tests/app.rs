//! The real `gtm-wizard` binary against a fake LLM provider on loopback (OpenAI, Anthropic and
//! Ollama streaming formats): the streamed text lands in the reply exactly, a realtime
//! subscriber (the official `pocketbase` SDK) sees it grow, 429-then-success retries, 401 ends
//! in `error`, kill -9 during a reply → after restart the job completes, and the key is in no
//! file under the data dir, no response and no log line. Plus the analyze and key-test routes.

mod support;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use support::app_process::AppProcess;
use support::fake_llm::FakeLlm;

const KEY: &str = "sk-live-GTMe2eSECRETkey0123456789T123";
const REPLY: &str = "## Fix the first line\n\nYour reply rate is fine — **test three subject lines** this week, \
then double the volume on the winner. Ünïcödé and emoji 🚀 survive too.";

struct Client {
    http: reqwest::Client,
    base: String,
    token: String,
    user_id: String,
    /// Every response body seen, for the key search.
    seen: std::sync::Mutex<String>,
}

impl Client {
    async fn send(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut rb = self.http.request(method, format!("{}{path}", self.base));
        if !self.token.is_empty() {
            rb = rb.header("Authorization", &self.token);
        }
        if let Some(b) = body {
            rb = rb.json(&b);
        }
        let resp = rb.send().await.expect("request");
        let status = resp.status().as_u16();
        let text = resp.text().await.expect("body");
        if let Ok(mut seen) = self.seen.lock() {
            seen.push_str(&text);
        }
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        self.send(reqwest::Method::POST, path, Some(body)).await
    }

    async fn get(&self, path: &str) -> (u16, Value) {
        self.send(reqwest::Method::GET, path, None).await
    }

    /// Signs up and signs in a new user.
    async fn user(base: &str, email: &str) -> Self {
        let mut c = Self {
            http: reqwest::Client::new(),
            base: base.to_string(),
            token: String::new(),
            user_id: String::new(),
            seen: Default::default(),
        };
        let (s, b) = c
            .post(
                "/api/collections/users/records",
                json!({"email": email, "password": "password123", "passwordConfirm": "password123"}),
            )
            .await;
        assert_eq!(s, 200, "sign up: {b}");
        let (s, b) = c
            .post(
                "/api/collections/users/auth-with-password",
                json!({"identity": email, "password": "password123"}),
            )
            .await;
        assert_eq!(s, 200, "sign in: {b}");
        c.token = b["token"].as_str().expect("token").to_string();
        c.user_id = b["record"]["id"].as_str().expect("id").to_string();
        c
    }

    fn id(s: u16, b: &Value) -> String {
        assert_eq!(s, 200, "{b}");
        b["id"].as_str().expect("id").to_string()
    }

    /// A workspace with one key for `provider` at `base_url`, and a conversation using it.
    async fn setup(&self, provider: &str, base_url: &str, model: &str) -> (String, String, String) {
        let (s, b) = self
            .post(
                "/api/collections/workspaces/records",
                json!({"name": "Acme", "owner": self.user_id}),
            )
            .await;
        let ws = Self::id(s, &b);
        let (s, b) = self
            .post(
                "/api/collections/provider_keys/records",
                json!({"workspace": ws, "provider": provider, "label": "main", "api_key": KEY,
                       "base_url": base_url, "default_model": model}),
            )
            .await;
        let key = Self::id(s, &b);
        assert!(b.get("api_key").is_none(), "the key is never returned: {b}");
        assert_eq!(b["key_hint"], "sk-…T123");
        let (s, b) = self
            .post(
                "/api/collections/conversations/records",
                json!({"workspace": ws, "user": self.user_id, "title": "Outbound", "provider_key": key}),
            )
            .await;
        (ws, key, Self::id(s, &b))
    }

    async fn ask(&self, conversation: &str, text: &str) -> String {
        let (s, b) = self
            .post(
                "/api/collections/messages/records",
                json!({"conversation": conversation, "role": "user", "content": text}),
            )
            .await;
        Self::id(s, &b)
    }

    /// Waits until the conversation's assistant reply has `status` in `want`.
    async fn reply(&self, conversation: &str, want: &[&str], within: Duration) -> Value {
        let deadline = Instant::now() + within;
        let filter = format!("conversation='{conversation}'&&role='assistant'");
        loop {
            let (_, b) = self
                .get(&format!(
                    "/api/collections/messages/records?filter={}&sort=-created",
                    urlencode(&filter)
                ))
                .await;
            if let Some(r) = b["items"].as_array().and_then(|a| a.first())
                && want.contains(&r["status"].as_str().unwrap_or_default())
            {
                return r.clone();
            }
            assert!(Instant::now() < deadline, "no reply in {want:?}: {b}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn contains_key(haystack: &[u8]) -> bool {
    // The whole key, and any 8-character piece of its secret part.
    let secret = &KEY[8..];
    haystack.windows(KEY.len()).any(|w| w == KEY.as_bytes())
        || (0..secret.len().saturating_sub(8)).any(|i| {
            haystack
                .windows(8)
                .any(|w| w == &secret.as_bytes()[i..i + 8])
        })
}

fn files_with_key(dir: &std::path::Path) -> Vec<String> {
    let mut hits = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if std::fs::read(&p).is_ok_and(|b| contains_key(&b)) {
                hits.push(p.display().to_string());
            }
        }
    }
    hits
}

fn start_app() -> (tempfile::TempDir, AppProcess) {
    let tmp = tempfile::tempdir().expect("tmp");
    let data = tmp.path().join("data");
    std::fs::create_dir_all(&data).expect("data dir");
    let app = AppProcess::start(&data);
    (tmp, app)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openai_reply_streams_into_the_record_and_to_an_sdk_subscriber() {
    let llm = FakeLlm::start().await;
    llm.set_reply(REPLY);
    llm.require_key(KEY);
    let (_tmp, app) = start_app();
    let user = Client::user(&app.base, "founder@example.com").await;
    let (_, _, conversation) = user
        .setup("openai", &llm.openai_base(), "gpt-4o-mini")
        .await;

    // The official SDK subscribes as the user before the question is asked.
    let sdk_dir =
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/sdk-compat");
    let mut watcher = Command::new("node")
        .arg("gtm-watch.mjs")
        .current_dir(&sdk_dir)
        .env("CAIRN_URL", &app.base)
        .env("GTM_EMAIL", "founder@example.com")
        .env("GTM_PASSWORD", "password123")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("node gtm-watch.mjs");
    let stdout = watcher.stdout.take().expect("stdout");
    let lines = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let (ready_tx, ready_rx) = std::sync::mpsc::channel();
    let sink = lines.clone();
    let reader = std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            if line == "READY" {
                let _ = ready_tx.send(());
            } else if let Ok(mut l) = sink.lock() {
                l.push(line);
            }
        }
    });
    ready_rx
        .recv_timeout(Duration::from_secs(20))
        .expect("the SDK subscriber is ready");

    user.ask(
        &conversation,
        "How do I get more replies to my cold emails?",
    )
    .await;
    let reply = user
        .reply(&conversation, &["done"], Duration::from_secs(20))
        .await;
    assert_eq!(reply["content"], REPLY, "the streamed text lands exactly");
    assert_eq!(reply["model"], "gpt-4o-mini");
    assert!(reply["tokens_out"].as_u64().unwrap_or(0) > 0, "{reply}");
    assert!(reply["cost_usd"].as_f64().unwrap_or(0.0) > 0.0, "{reply}");

    let status = watcher.wait().expect("watcher exits");
    reader.join().expect("reader");
    assert!(status.success(), "gtm-watch.mjs failed: {status}");
    let events: Vec<Value> = lines
        .lock()
        .expect("lines")
        .iter()
        .filter_map(|l| serde_json::from_str(l).ok())
        .filter(|e: &Value| e["role"] == "assistant")
        .collect();
    let growing: Vec<&str> = events
        .iter()
        .filter(|e| e["status"] == "streaming")
        .filter_map(|e| e["content"].as_str())
        .filter(|c| !c.is_empty() && *c != REPLY)
        .collect();
    assert!(
        growing.len() >= 2,
        "the subscriber sees the reply grow in several updates: {events:?}"
    );
    for w in growing.windows(2) {
        assert!(w[1].starts_with(w[0]) && w[1].len() > w[0].len(), "{w:?}");
    }
    assert!(
        events.len() < REPLY.chars().count(),
        "throttled: fewer updates than characters ({})",
        events.len()
    );
    assert_eq!(
        events.last().map(|e| e["content"].clone()),
        Some(json!(REPLY))
    );

    // What the provider got: the system prompt with the matching template, the question.
    let sent = llm.requests();
    let chat = sent
        .iter()
        .find(|r| r.path.ends_with("/chat/completions"))
        .expect("a chat request");
    let body = chat.body.to_string();
    assert!(
        body.contains("GTM Wizard") && body.contains("cold emails"),
        "{body}"
    );
    assert!(
        body.contains("Cold email that gets replies"),
        "a fitting template: {body}"
    );

    let logs = app.logs();
    assert!(!contains_key(logs.as_bytes()), "the key is in the logs");
    assert!(
        !contains_key(user.seen.lock().expect("seen").as_bytes()),
        "the key is in a response"
    );
    let hits = files_with_key(&app.dir);
    assert!(hits.is_empty(), "the key is in {hits:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn anthropic_and_ollama_replies_land_exactly() {
    let llm = FakeLlm::start().await;
    llm.set_reply(REPLY);
    let (_tmp, app) = start_app();
    for (i, (provider, base, model)) in [
        ("anthropic", llm.anthropic_base(), "claude-3-5-haiku-latest"),
        ("ollama", llm.ollama_base(), "llama3.2"),
        ("openai_compatible", llm.openai_base(), "local-model"),
    ]
    .into_iter()
    .enumerate()
    {
        let user = Client::user(&app.base, &format!("u{i}@example.com")).await;
        let (_, _, conversation) = user.setup(provider, &base, model).await;
        user.ask(&conversation, "Help me price my product").await;
        let reply = user
            .reply(&conversation, &["done", "error"], Duration::from_secs(20))
            .await;
        assert_eq!(reply["status"], "done", "{provider}: {reply}");
        assert_eq!(reply["content"], REPLY, "{provider}");
        assert_eq!(reply["model"], model, "{provider}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limits_retry_and_a_bad_key_ends_in_error() {
    let llm = FakeLlm::start().await;
    llm.set_reply(REPLY);
    llm.require_key(KEY);
    let (_tmp, app) = start_app();
    let user = Client::user(&app.base, "retry@example.com").await;
    let (_, key, conversation) = user
        .setup("openai", &llm.openai_base(), "gpt-4o-mini")
        .await;

    llm.fail_next(1, 429, Some(1));
    user.ask(&conversation, "First question").await;
    let reply = user
        .reply(&conversation, &["done", "error"], Duration::from_secs(20))
        .await;
    assert_eq!(reply["status"], "done", "{reply}");
    assert_eq!(reply["content"], REPLY);
    let chats = llm
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/chat/completions"))
        .count();
    assert_eq!(chats, 2, "one 429, then the retry");

    // A wrong key: 401 → error, readable, without the key.
    let (s, _) = user
        .send(
            reqwest::Method::PATCH,
            &format!("/api/collections/provider_keys/records/{key}"),
            Some(json!({"api_key": "sk-wrong-0000000000000000W999"})),
        )
        .await;
    assert_eq!(s, 200);
    let (s, b) = user
        .post(&format!("/api/gtm/provider-keys/{key}/test"), json!({}))
        .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["ok"], false, "{b}");
    user.ask(&conversation, "Second question").await;
    let reply = user
        .reply(&conversation, &["error"], Duration::from_secs(20))
        .await;
    assert_eq!(reply["status"], "error", "{reply}");
    let error = reply["error"].as_str().unwrap_or_default();
    assert!(!error.is_empty(), "{reply}");
    assert!(
        !error.contains("W999") && !error.contains("sk-wrong"),
        "{error}"
    );

    // The right key again: the test route says ok.
    user.send(
        reqwest::Method::PATCH,
        &format!("/api/collections/provider_keys/records/{key}"),
        Some(json!({"api_key": KEY})),
    )
    .await;
    let (_, b) = user
        .post(&format!("/api/gtm/provider-keys/{key}/test"), json!({}))
        .await;
    assert_eq!(b["ok"], true, "{b}");
    // And a failed reply can be retried.
    let (s, b) = user
        .post(
            &format!(
                "/api/gtm/messages/{}/retry",
                reply["id"].as_str().unwrap_or_default()
            ),
            json!({}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    let again = user
        .reply(&conversation, &["done"], Duration::from_secs(20))
        .await;
    assert_eq!(again["content"], REPLY);
    assert_eq!(again["id"], reply["id"], "the same reply is reused");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reply_cut_by_kill_9_completes_after_restart() {
    let llm = FakeLlm::start().await;
    llm.set_reply(REPLY);
    llm.hang_after(Some(4));
    let (_tmp, mut app) = start_app();
    let user = Client::user(&app.base, "crash@example.com").await;
    let (_, _, conversation) = user
        .setup("openai", &llm.openai_base(), "gpt-4o-mini")
        .await;
    user.ask(&conversation, "What should I do this week?").await;
    let partial = user
        .reply(&conversation, &["streaming"], Duration::from_secs(20))
        .await;
    // Wait until some text was written, then kill the process mid-reply.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let (_, r) = user
            .get(&format!(
                "/api/collections/messages/records/{}",
                partial["id"].as_str().unwrap_or_default()
            ))
            .await;
        if !r["content"].as_str().unwrap_or_default().is_empty() {
            assert_ne!(r["content"], REPLY);
            break;
        }
        assert!(Instant::now() < deadline, "no partial text: {r}");
        tokio::time::sleep(Duration::from_millis(30)).await;
    }
    app.kill9();
    llm.hang_after(None);
    app.restart();
    let reply = user
        .reply(&conversation, &["done"], Duration::from_secs(30))
        .await;
    assert_eq!(reply["content"], REPLY);
    assert_eq!(
        reply["id"], partial["id"],
        "the same reply finished, no duplicate"
    );
    let (_, all) = user
        .get(&format!(
            "/api/collections/messages/records?filter={}",
            urlencode(&format!("conversation='{conversation}'"))
        ))
        .await;
    assert_eq!(all["totalItems"], 2, "one question, one answer: {all}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn analyze_compares_metrics_with_benchmarks_for_members_only() {
    let (_tmp, app) = start_app();
    let user = Client::user(&app.base, "metrics@example.com").await;
    let (s, b) = user
        .post(
            "/api/collections/workspaces/records",
            json!({"name": "M", "owner": user.user_id}),
        )
        .await;
    let ws = Client::id(s, &b);
    let (s, b) = user
        .post(
            "/api/collections/campaigns/records",
            json!({"workspace": ws, "name": "Q1", "channel": "cold_email", "status": "active"}),
        )
        .await;
    let campaign = Client::id(s, &b);
    for (date, sent, opens, replies, meetings) in [
        ("2026-11-02 00:00:00.000Z", 500, 150, 25, 4),
        ("2026-11-09 00:00:00.000Z", 500, 100, 25, 6),
    ] {
        let (s, b) = user
            .post(
                "/api/collections/campaign_metrics/records",
                json!({"campaign": campaign, "date": date, "sent": sent, "opens": opens,
                       "replies": replies, "meetings": meetings}),
            )
            .await;
        Client::id(s, &b);
    }
    let (s, a) = user
        .post(&format!("/api/gtm/campaigns/{campaign}/analyze"), json!({}))
        .await;
    assert_eq!(s, 200, "{a}");
    let verdict = |m: &str| {
        a["metrics"]
            .as_array()
            .and_then(|ms| ms.iter().find(|x| x["metric"] == m))
            .map(|x| {
                (
                    x["value"].as_f64().unwrap_or(-1.0),
                    x["verdict"].as_str().unwrap_or("").to_string(),
                )
            })
    };
    // 250/1000 opens = 25% (p25 38) → below; 50/1000 replies = 5% (p75 4.23) → above;
    // 10/1000 meetings = 1% (0.85–1.43) → typical.
    assert_eq!(verdict("open_rate"), Some((25.0, "below".into())), "{a}");
    assert_eq!(verdict("reply_rate"), Some((5.0, "above".into())), "{a}");
    assert_eq!(
        verdict("meeting_rate"),
        Some((1.0, "typical".into())),
        "{a}"
    );
    let templates: Vec<&str> = a["templates"]
        .as_array()
        .map(|t| t.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    assert!(templates.contains(&"cold-email-copy"), "{a}");

    // The module's routes are in the OpenAPI document.
    let (s, doc) = user.get("/api/openapi.json").await;
    assert_eq!(s, 200);
    for (path, method) in [
        ("/api/gtm/campaigns/{id}/analyze", "post"),
        ("/api/gtm/provider-keys/{id}/test", "post"),
        ("/api/gtm/messages/{id}/retry", "post"),
    ] {
        let op = &doc["paths"][path][method];
        assert_eq!(op["tags"][0], "Custom routes", "{path}: {op}");
        assert_eq!(op["parameters"][0]["name"], "id", "{path}");
    }

    let stranger = Client::user(&app.base, "stranger@example.com").await;
    let (s, _) = stranger
        .post(&format!("/api/gtm/campaigns/{campaign}/analyze"), json!({}))
        .await;
    assert_eq!(s, 404, "not a member");
    let (s, _) = stranger
        .post("/api/gtm/campaigns/nosuchcampaign1/analyze", json!({}))
        .await;
    assert_eq!(s, 404);
}

#[path = "../../../server/tests/common/smtp.rs"]
mod smtp;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_weekly_digest_mails_owners_their_campaigns_against_benchmarks() {
    let mail = smtp::SmtpServer::start().await;
    let (_tmp, app) = start_app();
    let mut su = Client::user(&app.base, "owner@example.com").await;
    let owner = Client::user(&app.base, "owner2@example.com").await;
    let (s, b) = su
        .post(
            "/api/collections/_superusers/auth-with-password",
            json!({"identity": support::app_process::SU_EMAIL, "password": support::app_process::SU_PASSWORD}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    su.token = b["token"].as_str().expect("token").to_string();
    let (s, b) = su
        .send(
            reqwest::Method::PATCH,
            "/api/settings",
            Some(json!({
                "smtp": {"enabled": true, "host": "127.0.0.1", "port": mail.port},
                "meta": {"appName": "GTM Wizard", "senderName": "GTM Wizard", "senderAddress": "coach@gtm.test"}
            })),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    let (s, b) = owner
        .post(
            "/api/collections/workspaces/records",
            json!({"name": "Digest Co", "owner": owner.user_id}),
        )
        .await;
    let ws = Client::id(s, &b);
    let (s, b) = owner
        .post(
            "/api/collections/campaigns/records",
            json!({"workspace": ws, "name": "Founders outreach", "channel": "cold_email", "status": "active"}),
        )
        .await;
    let campaign = Client::id(s, &b);
    let (s, b) = owner
        .post(
            "/api/collections/campaign_metrics/records",
            json!({"campaign": campaign, "date": "2026-11-30 00:00:00.000Z", "sent": 200, "opens": 100, "replies": 4}),
        )
        .await;
    Client::id(s, &b);
    let (s, b) = su.send(reqwest::Method::GET, "/api/crons", None).await;
    assert_eq!(s, 200);
    assert!(b.to_string().contains("gtm.weekly_digest"), "{b}");
    let (s, _) = su.post("/api/crons/gtm.weekly_digest", json!({})).await;
    assert_eq!(s, 204);
    let got = mail.wait_for("owner2@example.com").await;
    assert_eq!(got.subject(), "Digest Co: your weekly GTM digest");
    let body = got.decoded();
    // 100/200 opens = 50% (p75 46.45) → above; 4/200 replies = 2% (p25 3.5) → below.
    assert!(body.contains("Founders outreach"), "{body}");
    assert!(
        body.contains("<td>open_rate</td><td>50%</td><td>43.5%</td><td>above</td>"),
        "{body}"
    );
    assert!(
        body.contains("<td>reply_rate</td><td>2%</td><td>3.6%</td><td>below</td>"),
        "{body}"
    );
}

/// Signs in as the app's superuser and points its mailer at `smtp_port` and its mail links
/// (`meta.appURL`) at a dashboard URL.
async fn superuser_with_mail(base: &str, smtp_port: u16) -> Client {
    let mut su = Client::user(base, "su-helper@example.com").await;
    let (s, b) = su
        .post(
            "/api/collections/_superusers/auth-with-password",
            json!({"identity": support::app_process::SU_EMAIL, "password": support::app_process::SU_PASSWORD}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    su.token = b["token"].as_str().expect("token").to_string();
    let (s, b) = su
        .send(
            reqwest::Method::PATCH,
            "/api/settings",
            Some(json!({
                "smtp": {"enabled": true, "host": "127.0.0.1", "port": smtp_port},
                "meta": {"appName": "GTM Wizard", "appURL": "http://dash.test/",
                         "senderName": "GTM Wizard", "senderAddress": "coach@gtm.test"}
            })),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    su
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invites_by_email_become_memberships_once_the_address_is_verified() {
    let mail = smtp::SmtpServer::start().await;
    let (_tmp, app) = start_app();
    let _su = superuser_with_mail(&app.base, mail.port).await;
    let owner = Client::user(&app.base, "owner@example.com").await;
    let invitee = Client::user(&app.base, "invitee@example.com").await;
    let stranger = Client::user(&app.base, "stranger@example.com").await;
    let (s, b) = owner
        .post(
            "/api/collections/workspaces/records",
            json!({"name": "Acme <Launch>", "owner": owner.user_id}),
        )
        .await;
    let ws = Client::id(s, &b);
    let route = format!("/api/gtm/workspaces/{ws}/invites");

    // Bad input: PocketBase's 400 with the wrong fields named.
    let (s, b) = owner.post(&route, json!({})).await;
    assert_eq!(s, 400, "{b}");
    assert_eq!(b["data"]["email"]["code"], "validation_required", "{b}");
    assert_eq!(b["data"]["role"]["code"], "validation_required", "{b}");
    let (s, b) = owner
        .post(&route, json!({"email": "nope", "role": "boss"}))
        .await;
    assert_eq!(s, 400);
    assert_eq!(b["data"]["email"]["code"], "validation_is_email", "{b}");
    assert_eq!(b["data"]["role"]["code"], "validation_invalid_value", "{b}");
    let (s, b) = owner
        .post(
            &route,
            json!({"email": "OWNER@example.com", "role": "member"}),
        )
        .await;
    assert_eq!(s, 400);
    assert_eq!(
        b["data"]["email"]["code"], "validation_already_member",
        "{b}"
    );
    // Only the workspace's owners and admins: anyone else gets 404, a guest 401.
    let (s, _) = stranger
        .post(&route, json!({"email": "x@example.com", "role": "member"}))
        .await;
    assert_eq!(s, 404);
    let (s, _) = owner
        .post(
            "/api/gtm/workspaces/nosuchworkspace/invites",
            json!({"email": "x@example.com", "role": "member"}),
        )
        .await;
    assert_eq!(s, 404);
    let guest = reqwest::Client::new()
        .post(format!("{}{route}", app.base))
        .json(&json!({"email": "x@example.com", "role": "member"}))
        .send()
        .await
        .expect("guest request");
    assert_eq!(guest.status().as_u16(), 401);

    // The invite is recorded (address lower-cased) and mailed with a link to the dashboard.
    let (s, b) = owner
        .post(
            &route,
            json!({"email": "Invitee@Example.com", "role": "admin"}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(
        (&b["email"], &b["role"], &b["status"], &b["invited_by"]),
        (
            &json!("invitee@example.com"),
            &json!("admin"),
            &json!("pending"),
            &json!(owner.user_id)
        )
    );
    let got = mail.wait_for("invitee@example.com").await;
    assert!(
        got.subject().contains("invited you to"),
        "{}",
        got.subject()
    );
    let body = got.decoded();
    assert!(
        body.contains("href=\"http://dash.test/workspaces\""),
        "{body}"
    );
    assert!(
        body.contains("Acme &lt;Launch&gt;"),
        "names are escaped: {body}"
    );
    // Only the workspace's managers see invites.
    let list = "/api/collections/workspace_invites/records";
    assert_eq!(owner.get(list).await.1["totalItems"], 1);
    assert_eq!(stranger.get(list).await.1["totalItems"], 0);
    assert_eq!(invitee.get(list).await.1["totalItems"], 0);
    // Unverified, the invitee is not a member: anyone can sign up with any address.
    let workspaces = "/api/collections/workspaces/records";
    assert_eq!(invitee.get(workspaces).await.1["totalItems"], 0);

    // Verifying the address turns the invite into a membership.
    let (s, _) = invitee
        .post(
            "/api/collections/users/request-verification",
            json!({"email": "invitee@example.com"}),
        )
        .await;
    assert_eq!(s, 204);
    let verify = mail.wait_for("invitee@example.com").await;
    let token = verify.token_after("http://dash.test/verify-email/");
    let (s, b) = invitee
        .post(
            "/api/collections/users/confirm-verification",
            json!({"token": token}),
        )
        .await;
    assert_eq!(s, 204, "{b}");
    let (_, b) = invitee.get(workspaces).await;
    assert_eq!(b["items"][0]["id"], json!(ws), "{b}");
    let filter = urlencode(&format!("workspace='{ws}'&&user='{}'", invitee.user_id));
    let (_, b) = invitee
        .get(&format!(
            "/api/collections/workspace_members/records?filter={filter}"
        ))
        .await;
    assert_eq!(b["items"][0]["role"], "admin", "{b}");
    let invitee_member = b["items"][0]["id"].as_str().expect("id").to_string();
    let (_, b) = owner.get(list).await;
    assert_eq!(b["items"][0]["status"], "accepted", "{b}");

    // An admin invites, but not as owner; a verified user's invite is accepted at once.
    let (s, b) = invitee
        .post(
            &route,
            json!({"email": "later@example.com", "role": "owner"}),
        )
        .await;
    assert_eq!(s, 400);
    assert_eq!(b["data"]["role"]["code"], "validation_owner_only", "{b}");
    let (s, b) = owner
        .post(
            "/api/collections/workspaces/records",
            json!({"name": "Second", "owner": owner.user_id}),
        )
        .await;
    let ws2 = Client::id(s, &b);
    let (s, b) = owner
        .post(
            &format!("/api/gtm/workspaces/{ws2}/invites"),
            json!({"email": "invitee@example.com", "role": "member"}),
        )
        .await;
    assert_eq!((s, &b["status"]), (200, &json!("accepted")), "{b}");
    assert_eq!(invitee.get(workspaces).await.1["totalItems"], 2);
    // A plain member of Second cannot invite there.
    let (s, _) = invitee
        .post(
            &format!("/api/gtm/workspaces/{ws2}/invites"),
            json!({"email": "x@example.com", "role": "member"}),
        )
        .await;
    assert_eq!(s, 404);

    // The last owner can neither leave nor step down; with a second owner both work.
    let filter = urlencode(&format!("workspace='{ws}'&&user='{}'", owner.user_id));
    let (_, b) = owner
        .get(&format!(
            "/api/collections/workspace_members/records?filter={filter}"
        ))
        .await;
    let owner_member = b["items"][0]["id"].as_str().expect("id").to_string();
    let member_path = |id: &str| format!("/api/collections/workspace_members/records/{id}");
    let (s, b) = owner
        .send(reqwest::Method::DELETE, &member_path(&owner_member), None)
        .await;
    assert_eq!(s, 400, "{b}");
    assert!(
        b["message"]
            .as_str()
            .unwrap_or_default()
            .contains("needs an owner"),
        "{b}"
    );
    let (s, _) = owner
        .send(
            reqwest::Method::PATCH,
            &member_path(&owner_member),
            Some(json!({"role": "admin"})),
        )
        .await;
    assert_eq!(s, 400);
    let (s, b) = owner
        .send(
            reqwest::Method::PATCH,
            &member_path(&invitee_member),
            Some(json!({"role": "owner"})),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    let (s, b) = owner
        .send(reqwest::Method::DELETE, &member_path(&owner_member), None)
        .await;
    assert_eq!(s, 204, "{b}");
    assert_eq!(
        owner.get(workspaces).await.1["totalItems"],
        1,
        "only Second"
    );
}
