//! The GTM Wizard dashboard (`dashboard/`, Next.js) end to end: the real `gtm-wizard` binary on
//! a temp data dir, the built dashboard under `next start`, both on free 127.0.0.1 ports, driven
//! by `dashboard/e2e/dashboard.mjs` (playwright-core + Debian's /usr/bin/chromium + axe), with
//! the fake LLM provider (OpenAI format) behind the provider key the test adds.
//! Needs `./scripts/test.sh`'s dashboard step first (npm ci + `next build`). Screenshots go to
//! `$CARGO_TARGET_DIR/dashboard-shots/` (or `target/dashboard-shots/`).

mod support;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Stops a child and everything it started (it leads its own process group).
struct Group(Child);
impl Drop for Group {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(format!("-{}", self.0.id()))
            .status();
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn spawn_group(cmd: &mut Command) -> Group {
    use std::os::unix::process::CommandExt;
    Group(cmd.process_group(0).spawn().expect("spawn"))
}

const SU_EMAIL: &str = "ops@example.com";
const SU_PASSWORD: &str = "ops-password-123";

fn free_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr").port()
}

fn wait_for(addr: &str, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while std::net::TcpStream::connect(addr).is_err() {
        assert!(Instant::now() < deadline, "{what} did not start on {addr}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn gtm_wizard_bin() -> &'static str {
    // NOTE: option_env! so the crate builds before its binary target exists; without the
    // binary the test fails loudly rather than passing without doing anything.
    match option_env!("CARGO_BIN_EXE_gtm-wizard") {
        Some(bin) => bin,
        None => panic!("no gtm-wizard binary target yet (hooks/gtm-wizard src/main.rs)"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dashboard_in_chromium_against_gtm_wizard() {
    let llm = support::fake_llm::FakeLlm::start().await;
    // Several visible steps per reply: 20 chunks 60 ms apart.
    llm.set_chunks(20);
    llm.set_delay(Duration::from_millis(60));
    let root = root();
    let dashboard = root.join("dashboard");
    assert!(
        dashboard.join(".next/BUILD_ID").is_file(),
        "dashboard is not built: run ./scripts/test.sh (or `cd dashboard && npm ci && npm run build`)"
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let su = Command::new(gtm_wizard_bin())
        .args(["superuser", "upsert", SU_EMAIL, SU_PASSWORD, "--dir"])
        .arg(dir.path())
        .env("CAIRN_ENCRYPTION_KEY", "0123456789abcdef0123456789abcdef")
        .output()
        .expect("gtm-wizard superuser upsert");
    assert!(su.status.success(), "superuser upsert: {su:?}");
    let api_port = free_port();
    let api = format!("127.0.0.1:{api_port}");
    let _server = spawn_group(
        Command::new(gtm_wizard_bin())
            .args(["serve", "--http", &api, "--dir"])
            .arg(dir.path())
            .env("CAIRN_ENCRYPTION_KEY", "0123456789abcdef0123456789abcdef")
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    );
    wait_for(&api, "gtm-wizard");

    let web_port = free_port();
    let _next = spawn_group(
        Command::new("node")
            .arg(dashboard.join("node_modules/next/dist/bin/next"))
            .args([
                "start",
                "--hostname",
                "127.0.0.1",
                "--port",
                &web_port.to_string(),
            ])
            .current_dir(&dashboard)
            .env("NEXT_PUBLIC_CAIRN_URL", format!("http://{api}"))
            .env("NEXT_TELEMETRY_DISABLED", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    );
    wait_for(&format!("127.0.0.1:{web_port}"), "next start");

    let shots = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
        .join("dashboard-shots");
    let llm_base = llm.openai_base();
    let out =
        tokio::task::spawn_blocking(move || run_e2e(&dashboard, web_port, &api, &shots, &llm_base))
            .await
            .expect("e2e thread");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "dashboard.mjs failed\nstdout:\n{stdout}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for step in [
        "guest",
        "sign-up",
        "workspace",
        "key",
        "campaign",
        "browsers",
        "analyze",
        "coach",
        "isolation",
        "invite",
        "verify",
        "isolation-after-invite",
        "roles",
        "reset",
        "oauth2",
        "axe",
    ] {
        assert!(
            stdout.contains(&format!("ok {step}\n")),
            "missing ok {step}:\n{stdout}"
        );
    }
    // The measurements (first-load JS of the chat page, Send → first characters) for the log.
    for line in stdout.lines().filter(|l| l.starts_with("measure ")) {
        println!("{line}");
    }
}

fn run_e2e(
    dashboard: &Path,
    web_port: u16,
    api: &str,
    shots: &Path,
    llm_base: &str,
) -> std::process::Output {
    Command::new("node")
        .arg("e2e/dashboard.mjs")
        .current_dir(dashboard)
        .env("DASHBOARD_URL", format!("http://127.0.0.1:{web_port}"))
        .env("CAIRN_URL", format!("http://{api}"))
        .env("SHOT_DIR", shots)
        .env("FAKE_LLM_URL", llm_base)
        .env("SU_EMAIL", SU_EMAIL)
        .env("SU_PASSWORD", SU_PASSWORD)
        .output()
        .expect("node (Node.js 20+ on PATH, npm ci in dashboard/)")
}
