//! The real `gtm-wizard` binary as a child process: `superuser upsert`, then `serve` on a free
//! loopback port over a data dir that outlives restarts (for kill -9 tests), with stdout and
//! stderr captured to files so tests can search the logs.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const SU_EMAIL: &str = "admin@example.com";
pub const SU_PASSWORD: &str = "password123";
pub const ENCRYPTION_KEY: &str = "gtm-e2e-key-0123456789abcdefghij";

pub struct AppProcess {
    pub dir: PathBuf,
    pub base: String,
    pub port: u16,
    child: Child,
    runs: u32,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

fn command(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_gtm-wizard"));
    cmd.env("CAIRN_ENCRYPTION_KEY", ENCRYPTION_KEY)
        .env("GTM_JOB_LEASE_SECS", "2")
        .env("GTM_STREAM_FLUSH_MS", "60")
        .env("RUST_LOG", "info")
        .env("CAIRN_DIR", dir);
    cmd
}

impl AppProcess {
    /// Creates the superuser and starts the server over `dir`.
    pub fn start(dir: &Path) -> Self {
        let out = command(dir)
            .args(["superuser", "upsert", SU_EMAIL, SU_PASSWORD])
            .output()
            .expect("gtm-wizard superuser upsert");
        assert!(out.status.success(), "superuser upsert: {out:?}");
        let port = free_port();
        let mut app = Self {
            dir: dir.to_path_buf(),
            base: format!("http://127.0.0.1:{port}"),
            port,
            child: spawn(dir, port, 0),
            runs: 1,
        };
        app.wait_ready();
        app
    }

    fn wait_ready(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("gtm-wizard exited early: {status}; logs: {}", self.logs());
            }
            assert!(
                Instant::now() < deadline,
                "gtm-wizard did not listen; logs: {}",
                self.logs()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// SIGKILL: no shutdown code runs.
    pub fn kill9(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Starts the server again over the same data dir and port.
    pub fn restart(&mut self) {
        self.child = spawn(&self.dir, self.port, self.runs);
        self.runs += 1;
        self.wait_ready();
    }

    /// Everything every run printed.
    pub fn logs(&self) -> String {
        let mut all = String::new();
        for i in 0..self.runs.max(1) {
            for stream in ["out", "err"] {
                let path = self.dir.join(format!("../run{i}.{stream}.log"));
                all.push_str(&std::fs::read_to_string(path).unwrap_or_default());
            }
        }
        all
    }
}

fn spawn(dir: &Path, port: u16, run: u32) -> Child {
    let log = |stream: &str| {
        std::fs::File::create(dir.join(format!("../run{run}.{stream}.log"))).expect("log file")
    };
    command(dir)
        .args(["serve", "--http", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::from(log("out")))
        .stderr(Stdio::from(log("err")))
        .spawn()
        .expect("gtm-wizard serve")
}

impl Drop for AppProcess {
    fn drop(&mut self) {
        self.kill9();
    }
}
