//! `cairn serve --log-format json`: every line the server writes is one JSON object (what log
//! shippers such as Vector, Loki's promtail or `docker logs` pipelines expect), including the
//! start-up banner's information and the first-superuser installer link; the default text
//! format keeps the human banner.

use std::fs::File;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

#[path = "common/child.rs"]
mod child;
use child::{Server, free_port};

/// Starts `cairn serve` with `extra` flags, output into `log`, and waits for `/api/health`.
async fn serve(dir: &Path, log: &Path, extra: &[&str]) -> (Server, String) {
    let port = free_port();
    let out = File::create(log).expect("log file");
    let child = Command::new(env!("CARGO_BIN_EXE_cairn"))
        .args(["serve", "--http", &format!("127.0.0.1:{port}"), "--dir"])
        .arg(dir)
        .args(extra)
        .stdout(Stdio::from(out.try_clone().expect("fd")))
        .stderr(Stdio::from(out))
        .spawn()
        .expect("spawn cairn");
    let server = Server(child);
    let base = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if let Ok(r) = reqwest::get(format!("{base}/api/health")).await
            && r.status().is_success()
        {
            return (server, base);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "cairn serve did not start:\n{}",
        std::fs::read_to_string(log).unwrap_or_default()
    );
}

/// Stops the server with SIGTERM (a graceful shutdown logs too) and returns its output.
fn stop(server: Server, log: &Path) -> String {
    let pid = server.0.id().to_string();
    let status = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill");
    assert!(status.success());
    let mut server = server;
    let deadline = Instant::now() + Duration::from_secs(20);
    while server.0.try_wait().expect("try_wait").is_none() {
        assert!(Instant::now() < deadline, "no exit after SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    }
    std::fs::read_to_string(log).expect("log")
}

#[tokio::test]
async fn json_log_lines_are_json_objects_only() {
    let dir = tempfile::tempdir().expect("dir");
    let log = dir.path().join("serve.log");
    let (server, base) = serve(&dir.path().join("data"), &log, &["--log-format", "json"]).await;
    // A request that fails, so the log has more than the start-up lines to carry.
    let r = reqwest::get(format!("{base}/api/collections/nope/records"))
        .await
        .expect("request");
    assert_eq!(r.status().as_u16(), 404);
    let text = stop(server, &log);

    let lines: Vec<Value> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l:?}")))
        .collect();
    assert!(lines.len() >= 3, "too few log lines:\n{text}");
    for line in &lines {
        assert!(line.is_object(), "{line}");
        for key in ["timestamp", "level", "message"] {
            assert!(line.get(key).is_some(), "no {key} in {line}");
        }
    }
    let started = lines
        .iter()
        .find(|l| {
            l["message"]
                .as_str()
                .is_some_and(|m| m.starts_with("Server started at http://127.0.0.1:"))
        })
        .unwrap_or_else(|| panic!("no start-up line:\n{text}"));
    assert_eq!(started["level"], "INFO");
    assert!(
        started["addr"]
            .as_str()
            .is_some_and(|a| a.starts_with("127.0.0.1:")),
        "{started}"
    );
    // An empty data dir has no superuser: the installer link is a field of a WARN line.
    let installer = lines
        .iter()
        .find(|l| {
            l["url"]
                .as_str()
                .is_some_and(|u| u.contains("/_/#/pbinstall/"))
        })
        .unwrap_or_else(|| panic!("no installer link line:\n{text}"));
    assert_eq!(installer["level"], "WARN");
    assert!(
        lines.iter().any(|l| l["message"] == "database closed, bye"),
        "no shutdown line:\n{text}"
    );
}

#[tokio::test]
async fn text_logs_keep_the_banner_for_people() {
    let dir = tempfile::tempdir().expect("dir");
    let log = dir.path().join("serve.log");
    let (server, base) = serve(&dir.path().join("data"), &log, &[]).await;
    let text = stop(server, &log);
    let addr = base.trim_start_matches("http://");
    assert!(
        text.contains(&format!("├─ REST API:  http://{addr}/api/")),
        "{text}"
    );
    assert!(text.contains("(!) Open this link in a browser"), "{text}");
    assert!(
        text.lines()
            .any(|l| serde_json::from_str::<Value>(l).is_err()),
        "text format printed JSON only:\n{text}"
    );
}
