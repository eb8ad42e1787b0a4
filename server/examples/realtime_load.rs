//! Realtime fan-out load test (loopback only, bounded in time): holds N SSE and M WebSocket
//! subscribers on `<collection>/*`, creates K records, and reports delivery latency p50/p99,
//! events lost, and the server's RSS (when `--pid` is given). Works against PocketBase too
//! (SSE only).
//!
//! ```sh
//! cargo run --release -p cairn --example realtime_load -- --url http://127.0.0.1:8090 \
//!     --email admin@example.com --password secret --sse 5000 --ws 5000 --writes 20 --pid <server pid>
//! ```

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::sync::Mutex;

struct Args {
    url: String,
    email: String,
    password: String,
    sse: usize,
    ws: usize,
    writes: usize,
    pid: Option<u32>,
    timeout: Duration,
}

fn args() -> Args {
    let mut a = Args {
        url: "http://127.0.0.1:8090".into(),
        email: String::new(),
        password: String::new(),
        sse: 1000,
        ws: 0,
        writes: 10,
        pid: None,
        timeout: Duration::from_secs(240),
    };
    let argv: Vec<String> = std::env::args().collect();
    let mut i = 1;
    while i + 1 < argv.len() {
        let v = argv[i + 1].clone();
        match argv[i].as_str() {
            "--url" => a.url = v,
            "--email" => a.email = v,
            "--password" => a.password = v,
            "--sse" => a.sse = v.parse().unwrap_or(a.sse),
            "--ws" => a.ws = v.parse().unwrap_or(a.ws),
            "--writes" => a.writes = v.parse().unwrap_or(a.writes),
            "--pid" => a.pid = v.parse().ok(),
            "--timeout" => a.timeout = Duration::from_secs(v.parse().unwrap_or(240)),
            other => eprintln!("ignoring {other}"),
        }
        i += 2;
    }
    a
}

fn now_us() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_micros() as u64)
        .unwrap_or(0)
}

fn rss_kib(pid: Option<u32>) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{}/status", pid?)).ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

#[derive(Default)]
struct Stats {
    latencies_us: Mutex<Vec<u64>>,
    received: AtomicUsize,
}

async fn on_event(stats: &Stats, data: &str) {
    if let Ok(v) = serde_json::from_str::<Value>(data)
        && let Some(t) = v["record"]["sent"].as_u64()
    {
        stats.received.fetch_add(1, Ordering::Relaxed);
        stats
            .latencies_us
            .lock()
            .await
            .push(now_us().saturating_sub(t));
    }
}

/// One SSE subscriber over a raw socket; returns once subscribed.
async fn sse_client(
    host: String,
    url: String,
    http: reqwest::Client,
    topic: String,
    stats: Arc<Stats>,
) -> Result<(), String> {
    let mut stream = TcpStream::connect(&host).await.map_err(|e| e.to_string())?;
    stream
        .write_all(
            format!(
                "GET /api/realtime HTTP/1.1\r\nHost: {host}\r\nAccept: text/event-stream\r\n\r\n"
            )
            .as_bytes(),
        )
        .await
        .map_err(|e| e.to_string())?;
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    let mut client_id = String::new();
    // Headers, then the PB_CONNECT message.
    loop {
        line.clear();
        if reader
            .read_line(&mut line)
            .await
            .map_err(|e| e.to_string())?
            == 0
        {
            return Err("closed before PB_CONNECT".into());
        }
        if let Some(id) = line.trim().strip_prefix("id:")
            && client_id.is_empty()
        {
            client_id = id.to_string();
        }
        if line.trim().starts_with("data:") && !client_id.is_empty() {
            break;
        }
    }
    let r = http
        .post(format!("{url}/api/realtime"))
        .json(&json!({"clientId": client_id, "subscriptions": [topic]}))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if r.status().as_u16() != 204 {
        return Err(format!("subscribe: {}", r.status()));
    }
    tokio::spawn(async move {
        let mut line = String::new();
        loop {
            line.clear();
            match reader.read_line(&mut line).await {
                Ok(0) | Err(_) => break,
                Ok(_) => {
                    let l = line.trim();
                    // Chunked transfer framing lines are skipped; data lines carry the JSON.
                    if let Some(d) = l.strip_prefix("data:") {
                        on_event(&stats, d).await;
                    }
                }
            }
        }
    });
    Ok(())
}

