//! `GET /metrics` on the real binary, read back with a Prometheus text-format parser: request
//! counts by route template and status, latency histograms, the writer, read-cache, realtime,
//! jobs and mail families; readable by a superuser or with `--metrics-token`, not by guests
//! or users.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;

#[path = "common/child.rs"]
mod child;
use child::{Server, free_port};

const SECRET: &str = "scrape-secret-0123456789";

fn start() -> (Server, String, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("dir");
    let bin = env!("CARGO_BIN_EXE_cairn");
    let ok = Command::new(bin)
        .args([
            "superuser",
            "upsert",
            "m@example.com",
            "metrics-password-1",
            "--dir",
        ])
        .arg(dir.path())
        .status()
        .expect("upsert");
    assert!(ok.success());
    let port = free_port();
    let addr = format!("127.0.0.1:{port}");
    let child = Command::new(bin)
        .args(["serve", "--http", &addr, "--metrics-token", SECRET, "--dir"])
        .arg(dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("serve");
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(&addr).is_err() {
        assert!(Instant::now() < deadline, "server did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    (Server(child), format!("http://{addr}"), dir)
}

fn value(scrape: &prometheus_parse::Scrape, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    scrape
        .samples
        .iter()
        .find(|s| s.metric == name && labels.iter().all(|(k, v)| s.labels.get(k) == Some(*v)))
        .and_then(|s| match &s.value {
            prometheus_parse::Value::Counter(v)
            | prometheus_parse::Value::Gauge(v)
            | prometheus_parse::Value::Untyped(v) => Some(*v),
            prometheus_parse::Value::Histogram(buckets) => buckets.last().map(|b| b.count),
            _ => None,
        })
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_are_readable_only_by_superusers_or_the_token() {
    let (_server, base, _dir) = start();
    let http = reqwest::Client::new();
    let token: String = http
        .post(format!(
            "{base}/api/collections/_superusers/auth-with-password"
        ))
        .json(&json!({"identity": "m@example.com", "password": "metrics-password-1"}))
        .send()
        .await
        .expect("login")
        .json::<serde_json::Value>()
        .await
        .expect("json")["token"]
        .as_str()
        .expect("token")
        .to_string();
    let r = http
        .post(format!("{base}/api/collections"))
        .header("authorization", &token)
        .json(&json!({"name": "notes", "type": "base", "listRule": "", "viewRule": "", "createRule": "",
                       "fields": [{"name": "t", "type": "text"}]}))
        .send()
        .await
        .expect("create collection");
    assert_eq!(r.status(), 200);
    for i in 0..3 {
        let r = http
            .post(format!("{base}/api/collections/notes/records"))
            .json(&json!({"t": format!("n{i}")}))
            .send()
            .await
            .expect("create");
        assert_eq!(r.status(), 200);
    }
    for _ in 0..4 {
        let r = http
            .get(format!("{base}/api/collections/notes/records"))
            .send()
            .await
            .expect("list");
        assert_eq!(r.status(), 200);
    }
    let r = http
        .get(format!(
            "{base}/api/collections/notes/records/nope12345678901"
        ))
        .send()
        .await
        .expect("view");
    assert_eq!(r.status(), 404);
    // SMTP pointed at a closed port: the test mail fails and is counted.
    let r = http
        .patch(format!("{base}/api/settings"))
        .header("authorization", &token)
        .json(&json!({"smtp": {"enabled": true, "host": "127.0.0.1", "port": 9}}))
        .send()
        .await
        .expect("settings");
    assert_eq!(r.status(), 200);
    let r = http
        .post(format!("{base}/api/settings/test/email"))
        .header("authorization", &token)
        .json(&json!({"email": "x@example.com", "template": "verification"}))
        .send()
        .await
        .expect("test mail");
    assert_eq!(r.status(), 400);

    // Who may read.
    let guest = http
        .get(format!("{base}/metrics"))
        .send()
        .await
        .expect("guest");
    assert_eq!(guest.status(), 401);
    let wrong = http
        .get(format!("{base}/metrics"))
        .header("authorization", "Bearer not-the-secret")
        .send()
        .await
        .expect("wrong");
    assert_eq!(wrong.status(), 401);
    let by_secret = http
        .get(format!("{base}/metrics"))
        .header("authorization", format!("Bearer {SECRET}"))
        .send()
        .await
        .expect("secret");
    assert_eq!(by_secret.status(), 200);
    let text = http
        .get(format!("{base}/metrics"))
        .header("authorization", &token)
        .send()
        .await
        .expect("metrics")
        .text()
        .await
        .expect("text");
    let lines = text.lines().map(|l| Ok(l.to_string()));
    let scrape = prometheus_parse::Scrape::parse(lines).expect("Prometheus text format");

    let list = [
        ("method", "GET"),
        ("route", "/api/collections/:collection/records"),
        ("status", "200"),
    ];
    assert_eq!(
        value(&scrape, "cairn_http_requests_total", &list),
        Some(4.0),
        "{text}"
    );
    let create = [
        ("method", "POST"),
        ("route", "/api/collections/:collection/records"),
        ("status", "200"),
    ];
    assert_eq!(
        value(&scrape, "cairn_http_requests_total", &create),
        Some(3.0)
    );
    let missing = [
        ("route", "/api/collections/:collection/records/:id"),
        ("status", "404"),
    ];
    assert_eq!(
        value(&scrape, "cairn_http_requests_total", &missing),
        Some(1.0)
    );
    let latency = [
        ("method", "GET"),
        ("route", "/api/collections/:collection/records"),
    ];
    assert_eq!(
        value(&scrape, "cairn_http_request_duration_seconds", &latency),
        Some(4.0)
    );
    // The three creates (and the other grouped writes) went through group commit.
    let groups = value(&scrape, "cairn_db_group_commit_writes", &[]).expect("group commits");
    assert!(groups >= 3.0, "{groups}");
    assert_eq!(
        value(&scrape, "cairn_db_writer_queue_depth", &[]),
        Some(0.0)
    );
    let hits = value(&scrape, "cairn_read_cache_hits_total", &[]).expect("hits");
    let misses = value(&scrape, "cairn_read_cache_misses_total", &[]).expect("misses");
    assert!(hits >= 1.0 && misses >= 1.0, "hits {hits}, misses {misses}");
    assert_eq!(value(&scrape, "cairn_realtime_clients", &[]), Some(0.0));
    assert_eq!(
        value(&scrape, "cairn_realtime_queued_events", &[]),
        Some(0.0)
    );
    assert_eq!(
        value(&scrape, "cairn_jobs", &[("status", "queued")]),
        Some(0.0)
    );
    assert_eq!(value(&scrape, "cairn_mail_failed_total", &[]), Some(1.0));
    assert_eq!(value(&scrape, "cairn_mail_sent_total", &[]), Some(0.0));
    assert_eq!(value(&scrape, "cairn_logs_dropped_total", &[]), Some(0.0));
}
