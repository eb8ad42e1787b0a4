//! Realtime fan-out of one streaming coach reply: the GTM Wizard app in-process on a real
//! SQLite file, the fake LLM provider streaming a reply, N SSE subscribers (as the official
//! SDK subscribes: `GET /api/realtime`, then `POST /api/realtime` with the user's token) on
//! `messages/*`. Reports, over every subscriber: time from the question's create to the first
//! streamed characters, how many reply updates each saw, the spread between the first and the
//! last subscriber receiving the same update, and subscribers that missed the final `done`.
//!
//! ```sh
//! cargo run --release -p gtm-wizard --example reply_fanout -- --subscribers 1000
//! ```

#[path = "../tests/support/fake_llm.rs"]
mod fake_llm;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use cairn::records::server;
use eventsource_stream::Eventsource;
use futures_util::StreamExt;
use serde_json::{Value, json};

/// `(subscriber, content length, status, when)` for every assistant event received.
type Log = Arc<Mutex<Vec<(usize, usize, String, Instant)>>>;

fn arg(name: &str, default: usize) -> usize {
    std::env::args()
        .skip_while(|a| a != name)
        .nth(1)
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn pct(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

async fn subscribe(base: String, token: String, n: usize, log: Log) -> anyhow::Result<()> {
    let http = reqwest::Client::new();
    let resp = http.get(format!("{base}/api/realtime")).send().await?;
    let mut events = resp.bytes_stream().eventsource();
    let first = events
        .next()
        .await
        .ok_or_else(|| anyhow::anyhow!("no PB_CONNECT"))??;
    let client_id = first.id;
    let r = http
        .post(format!("{base}/api/realtime"))
        .header("Authorization", &token)
        .json(&json!({"clientId": client_id, "subscriptions": ["messages/*"]}))
        .send()
        .await?;
    anyhow::ensure!(r.status().as_u16() == 204, "subscribe: {}", r.status());
    tokio::spawn(async move {
        while let Some(Ok(ev)) = events.next().await {
            let Ok(v) = serde_json::from_str::<Value>(&ev.data) else {
                continue;
            };
            let rec = &v["record"];
            if rec["role"] == "assistant" {
                let len = rec["content"].as_str().map_or(0, str::len);
                let status = rec["status"].as_str().unwrap_or_default().to_string();
                if let Ok(mut l) = log.lock() {
                    l.push((n, len, status, Instant::now()));
                }
            }
        }
    });
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let subscribers = arg("--subscribers", 1000);
    let llm = fake_llm::FakeLlm::start().await;
    llm.set_reply("Focus on one segment first. ".repeat(30));
    llm.set_chunks(60);
    llm.set_delay(Duration::from_millis(20));

    let dir = tempfile::tempdir()?;
    let mut config = cairn::Config::for_dir(dir.path());
    config.encryption_key = Some("bench-key-0123456789abcdefghijkl".into());
    let app = Arc::new(gtm_wizard::app().open(config)?);
    let core = app.core.clone();
    cairn::jobs::Jobs::start(&core);
    let (srv, addr) = cairn::http::serve(core.clone(), "127.0.0.1:0".parse()?, 1 << 20, 0)?;
    tokio::spawn(srv);
    let base = format!("http://{addr}");

    let user = server::create(
        &core,
        "users",
        json!({"email": "bench@example.com", "password": "password123", "passwordConfirm": "password123"}),
    )
    .await?;
    let ws = server::create(
        &core,
        "workspaces",
        json!({"name": "Bench", "owner": user.id()}),
    )
    .await?;
    let key = server::create(
        &core,
        "provider_keys",
        json!({"workspace": ws.id(), "provider": "openai", "api_key": "sk-bench-000000000000",
               "base_url": llm.openai_base(), "default_model": "gpt-4o-mini"}),
    )
    .await?;
    let conversation = server::create(
        &core,
        "conversations",
        json!({"workspace": ws.id(), "user": user.id(), "provider_key": key.id()}),
    )
    .await?;
    let http = reqwest::Client::new();
    let auth: Value = http
        .post(format!("{base}/api/collections/users/auth-with-password"))
        .json(&json!({"identity": "bench@example.com", "password": "password123"}))
        .send()
        .await?
        .json()
        .await?;
    let token = auth["token"].as_str().unwrap_or_default().to_string();

    let log: Log = Arc::default();
    let t_sub = Instant::now();
    let mut tasks = Vec::new();
    for n in 0..subscribers {
        tasks.push(tokio::spawn(subscribe(
            base.clone(),
            token.clone(),
            n,
            log.clone(),
        )));
    }
    for t in tasks {
        t.await??;
    }
    println!(
        "{subscribers} SSE subscribers ready in {:.2?}",
        t_sub.elapsed()
    );

    let asked = Instant::now();
    let r = http
        .post(format!("{base}/api/collections/messages/records"))
        .header("Authorization", &token)
        .json(&json!({"conversation": conversation.id(), "role": "user", "content": "How do I start?"}))
        .send()
        .await?;
    anyhow::ensure!(r.status().is_success(), "ask: {}", r.status());
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let done = log
            .lock()
            .map(|l| l.iter().filter(|e| e.2 == "done").count())
            .unwrap_or(0);
        if done >= subscribers || Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let events = log.lock().map(|l| l.clone()).unwrap_or_default();

    let mut first_chars: HashMap<usize, Instant> = HashMap::new();
    let mut by_version: HashMap<(usize, String), Vec<Instant>> = HashMap::new();
    let mut per_sub: HashMap<usize, usize> = HashMap::new();
    for (n, len, status, at) in &events {
        if *len > 0 {
            first_chars.entry(*n).or_insert(*at);
        }
        by_version
            .entry((*len, status.clone()))
            .or_default()
            .push(*at);
        *per_sub.entry(*n).or_default() += 1;
    }
    let mut first: Vec<f64> = first_chars
        .values()
        .map(|t| t.duration_since(asked).as_secs_f64() * 1000.0)
        .collect();
    first.sort_by(f64::total_cmp);
    let mut spread: Vec<f64> = by_version
        .values()
        .filter(|v| v.len() > 1)
        .map(|v| {
            let min = v.iter().min().copied().unwrap_or(asked);
            let max = v.iter().max().copied().unwrap_or(asked);
            max.duration_since(min).as_secs_f64() * 1000.0
        })
        .collect();
    spread.sort_by(f64::total_cmp);
    let done = events.iter().filter(|e| e.2 == "done").count();
    let updates: Vec<usize> = per_sub.values().copied().collect();
    println!(
        "question → first characters at a subscriber: p50 {:.1} ms, p99 {:.1} ms",
        pct(&first, 0.5),
        pct(&first, 0.99)
    );
    println!(
        "reply updates per subscriber: min {} max {}; events delivered {}",
        updates.iter().min().copied().unwrap_or(0),
        updates.iter().max().copied().unwrap_or(0),
        events.len()
    );
    println!(
        "first→last subscriber for the same update: p50 {:.1} ms, p99 {:.1} ms",
        pct(&spread, 0.5),
        pct(&spread, 0.99)
    );
    println!(
        "subscribers that saw the final `done`: {done}/{subscribers} (missed: {})",
        subscribers.saturating_sub(done)
    );
    Ok(())
}