async fn ws_client(host: String, topic: String, stats: Arc<Stats>) -> Result<(), String> {
    let (mut ws, _) = tokio_tungstenite::connect_async(format!("ws://{host}/api/realtime/ws"))
        .await
        .map_err(|e| e.to_string())?;
    ws.next()
        .await
        .ok_or("no connect frame")?
        .map_err(|e| e.to_string())?;
    ws.send(tokio_tungstenite::tungstenite::Message::Text(
        json!({"type": "subscribe", "topics": [topic]})
            .to_string()
            .into(),
    ))
    .await
    .map_err(|e| e.to_string())?;
    ws.next()
        .await
        .ok_or("no ack")?
        .map_err(|e| e.to_string())?;
    tokio::spawn(async move {
        while let Some(Ok(msg)) = ws.next().await {
            if let tokio_tungstenite::tungstenite::Message::Text(t) = msg
                && let Ok(v) = serde_json::from_str::<Value>(&t)
            {
                on_event(&stats, &v["data"].to_string()).await;
            }
        }
    });
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let a = args();
    let deadline = Instant::now() + a.timeout;
    let host = a.url.trim_start_matches("http://").to_string();
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(64)
        .build()?;
    let auth: Value = http
        .post(format!(
            "{}/api/collections/_superusers/auth-with-password",
            a.url
        ))
        .json(&json!({"identity": a.email, "password": a.password}))
        .send()
        .await?
        .json()
        .await?;
    let token = auth["token"].as_str().ok_or("login failed")?.to_string();
    let collection = format!("rtload{}", now_us() % 1_000_000);
    let r = http
        .post(format!("{}/api/collections", a.url))
        .header("Authorization", &token)
        .json(&json!({"name": collection, "type": "base", "listRule": "", "viewRule": "", "createRule": "", "fields": [{"name": "sent", "type": "number"}]}))
        .send()
        .await?;
    if !r.status().is_success() {
        return Err(format!("create collection: {}", r.text().await?).into());
    }
    let topic = format!("{collection}/*");
    let rss_before = rss_kib(a.pid);
    let stats = Arc::new(Stats::default());
    let started = Instant::now();
    let mut failures = 0usize;
    let connect = |i: usize| {
        let (host, url, http, topic, stats) = (
            host.clone(),
            a.url.clone(),
            http.clone(),
            topic.clone(),
            stats.clone(),
        );
        async move {
            if i < a.sse {
                sse_client(host, url, http, topic, stats).await
            } else {
                ws_client(host, topic, stats).await
            }
        }
    };
    let total = a.sse + a.ws;
    let mut pending = futures_util::stream::iter((0..total).map(connect)).buffer_unordered(256);
    while let Some(r) = pending.next().await {
        if r.is_err() {
            failures += 1;
        }
        if Instant::now() > deadline {
            return Err("timed out while connecting".into());
        }
    }
    let connected = total - failures;
    let connect_secs = started.elapsed().as_secs_f64();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let rss_idle = rss_kib(a.pid);
    for _ in 0..a.writes {
        http.post(format!("{}/api/collections/{collection}/records", a.url))
            .json(&json!({"sent": now_us()}))
            .send()
            .await?;
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let expected = connected * a.writes;
    while stats.received.load(Ordering::Relaxed) < expected
        && Instant::now() < deadline.min(Instant::now() + Duration::from_secs(20))
    {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let mut lat = stats.latencies_us.lock().await.clone();
    lat.sort_unstable();
    let pct = |p: f64| {
        lat.get(((lat.len() as f64 * p) as usize).min(lat.len().saturating_sub(1)))
            .copied()
            .unwrap_or(0) as f64
            / 1000.0
    };
    let received = stats.received.load(Ordering::Relaxed);
    let per_conn = match (rss_before, rss_idle) {
        (Some(b), Some(i)) if connected > 0 => {
            format!("{:.1} KiB", (i.saturating_sub(b)) as f64 / connected as f64)
        }
        _ => "n/a".into(),
    };
    println!(
        "subscribers {connected} (sse {}, ws {}, failed {failures}) connected in {connect_secs:.1}s; writes {}; delivered {received}/{expected} (lost {}); latency p50 {:.1} ms p99 {:.1} ms; server RSS idle {} KiB → peak-ish {} KiB; per idle connection {per_conn}",
        a.sse.min(total),
        a.ws,
        a.writes,
        expected.saturating_sub(received),
        pct(0.5),
        pct(0.99),
        rss_idle.map_or("n/a".into(), |v| v.to_string()),
        rss_kib(a.pid).map_or("n/a".into(), |v| v.to_string()),
    );
    Ok(())
}
