//! Crash safety of the real binary: stream writes, `kill -9` the server while requests are in
//! flight, restart on the same data dir, and check that every acknowledged write survived
//! exactly, that nothing is half-applied, and that SQLite's integrity check passes.
//!
//! Each record carries `checksum = fnv1a64(seq|version|payload)`, written in the same request as
//! the fields it covers, so a record whose columns came from different writes is detected.

use std::collections::BTreeMap;
use std::fs::File;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const SU_EMAIL: &str = "crash@example.com";
const SU_PASSWORD: &str = "crash-password-123";
const COLLECTION: &str = "ledger";
const KILL_CYCLES: usize = 3;
const WRITERS: usize = 4;
/// Acknowledged writes per cycle before the server is killed.
const ACKS_BEFORE_KILL: usize = 400;
const TEST_TIMEOUT: Duration = Duration::from_secs(300);

// ---------------------------------------------------------------------------------------------
// The server process

struct Server {
    child: Child,
    base: String,
    log: PathBuf,
}

impl Server {
    /// Starts `cairn serve` on a free loopback port and waits until `/api/health` answers.
    async fn start(dir: &Path, log: PathBuf) -> Self {
        let mut last_log = String::new();
        for _attempt in 0..3 {
            let port = free_port();
            let child = Command::new(env!("CARGO_BIN_EXE_cairn"))
                .args([
                    "serve",
                    "--http",
                    &format!("127.0.0.1:{port}"),
                    "--log",
                    "warn",
                ])
                .arg("--dir")
                .arg(dir)
                .env_remove("CAIRN_HTTP")
                .env_remove("CAIRN_DIR")
                .env_remove("RUST_LOG")
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::from(File::create(&log).expect("log file")))
                .spawn()
                .expect("spawn cairn serve");
            let mut server = Self {
                child,
                base: format!("http://127.0.0.1:{port}"),
                log: log.clone(),
            };
            if server.wait_ready(Duration::from_secs(30)).await {
                return server;
            }
            last_log = server.log_text();
            // The port may have been taken between probing and binding: try another one.
            if !last_log.contains("in use") {
                break;
            }
        }
        panic!("cairn serve did not become ready; log:\n{last_log}");
    }

    /// Polls `/api/health`; false if the process exits or the deadline passes.
    async fn wait_ready(&mut self, limit: Duration) -> bool {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(2))
            .build()
            .expect("client");
        let deadline = Instant::now() + limit;
        while Instant::now() < deadline {
            if self.child.try_wait().expect("try_wait").is_some() {
                return false;
            }
            if let Ok(r) = client.get(format!("{}/api/health", self.base)).send().await
                && r.status().as_u16() == 200
            {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        false
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// SIGKILL, no chance to flush or checkpoint anything.
    fn kill_9(&mut self) {
        self.child.kill().expect("SIGKILL");
        let status = self.child.wait().expect("reap killed server");
        assert!(!status.success(), "killed server reported success");
    }

    /// SIGTERM and wait (bounded) for a clean exit.
    async fn terminate(&mut self) {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("run kill -TERM");
        assert!(sent.success(), "kill -TERM {pid}");
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                assert!(
                    status.success(),
                    "server exited with {status} after SIGTERM; log:\n{}",
                    self.log_text()
                );
                return;
            }
            assert!(
                Instant::now() < deadline,
                "server still running 15 s after SIGTERM; log:\n{}",
                self.log_text()
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .expect("bind probe")
        .local_addr()
        .expect("probe addr")
        .port()
}

fn upsert_superuser(dir: &Path) {
    let out = Command::new(env!("CARGO_BIN_EXE_cairn"))
        .args(["superuser", "upsert", SU_EMAIL, SU_PASSWORD, "--dir"])
        .arg(dir)
        .env_remove("CAIRN_DIR")
        .output()
        .expect("run superuser upsert");
    assert!(
        out.status.success(),
        "superuser upsert failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

// ---------------------------------------------------------------------------------------------
// What the client knows

#[derive(Debug, Clone, PartialEq)]
struct Written {
    version: i64,
    payload: String,
}

#[derive(Debug)]
struct Entry {
    seq: i64,
    /// The last write that got a 200.
    acked: Option<Written>,
    /// Writes sent after `acked` whose outcome is unknown (no response: the server was killed).
    pending: Vec<Written>,
}

#[derive(Default)]
struct Ledger {
    entries: Mutex<BTreeMap<String, Entry>>,
    problems: Mutex<Vec<String>>,
}

impl Ledger {
    fn problem(&self, p: String) {
        self.problems.lock().expect("problems lock").push(p);
    }
}

fn fnv1a64(s: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

fn checksum(seq: i64, w: &Written) -> String {
    fnv1a64(&format!("{seq}|{}|{}", w.version, w.payload))
}

/// Deterministic payload of 40..3040 bytes, so rows span SQLite overflow pages.
fn payload(seq: i64, version: i64) -> String {
    let len = 40 + usize::try_from((seq * 7919 + version * 104_729) % 3000).expect("len");
    let letter = char::from(b'a' + u8::try_from((seq + version) % 26).expect("letter"));
    let mut p = format!("s{seq}v{version}:");
    while p.len() < len {
        p.push(letter);
    }
    p
}

fn record_id(seq: i64) -> String {
    format!("r{seq:014}")
}

// ---------------------------------------------------------------------------------------------
// Writers

struct Cycle {
    base: String,
    token: String,
    ledger: Arc<Ledger>,
    next_seq: Arc<AtomicI64>,
    acked: AtomicUsize,
    in_flight: AtomicUsize,
    stop: AtomicBool,
}

enum Outcome {
    Acked(Value),
    Rejected(u16, String),
    /// No response: connection refused/reset, i.e. the server is gone.
    Lost,
}

async fn send(rb: reqwest::RequestBuilder) -> Outcome {
    match rb.send().await {
        Ok(resp) => {
            let status = resp.status().as_u16();
            match resp.text().await {
                Ok(text) if status == 200 => match serde_json::from_str(&text) {
                    Ok(v) => Outcome::Acked(v),
                    Err(_) => Outcome::Rejected(status, text),
                },
                Ok(text) => Outcome::Rejected(status, text),
                // Headers arrived but the body did not: the outcome is unknown.
                Err(_) => Outcome::Lost,
            }
        }
        Err(_) => Outcome::Lost,
    }
}

/// Creates records with increasing `seq` and updates its own earlier records (every 4th
/// operation), until the server stops answering.
async fn writer(cycle: Arc<Cycle>, w: usize) {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .expect("client");
    let url = format!("{}/api/collections/{COLLECTION}/records", cycle.base);
    let mut own: Vec<String> = {
        let entries = cycle.ledger.entries.lock().expect("ledger lock");
        entries
            .iter()
            .filter(|(_, e)| {
                e.acked.is_some() && usize::try_from(e.seq).expect("seq") % WRITERS == w
            })
            .map(|(id, _)| id.clone())
            .collect()
    };
    let mut op = 0usize;
    while !cycle.stop.load(Ordering::SeqCst) {
        op += 1;
        let update_target =
            (op.is_multiple_of(4) && !own.is_empty()).then(|| own[op % own.len()].clone());
        let (id, seq, write, rb) = if let Some(id) = update_target {
            let (seq, write) = {
                let mut entries = cycle.ledger.entries.lock().expect("ledger lock");
                let e = entries.get_mut(&id).expect("own record");
                let prev = e.acked.as_ref().expect("acked before update").version;
                let write = Written {
                    version: prev + 1,
                    payload: payload(e.seq, prev + 1),
                };
                e.pending.push(write.clone());
                (e.seq, write)
            };
            let body = json!({
                "version": write.version,
                "payload": write.payload,
                "checksum": checksum(seq, &write),
            });
            let rb = client
                .patch(format!("{url}/{id}"))
                .header("Authorization", &cycle.token)
                .json(&body);
            (id, seq, write, rb)
        } else {
            // Sequence numbers are shared by the writers; each writer keeps records whose seq
            // falls in its residue class for updates.
            let seq = cycle.next_seq.fetch_add(1, Ordering::SeqCst);
            let id = record_id(seq);
            let write = Written {
                version: 0,
                payload: payload(seq, 0),
            };
            cycle.ledger.entries.lock().expect("ledger lock").insert(
                id.clone(),
                Entry {
                    seq,
                    acked: None,
                    pending: vec![write.clone()],
                },
            );
            let body = json!({
                "id": id,
                "seq": seq,
                "version": write.version,
                "payload": write.payload,
                "checksum": checksum(seq, &write),
            });
            let rb = client
                .post(&url)
                .header("Authorization", &cycle.token)
                .json(&body);
            (id, seq, write, rb)
        };

        cycle.in_flight.fetch_add(1, Ordering::SeqCst);
        let outcome = send(rb).await;
        cycle.in_flight.fetch_sub(1, Ordering::SeqCst);
        match outcome {
            Outcome::Acked(body) => {
                let echoed = body["id"] == json!(id)
                    && body["seq"] == json!(seq)
                    && body["version"] == json!(write.version)
                    && body["payload"] == json!(write.payload)
                    && body["checksum"] == json!(checksum(seq, &write));
                if !echoed {
                    cycle
                        .ledger
                        .problem(format!("{id}: response does not echo the write: {body}"));
                }
                {
                    let mut entries = cycle.ledger.entries.lock().expect("ledger lock");
                    let e = entries.get_mut(&id).expect("entry");
                    e.acked = Some(write.clone());
                    e.pending.clear();
                }
                if write.version == 0 && usize::try_from(seq).expect("seq") % WRITERS == w {
                    own.push(id);
                }
                cycle.acked.fetch_add(1, Ordering::SeqCst);
            }
            Outcome::Rejected(status, text) => {
                cycle.ledger.problem(format!(
                    "{id} v{}: unexpected HTTP {status}: {text}",
                    write.version
                ));
                return;
            }
            Outcome::Lost => return,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Checks

async fn login(base: &str) -> String {
    let r = reqwest::Client::new()
        .post(format!(
            "{base}/api/collections/_superusers/auth-with-password"
        ))
        .json(&json!({"identity": SU_EMAIL, "password": SU_PASSWORD}))
        .timeout(Duration::from_secs(10))
        .send()
        .await
        .expect("login request");
    assert_eq!(r.status().as_u16(), 200, "superuser login");
    let body: Value = r.json().await.expect("login json");
    body["token"].as_str().expect("token").to_string()
}

/// Every record through the API, keyed by id: (seq, version, payload, checksum).
async fn fetch_all(base: &str, token: &str) -> BTreeMap<String, (i64, Written, String)> {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .expect("client");
    let mut out = BTreeMap::new();
    let mut total = None;
    for page in 1.. {
        let r = client
            .get(format!(
                "{base}/api/collections/{COLLECTION}/records?page={page}&perPage=500&sort=seq"
            ))
            .header("Authorization", token)
            .send()
            .await
            .expect("list request");
        assert_eq!(r.status().as_u16(), 200, "list page {page}");
        let body: Value = r.json().await.expect("list json");
        total.get_or_insert(body["totalItems"].as_i64().expect("totalItems"));
        let items = body["items"].as_array().expect("items");
        for it in items {
            let id = it["id"].as_str().expect("id").to_string();
            let seq = it["seq"].as_i64().expect("seq");
            let w = Written {
                version: it["version"].as_i64().expect("version"),
                payload: it["payload"].as_str().expect("payload").to_string(),
            };
            let sum = it["checksum"].as_str().expect("checksum").to_string();
            assert!(
                out.insert(id.clone(), (seq, w, sum)).is_none(),
                "duplicate {id}"
            );
        }
        if items.len() < 500 {
            break;
        }
    }
    assert_eq!(
        Some(i64::try_from(out.len()).expect("len")),
        total,
        "totalItems matches the rows listed"
    );
    out
}

/// Compares the server's records with the ledger, then makes the ledger match the server
/// (unknown outcomes resolved) for the next cycle.
fn verify_and_settle(
    ledger: &Ledger,
    found: &BTreeMap<String, (i64, Written, String)>,
    cycle: usize,
) {
    let mut problems = Vec::new();
    let mut entries = ledger.entries.lock().expect("ledger lock");
    for (id, (seq, w, sum)) in found {
        if *sum != checksum(*seq, w) {
            problems.push(format!(
                "{id}: half-applied write (checksum mismatch): seq {seq} v{}",
                w.version
            ));
        }
        let Some(e) = entries.get(id) else {
            problems.push(format!("{id}: record that was never written"));
            continue;
        };
        if e.seq != *seq {
            problems.push(format!("{id}: seq {seq}, written {}", e.seq));
        }
        if e.acked.as_ref() != Some(w) && !e.pending.contains(w) {
            problems.push(format!(
                "{id}: v{} on disk, acknowledged {:?}, unacknowledged {:?}",
                w.version,
                e.acked.as_ref().map(|a| a.version),
                e.pending.iter().map(|p| p.version).collect::<Vec<_>>()
            ));
        }
    }
    for (id, e) in entries.iter() {
        if let Some(a) = &e.acked
            && !found.contains_key(id)
        {
            problems.push(format!("{id}: acknowledged write v{} lost", a.version));
        }
    }
    assert!(
        problems.is_empty(),
        "cycle {cycle}: {} problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
    entries.retain(|id, _| found.contains_key(id));
    for (id, e) in entries.iter_mut() {
        e.acked = Some(found[id].1.clone());
        e.pending.clear();
    }
}

fn integrity_check_and_rows(db: &Path) -> (String, i64) {
    let conn =
        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .expect("open data.db read-only");
    let ok: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("integrity_check");
    let rows: i64 = conn
        .query_row(&format!("SELECT COUNT(*) FROM \"{COLLECTION}\""), [], |r| {
            r.get(0)
        })
        .expect("count rows");
    (ok, rows)
}

// ---------------------------------------------------------------------------------------------

async fn kill_restart_cycles() {
    let data = tempfile::tempdir().expect("data dir");
    let logs = tempfile::tempdir().expect("log dir");
    upsert_superuser(data.path());

    let mut server = Server::start(data.path(), logs.path().join("serve-0.log")).await;
    let token = login(&server.base).await;
    let r = reqwest::Client::new()
        .post(format!("{}/api/collections", server.base))
        .header("Authorization", &token)
        .json(&json!({
            "name": COLLECTION,
            "type": "base",
            "fields": [
                {"name": "seq", "type": "number", "onlyInt": true, "required": true},
                {"name": "version", "type": "number", "onlyInt": true},
                {"name": "payload", "type": "text", "max": 10000},
                {"name": "checksum", "type": "text", "required": true},
            ],
            "indexes": [format!("CREATE UNIQUE INDEX idx_{COLLECTION}_seq ON {COLLECTION} (seq)")],
        }))
        .send()
        .await
        .expect("create collection");
    assert_eq!(
        r.status().as_u16(),
        200,
        "create collection: {:?}",
        r.text().await
    );

    let ledger = Arc::new(Ledger::default());
    let next_seq = Arc::new(AtomicI64::new(1));
    for cycle_no in 1..=KILL_CYCLES {
        let cycle = Arc::new(Cycle {
            base: server.base.clone(),
            token: login(&server.base).await,
            ledger: ledger.clone(),
            next_seq: next_seq.clone(),
            acked: AtomicUsize::new(0),
            in_flight: AtomicUsize::new(0),
            stop: AtomicBool::new(false),
        });
        let writers: Vec<_> = (0..WRITERS)
            .map(|w| tokio::spawn(writer(cycle.clone(), w)))
            .collect();

        // Wait for enough acknowledged writes, then kill with requests in flight.
        let deadline = Instant::now() + Duration::from_secs(90);
        while cycle.acked.load(Ordering::SeqCst) < ACKS_BEFORE_KILL {
            let problems = ledger.problems.lock().expect("problems lock").clone();
            assert!(problems.is_empty(), "cycle {cycle_no}: {problems:?}");
            assert!(
                writers.iter().any(|w| !w.is_finished()),
                "cycle {cycle_no}: all writers stopped early; log:\n{}",
                server.log_text()
            );
            assert!(
                Instant::now() < deadline,
                "cycle {cycle_no}: only {} acknowledged writes in 90 s",
                cycle.acked.load(Ordering::SeqCst)
            );
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        let in_flight = cycle.in_flight.load(Ordering::SeqCst);
        server.kill_9();
        cycle.stop.store(true, Ordering::SeqCst);
        for w in writers {
            tokio::time::timeout(Duration::from_secs(30), w)
                .await
                .expect("writer stops after the kill")
                .expect("writer task");
        }
        let problems = ledger.problems.lock().expect("problems lock").clone();
        assert!(problems.is_empty(), "cycle {cycle_no}: {problems:?}");
        let unknown = ledger
            .entries
            .lock()
            .expect("ledger lock")
            .values()
            .filter(|e| !e.pending.is_empty())
            .count();
        eprintln!(
            "cycle {cycle_no}: {} acknowledged writes, {in_flight} in flight at SIGKILL, {unknown} with unknown outcome",
            cycle.acked.load(Ordering::SeqCst)
        );

        // The file as the crash left it (WAL not checkpointed) is already consistent.
        let (ok, rows) = integrity_check_and_rows(&data.path().join("data.db"));
        assert_eq!(
            ok, "ok",
            "cycle {cycle_no}: integrity_check right after SIGKILL"
        );
        let acked_records = ledger
            .entries
            .lock()
            .expect("ledger lock")
            .values()
            .filter(|e| e.acked.is_some())
            .count();
        assert!(
            usize::try_from(rows).expect("rows") >= acked_records,
            "cycle {cycle_no}: {rows} rows on disk, {acked_records} acknowledged records"
        );

        // Restart on the same directory: it must come up and hold every acknowledged write.
        server = Server::start(
            data.path(),
            logs.path().join(format!("serve-{cycle_no}.log")),
        )
        .await;
        let token = login(&server.base).await;
        let found = fetch_all(&server.base, &token).await;
        verify_and_settle(&ledger, &found, cycle_no);
    }

    server.terminate().await;
    let (ok, rows) = integrity_check_and_rows(&data.path().join("data.db"));
    assert_eq!(ok, "ok", "PRAGMA integrity_check");
    let expected = ledger.entries.lock().expect("ledger lock").len();
    assert_eq!(
        usize::try_from(rows).expect("rows"),
        expected,
        "rows on disk"
    );
    assert!(
        expected >= KILL_CYCLES * ACKS_BEFORE_KILL / 2,
        "suspiciously few records: {expected}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acknowledged_writes_survive_kill_9() {
    tokio::time::timeout(TEST_TIMEOUT, kill_restart_cycles())
        .await
        .expect("crash-safety test timed out");
}
