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
        assert!(stdout.contains(&format!("ok {step}\n")), "missing ok {step}\n{stdout}");
    }
}
