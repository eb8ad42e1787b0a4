//! The official PocketBase JS SDK (npm `pocketbase`, unmodified, pinned in
//! tests/sdk-compat/package.json) against a real Cairn server: each test starts the server
//! in-process and runs one script from tests/sdk-compat against it — `run.mjs` (collections and
//! records), `realtime.mjs` (subscribe/unsubscribe over SSE), `ops.mjs` (`pb.logs`, `pb.crons`), `backups.mjs` (`pb.backups`)
//! and `auth.mjs` (every auth flow; the script runs its own SMTP receiver and reads tokens and
//! codes from the delivered mail).

mod common;

use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{SU_EMAIL, SU_PASSWORD, TestServer};

/// The whole SDK run; each scenario inside has its own 30 s timeout.
const NODE_TIMEOUT: Duration = Duration::from_secs(180);

fn sdk_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/sdk-compat")
}

struct NodeRun {
    status: Option<std::process::ExitStatus>,
    stdout: String,
    stderr: String,
    timed_out: bool,
}

/// Runs `node run.mjs` to completion (or kills it at the deadline), capturing its output.
fn run_node(script: &str, base: &str) -> NodeRun {
    let mut child = Command::new("node")
        .arg(script)
        .current_dir(sdk_dir())
        .env("CAIRN_URL", base)
        .env("CAIRN_SU_EMAIL", SU_EMAIL)
        .env("CAIRN_SU_PASSWORD", SU_PASSWORD)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("node could not be started (Node.js 20+ must be on PATH)");
    let mut out = child.stdout.take().expect("stdout piped");
    let mut err = child.stderr.take().expect("stderr piped");
    let out_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = out.read_to_string(&mut s);
        s
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        s
    });
    let deadline = Instant::now() + NODE_TIMEOUT;
    let mut timed_out = false;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for node") {
            break Some(status);
        }
        if Instant::now() >= deadline {
            timed_out = true;
            let _ = child.kill();
            break child.wait().ok();
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    NodeRun {
        status,
        stdout: out_reader.join().unwrap_or_default(),
        stderr: err_reader.join().unwrap_or_default(),
        timed_out,
    }
}

/// Runs one SDK script against a fresh in-process server and asserts it passed.
async fn run_script(script: &'static str) {
    let dir = sdk_dir();
    assert!(
        dir.join("node_modules/pocketbase/package.json").is_file(),
        "{}/node_modules is missing: run ./scripts/test.sh (it runs `npm ci` in tests/sdk-compat) \
         or `cd tests/sdk-compat && npm ci` first",
        dir.display()
    );

    let server = TestServer::start().await;
    let base = server.base.clone();
    // The server runs on this runtime: the blocking child must not occupy one of its workers.
    let run = tokio::task::spawn_blocking(move || run_node(script, &base))
        .await
        .expect("node runner thread");
    server.stop().await;

    let ok = !run.timed_out && run.status.is_some_and(|s| s.success());
    assert!(
        ok,
        "the PocketBase JS SDK run of {script} failed (status {:?}, timed out: {})\n\
         ---- stdout ----\n{}\n---- stderr ----\n{}",
        run.status, run.timed_out, run.stdout, run.stderr
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn official_js_sdk_against_cairn() {
    run_script("run.mjs").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn official_js_sdk_realtime() {
    run_script("realtime.mjs").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn official_js_sdk_auth_flows() {
    run_script("auth.mjs").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn official_js_sdk_files() {
    run_script("files.mjs").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn official_js_sdk_logs_and_crons() {
    run_script("ops.mjs").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn official_js_sdk_backups() {
    run_script("backups.mjs").await;
}
