//! The admin console end to end: the real `cairn` binary on a temp data dir and 127.0.0.1,
//! driven by the scripts in `tests/admin-ui/` (playwright-core + Debian's /usr/bin/chromium),
//! one test per script so they run in parallel, each on its own server and data dir.
//! Screenshots go to `$CARGO_TARGET_DIR/admin-ui-shots/` (or `target/admin-ui-shots/`).

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const EMAIL: &str = "console@example.com";
const PASSWORD: &str = "console-password-123";

/// Kills the server even when an assertion fails.
struct Server(Child);
impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr").port()
}

/// Starts a fresh server with one superuser, runs `tests/admin-ui/<script>` against it and
/// returns the script's stdout once it exited successfully.
fn run_console_script(script: &str) -> String {
    let dir = tempfile::tempdir().expect("temp dir");
    let bin = env!("CARGO_BIN_EXE_cairn");
    let status = Command::new(bin)
        .args(["superuser", "upsert", EMAIL, PASSWORD, "--dir"])
        .arg(dir.path())
        .status()
        .expect("cairn superuser upsert");
    assert!(status.success());
    let port = free_port();
    let addr = format!("127.0.0.1:{port}");
    let _server = Server(
        Command::new(bin)
            .args(["serve", "--http", &addr, "--dir"])
            .arg(dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("cairn serve"),
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(&addr).is_err() {
        assert!(Instant::now() < deadline, "server did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let shots = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
        .join("admin-ui-shots");
    let out = Command::new("node")
        .arg(script)
        .current_dir(root.join("tests/admin-ui"))
        .env("CAIRN_URL", format!("http://{addr}"))
        .env("CAIRN_SU_EMAIL", EMAIL)
        .env("CAIRN_SU_PASSWORD", PASSWORD)
        .env("SHOT_DIR", &shots)
        .output()
        .expect("node (Node.js 20+ on PATH, npm ci in tests/admin-ui)");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{script} failed\nstdout:\n{stdout}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

#[test]
fn console_in_chromium_against_the_real_binary() {
    let stdout = run_console_script("console.mjs");
    for name in ["light", "dark", "narrow"] {
        assert!(stdout.contains(&format!("ok {name}")), "{stdout}");
    }
}

/// Runs `tests/admin-ui/<script>` against a server on `addr` with extra environment; returns
/// stdout once the script exited successfully.
fn run_script_on(script: &str, addr: &str, env: &[(&str, &str)]) -> String {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let shots = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
        .join("admin-ui-shots");
    let mut cmd = Command::new("node");
    cmd.arg(script)
        .current_dir(root.join("tests/admin-ui"))
        .env("CAIRN_URL", format!("http://{addr}"))
        .env("CAIRN_SU_EMAIL", EMAIL)
        .env("CAIRN_SU_PASSWORD", PASSWORD)
        .env("SHOT_DIR", &shots);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd
        .output()
        .expect("node (Node.js 20+ on PATH, npm ci in tests/admin-ui)");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{script} failed\nstdout:\n{stdout}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// Like [`run_console_script`], but the server starts on an empty data dir (no superuser):
/// the script gets the first-superuser link `cairn serve` printed as `CAIRN_INSTALL_URL`.
fn run_install_script(script: &str) -> String {
    let dir = tempfile::tempdir().expect("temp dir");
    let log = dir.path().join("serve.log");
    let file = std::fs::File::create(&log).expect("log file");
    let port = free_port();
    let addr = format!("127.0.0.1:{port}");
    let _server = Server(
        Command::new(env!("CARGO_BIN_EXE_cairn"))
            .args(["serve", "--http", &addr, "--dir"])
            .arg(dir.path().join("data"))
            .stdout(Stdio::null())
            .stderr(Stdio::from(file))
            .spawn()
            .expect("cairn serve"),
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    let link = loop {
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        if let Some(line) = text.lines().find(|l| l.contains("/_/#/pbinstall/")) {
            break line.trim().to_string();
        }
        assert!(Instant::now() < deadline, "no installer link:\n{text}");
        std::thread::sleep(Duration::from_millis(50));
    };
    run_script_on(script, &addr, &[("CAIRN_INSTALL_URL", &link)])
}

#[test]
fn console_shell() {
    let stdout = run_console_script("shell.mjs");
    for step in [
        "ok sections render light",
        "ok sections render dark",
        "ok sections render narrow",
        "ok narrow menu",
        "ok application saved",
        "ok test mail arrived",
        "ok s3 test shows the error",
        "ok rate limits saved",
        "ok batch saved",
        "ok token secret regenerated",
        "ok backups",
        "ok crons run",
        "ok logs list, chart and detail",
        "ok api preview shows the rules",
        "ok palette jumps",
        "ok realtime inspector shows events",
        "ok dark mode toggle",
        "ok sign out",
        "ok mfa sign-in",
    ] {
        assert!(stdout.contains(step), "missing {step:?} in:\n{stdout}");
    }
}

#[test]
fn console_installer() {
    let stdout = run_install_script("shell-install.mjs");
    for step in [
        "ok installer shows field errors",
        "ok installer created the first superuser",
        "ok installer link is single-use",
    ] {
        assert!(stdout.contains(step), "missing {step:?} in:\n{stdout}");
    }
}

#[test]
fn console_schema() {
    let stdout = run_console_script("schema.mjs");
    for step in [
        "ok every field type added",
        "ok server validation error beside its input",
        "ok collection with every field type saved and checked through the API",
        "ok autocomplete offers a field name",
        "ok syntax error shown inline before saving",
        "ok list rule edited in the UI is enforced through the API",
        "ok index added",
        "ok view collection with a preview",
        "ok export then import with a diff",
        "ok pin a collection",
        "ok truncate and delete with confirmation",
        "ok looks light",
        "ok looks dark",
        "ok looks narrow",
    ] {
        assert!(stdout.contains(step), "missing {step:?} in:\n{stdout}");
    }
}

#[test]
fn console_records() {
    let stdout = run_console_script("records.mjs");
    for step in [
        "empty table",
        "add record",
        "stored values",
        "thumbnail",
        "edit record",
        "deep link",
        "live updates",
        "filter",
        "sort",
        "column picker",
        "bulk delete",
        "delete record",
        "impersonate",
        "looks light",
        "looks dark",
        "looks narrow",
    ] {
        assert!(
            stdout.contains(&format!("ok {step}\n")),
            "missing ok {step}\n{stdout}"
        );
    }
}
