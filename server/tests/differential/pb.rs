//! The real PocketBase binary as a child process: a superuser is upserted into a fresh data
//! directory, then `serve` runs on a free loopback port until the guard is dropped.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running PocketBase; the process is killed when this is dropped (also while unwinding).
pub struct PocketBase {
    child: Child,
    pub base: String,
    // NOTE: kept only so the data directory outlives the process.
    _dir: tempfile::TempDir,
}

impl Drop for PocketBase {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn binary() -> PathBuf {
    let bin = std::env::var("POCKETBASE_BIN").unwrap_or_default();
    assert!(
        !bin.is_empty(),
        "POCKETBASE_BIN is not set: the differential test needs the PocketBase 0.40.6 binary. \
         Run ./scripts/test.sh (it downloads it to ~/.cache/cairn-pb/pocketbase and exports \
         POCKETBASE_BIN), or export POCKETBASE_BIN=/path/to/pocketbase"
    );
    let path = PathBuf::from(bin);
    assert!(
        path.is_file(),
        "POCKETBASE_BIN={} does not exist; run ./scripts/test.sh to download PocketBase 0.40.6",
        path.display()
    );
    path
}

fn free_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    l.local_addr().expect("local addr").port()
}

impl PocketBase {
    /// Upserts the superuser, starts `serve` and waits for `/api/health` to answer 200.
    pub async fn start(email: &str, password: &str) -> Self {
        let bin = binary();
        let version = Command::new(&bin)
            .arg("--version")
            .output()
            .expect("run pocketbase --version");
        let version = String::from_utf8_lossy(&version.stdout).to_string();
        assert!(
            version.contains("0.40.6"),
            "POCKETBASE_BIN must be PocketBase 0.40.6, got {version:?}"
        );
        let dir = tempfile::tempdir().expect("temp dir");
        let data = dir.path().join("pb_data");
        let out = Command::new(&bin)
            .args(["superuser", "upsert", email, password, "--dir"])
            .arg(&data)
            .output()
            .expect("run pocketbase superuser upsert");
        assert!(
            out.status.success(),
            "pocketbase superuser upsert failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let port = free_port();
        let log = std::fs::File::create(dir.path().join("serve.log")).expect("log file");
        let child = Command::new(&bin)
            .args(["serve", "--http", &format!("127.0.0.1:{port}"), "--dir"])
            .arg(&data)
            .arg("--automigrate=false")
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log file handle"))
            .stderr(log)
            .spawn()
            .expect("spawn pocketbase serve");
        let pb = Self {
            child,
            base: format!("http://127.0.0.1:{port}"),
            _dir: dir,
        };
        pb.wait_healthy().await;
        pb
    }

    async fn wait_healthy(&self) {
        let client = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let ok = client
                .get(format!("{}/api/health", self.base))
                .timeout(Duration::from_secs(2))
                .send()
                .await
                .is_ok_and(|r| r.status().as_u16() == 200);
            if ok {
                return;
            }
            if Instant::now() > deadline {
                let log =
                    std::fs::read_to_string(self._dir.path().join("serve.log")).unwrap_or_default();
                panic!("PocketBase did not become healthy within 20 s; its log:\n{log}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}
