//! The `cairn` binary's command line: version, help, `superuser upsert|delete`, `CAIRN_*`
//! environment variables, and graceful shutdown of `serve` on SIGTERM/SIGINT.

use std::fs::File;
use std::io::Read;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const COMMAND_TIMEOUT: Duration = Duration::from_secs(30);

fn cairn() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_cairn"));
    // Keep the caller's environment from steering the binary.
    for var in ["CAIRN_HTTP", "CAIRN_DIR", "CAIRN_LOG", "RUST_LOG"] {
        c.env_remove(var);
    }
    c.stdin(Stdio::null());
    c
}

struct Output {
    status: ExitStatus,
    stdout: String,
    stderr: String,
}

impl Output {
    fn describe(&self) -> String {
        format!(
            "status {}\n---- stdout ----\n{}\n---- stderr ----\n{}",
            self.status, self.stdout, self.stderr
        )
    }
}

/// Runs a short command to completion, killing it if it outlives `COMMAND_TIMEOUT`.
fn run(mut cmd: Command) -> Output {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn cairn");
    let mut out = child.stdout.take().expect("stdout");
    let mut err = child.stderr.take().expect("stderr");
    let out_t = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = out.read_to_string(&mut s);
        s
    });
    let err_t = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        s
    });
    let deadline = Instant::now() + COMMAND_TIMEOUT;
    let status = loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            break status;
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("command {cmd:?} did not finish in {COMMAND_TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    Output {
        status,
        stdout: out_t.join().unwrap_or_default(),
        stderr: err_t.join().unwrap_or_default(),
    }
}

fn upsert(dir: &Path, email: &str, password: &str) -> Output {
    let mut c = cairn();
    c.args(["superuser", "upsert", email, password, "--dir"])
        .arg(dir);
    run(c)
}

fn delete(dir: &Path, email: &str) -> Output {
    let mut c = cairn();
    c.args(["superuser", "delete", email, "--dir"]).arg(dir);
    run(c)
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .expect("bind probe")
        .local_addr()
        .expect("probe addr")
        .port()
}

/// A running `cairn serve`; killed on drop if still alive.
struct Server {
    child: Child,
    base: String,
    log: PathBuf,
    _log_dir: tempfile::TempDir,
}

impl Server {
    /// `cairn serve --http 127.0.0.1:<free port> --dir <dir>`.
    async fn start(dir: &Path) -> Self {
        for _attempt in 0..3 {
            let port = free_port();
            let mut c = cairn();
            c.args(["serve", "--http", &format!("127.0.0.1:{port}"), "--dir"])
                .arg(dir);
            if let Some(s) = Self::spawn(c, port).await {
                return s;
            }
        }
        panic!("cairn serve did not start (3 attempts)");
    }

    /// Spawns a prepared `serve` command expected to listen on `port`; None if the port was
    /// taken meanwhile.
    async fn spawn(mut cmd: Command, port: u16) -> Option<Self> {
        let log_dir = tempfile::tempdir().expect("log dir");
        let log = log_dir.path().join("serve.log");
        let file = File::create(&log).expect("log");
        let child = cmd
            .stdout(Stdio::from(file.try_clone().expect("log fd")))
            .stderr(Stdio::from(file))
            .spawn()
            .expect("spawn cairn serve");
        let mut s = Self {
            child,
            base: format!("http://127.0.0.1:{port}"),
            log,
            _log_dir: log_dir,
        };
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(2))
            .build()
            .expect("client");
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if s.child.try_wait().expect("try_wait").is_some() {
                let log = s.log_text();
                assert!(log.contains("in use"), "cairn serve exited early:\n{log}");
                return None;
            }
            if let Ok(r) = client.get(format!("{}/api/health", s.base)).send().await
                && r.status().as_u16() == 200
            {
                return Some(s);
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("cairn serve not ready after 30 s:\n{}", s.log_text());
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Sends `signal` (e.g. "TERM") with `kill` and waits up to 10 s for the exit status.
    async fn signal_and_wait(&mut self, signal: &str) -> ExitStatus {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill")
            .args([format!("-{signal}"), pid.clone()])
            .status()
            .expect("run kill");
        assert!(sent.success(), "kill -{signal} {pid}");
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "cairn serve still running 10 s after SIG{signal}:\n{}",
                self.log_text()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    async fn stop(mut self) {
        let status = self.signal_and_wait("TERM").await;
        assert!(
            status.success(),
            "exit after SIGTERM: {status}\n{}",
            self.log_text()
        );
    }

    /// POST auth-with-password for `_superusers`: (status, body).
    async fn login(&self, email: &str, password: &str) -> (u16, Value) {
        let r = reqwest::Client::new()
            .post(format!(
                "{}/api/collections/_superusers/auth-with-password",
                self.base
            ))
            .json(&json!({"identity": email, "password": password}))
            .timeout(Duration::from_secs(10))
            .send()
            .await
            .expect("login request");
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    async fn assert_login_ok(&self, email: &str, password: &str) -> String {
        let (status, body) = self.login(email, password).await;
        assert_eq!(status, 200, "login {email}/{password}: {body}");
        assert_eq!(body["record"]["email"], json!(email));
        body["token"].as_str().expect("token").to_string()
    }

    async fn assert_login_fails(&self, email: &str, password: &str) {
        let (status, body) = self.login(email, password).await;
        assert_eq!(status, 400, "login {email}/{password} should fail: {body}");
        assert_eq!(body["message"], json!("Failed to authenticate."));
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

fn integrity_check(db: &Path) -> String {
    let conn =
        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .expect("open data.db read-only");
    conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("integrity_check")
}

// ---------------------------------------------------------------------------------------------

#[test]
fn version_flag_prints_the_version() {
    for flag in ["--version", "-V"] {
        let mut c = cairn();
        c.arg(flag);
        let out = run(c);
        assert!(out.status.success(), "{}", out.describe());
        assert_eq!(
            out.stdout.trim(),
            format!("cairn {}", env!("CARGO_PKG_VERSION")),
            "{flag}"
        );
    }
}

#[test]
fn help_for_the_binary_serve_and_superuser_upsert() {
    let help = |args: &[&str]| {
        let mut c = cairn();
        c.args(args);
        let out = run(c);
        assert!(out.status.success(), "{args:?}: {}", out.describe());
        out.stdout
    };
    let top = help(&["--help"]);
    for s in ["serve", "superuser", "--version"] {
        assert!(top.contains(s), "cairn --help mentions {s}:\n{top}");
    }
    let serve = help(&["serve", "--help"]);
    for s in [
        "--http",
        "--dir",
        "CAIRN_HTTP",
        "CAIRN_DIR",
        "127.0.0.1:8090",
    ] {
        assert!(serve.contains(s), "serve --help mentions {s}:\n{serve}");
    }
    let superuser = help(&["superuser", "--help"]);
    for s in ["upsert", "delete"] {
        assert!(
            superuser.contains(s),
            "superuser --help mentions {s}:\n{superuser}"
        );
    }
    let upsert = help(&["superuser", "upsert", "--help"]);
    for s in ["<EMAIL>", "<PASSWORD>", "--dir"] {
        assert!(
            upsert.contains(s),
            "superuser upsert --help mentions {s}:\n{upsert}"
        );
    }
    // A missing argument is a usage error (exit 2) that shows the usage line.
    let mut c = cairn();
    c.args(["superuser", "upsert"]);
    let out = run(c);
    assert_eq!(out.status.code(), Some(2), "{}", out.describe());
    assert!(out.stderr.contains("Usage"), "{}", out.describe());
}

#[tokio::test]
async fn superuser_upsert_creates_and_changes_the_password() {
    let dir = tempfile::tempdir().expect("dir");
    let out = upsert(dir.path(), "root@example.com", "first-password");
    assert!(out.status.success(), "{}", out.describe());
    assert!(
        out.stdout
            .contains("Successfully saved superuser \"root@example.com\""),
        "{}",
        out.describe()
    );
    assert!(dir.path().join("data.db").is_file());

    let server = Server::start(dir.path()).await;
    let token = server
        .assert_login_ok("root@example.com", "first-password")
        .await;
    assert!(!token.is_empty());
    server
        .assert_login_fails("root@example.com", "wrong-password")
        .await;
    server.stop().await;

    // Upsert of an existing email changes its password, without creating a second account.
    let out = upsert(dir.path(), "root@example.com", "second-password");
    assert!(out.status.success(), "{}", out.describe());
    let server = Server::start(dir.path()).await;
    server
        .assert_login_fails("root@example.com", "first-password")
        .await;
    let token = server
        .assert_login_ok("root@example.com", "second-password")
        .await;
    let list: Value = reqwest::Client::new()
        .get(format!(
            "{}/api/collections/_superusers/records",
            server.base
        ))
        .header("Authorization", token)
        .timeout(Duration::from_secs(10))
        .send()
        .await
        .expect("list superusers")
        .json()
        .await
        .expect("json");
    assert_eq!(list["totalItems"], json!(1), "{list}");
    server.stop().await;
}

#[tokio::test]
async fn superuser_upsert_while_the_server_runs() {
    let dir = tempfile::tempdir().expect("dir");
    assert!(
        upsert(dir.path(), "live@example.com", "first-password")
            .status
            .success()
    );
    let server = Server::start(dir.path()).await;
    server
        .assert_login_ok("live@example.com", "first-password")
        .await;

    // An admin resets the password on a live instance (same SQLite file, another process).
    let out = upsert(dir.path(), "live@example.com", "second-password");
    assert!(out.status.success(), "{}", out.describe());
    server
        .assert_login_fails("live@example.com", "first-password")
        .await;
    server
        .assert_login_ok("live@example.com", "second-password")
        .await;
    let out = upsert(dir.path(), "other@example.com", "other-password");
    assert!(out.status.success(), "{}", out.describe());
    server
        .assert_login_ok("other@example.com", "other-password")
        .await;
    server.stop().await;
}

#[tokio::test]
async fn superuser_delete_removes_it() {
    let dir = tempfile::tempdir().expect("dir");
    assert!(
        upsert(dir.path(), "keep@example.com", "keep-password")
            .status
            .success()
    );
    assert!(
        upsert(dir.path(), "gone@example.com", "gone-password")
            .status
            .success()
    );

    let out = delete(dir.path(), "gone@example.com");
    assert!(out.status.success(), "{}", out.describe());
    assert!(
        out.stdout
            .contains("Successfully deleted superuser \"gone@example.com\""),
        "{}",
        out.describe()
    );
    // Deleting a missing superuser is not an error (PocketBase: "missing or already deleted").
    let out = delete(dir.path(), "gone@example.com");
    assert!(out.status.success(), "{}", out.describe());

    let server = Server::start(dir.path()).await;
    server
        .assert_login_fails("gone@example.com", "gone-password")
        .await;
    server
        .assert_login_ok("keep@example.com", "keep-password")
        .await;
    server.stop().await;
}

/// Deleting the only superuser is refused, as in PocketBase 0.40 ("You can't delete the only
/// existing superuser"): `superuser delete` exits non-zero and the API answers 400 to
/// `DELETE /api/collections/_superusers/records/{id}`.
#[tokio::test]
async fn superuser_delete_refuses_the_only_superuser() {
    let dir = tempfile::tempdir().expect("dir");
    assert!(
        upsert(dir.path(), "only@example.com", "only-password")
            .status
            .success()
    );
    let out = delete(dir.path(), "only@example.com");
    assert!(
        !out.status.success(),
        "deleting the only superuser must fail (PocketBase: \"You can't delete the \
         only existing superuser\"): {}",
        out.describe()
    );
    assert!(
        out.stderr.contains("only existing superuser"),
        "{}",
        out.describe()
    );
    let server = Server::start(dir.path()).await;
    server
        .assert_login_ok("only@example.com", "only-password")
        .await;
    server.stop().await;
}

#[test]
fn superuser_upsert_rejects_invalid_input_readably() {
    let dir = tempfile::tempdir().expect("dir");
    for (email, password, mentions) in [
        ("not-an-email", "long-enough-password", "email"),
        ("", "long-enough-password", "email"),
        ("ok@example.com", "short", "password"),
    ] {
        let out = upsert(dir.path(), email, password);
        assert!(
            !out.status.success(),
            "{email}/{password}: {}",
            out.describe()
        );
        assert_eq!(out.status.code(), Some(1), "{}", out.describe());
        assert!(out.stdout.is_empty(), "{}", out.describe());
        let first = out.stderr.lines().next().unwrap_or_default();
        assert!(first.starts_with("Error: "), "{}", out.describe());
        assert!(first.contains(mentions), "{}", out.describe());
        assert!(!out.stderr.contains("panicked"), "{}", out.describe());
    }
}

/// `superuser delete not-an-email` fails with "invalid or missing email address" (non-zero
/// exit), as PocketBase 0.40 validates the argument first.
#[test]
fn superuser_delete_rejects_an_invalid_email() {
    let dir = tempfile::tempdir().expect("dir");
    assert!(
        upsert(dir.path(), "a@example.com", "long-enough-password")
            .status
            .success()
    );
    let out = delete(dir.path(), "not-an-email");
    assert!(
        !out.status.success(),
        "an invalid email must be rejected (PocketBase: \"invalid or missing email \
         address\"): {}",
        out.describe()
    );
    assert!(out.stderr.contains("email"), "{}", out.describe());
}

#[tokio::test]
async fn cairn_dir_and_cairn_http_env_vars_are_honoured() {
    let data = tempfile::tempdir().expect("data dir");
    let cwd = tempfile::tempdir().expect("cwd");

    let mut c = cairn();
    c.args(["superuser", "upsert", "env@example.com", "env-password"])
        .current_dir(cwd.path())
        .env("CAIRN_DIR", data.path());
    let out = run(c);
    assert!(out.status.success(), "{}", out.describe());
    assert!(
        data.path().join("data.db").is_file(),
        "data.db in CAIRN_DIR"
    );
    assert!(
        !cwd.path().join("cairn_data").exists(),
        "default dir not used"
    );

    let mut server = None;
    for _attempt in 0..3 {
        let port = free_port();
        let mut c = cairn();
        c.arg("serve")
            .current_dir(cwd.path())
            .env("CAIRN_DIR", data.path())
            .env("CAIRN_HTTP", format!("127.0.0.1:{port}"));
        server = Server::spawn(c, port).await;
        if server.is_some() {
            break;
        }
    }
    let server = server.expect("serve started from CAIRN_* env");
    server
        .assert_login_ok("env@example.com", "env-password")
        .await;
    server.stop().await;
    assert!(
        !cwd.path().join("cairn_data").exists(),
        "default dir not used"
    );

    // A flag wins over the environment.
    let other = tempfile::tempdir().expect("other dir");
    let mut c = cairn();
    c.args([
        "superuser",
        "upsert",
        "flag@example.com",
        "flag-password",
        "--dir",
    ])
    .arg(other.path())
    .env("CAIRN_DIR", data.path());
    assert!(run(c).status.success());
    assert!(other.path().join("data.db").is_file());
    let server = Server::start(data.path()).await;
    server
        .assert_login_fails("flag@example.com", "flag-password")
        .await;
    server.stop().await;
}

#[tokio::test]
async fn serve_shuts_down_gracefully_on_sigterm_and_sigint() {
    let dir = tempfile::tempdir().expect("dir");
    assert!(
        upsert(dir.path(), "sig@example.com", "sig-password")
            .status
            .success()
    );
    let db = dir.path().join("data.db");

    for (round, signal) in ["TERM", "INT"].into_iter().enumerate() {
        let mut server = Server::start(dir.path()).await;
        let token = server
            .assert_login_ok("sig@example.com", "sig-password")
            .await;
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .expect("client");
        if round == 0 {
            let r = client
                .post(format!("{}/api/collections", server.base))
                .header("Authorization", &token)
                .json(&json!({"name": "notes", "type": "base", "fields": [{"name": "n", "type": "number"}]}))
                .send()
                .await
                .expect("create collection");
            assert_eq!(r.status().as_u16(), 200);
        }
        for n in 0..20 {
            let r = client
                .post(format!("{}/api/collections/notes/records", server.base))
                .header("Authorization", &token)
                .json(&json!({"n": n}))
                .send()
                .await
                .expect("create record");
            assert_eq!(r.status().as_u16(), 200);
        }

        let status = server.signal_and_wait(signal).await;
        let log = server.log_text();
        assert!(
            status.success(),
            "exit status after SIG{signal}: {status}\n{log}"
        );
        assert!(!log.contains("panicked"), "{log}");
        drop(server);

        assert_eq!(integrity_check(&db), "ok", "after SIG{signal}");
        let conn =
            rusqlite::Connection::open_with_flags(&db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
                .expect("open db");
        let rows: i64 = conn
            .query_row("SELECT COUNT(*) FROM notes", [], |r| r.get(0))
            .expect("count");
        assert_eq!(rows, 20 * (i64::try_from(round).expect("round") + 1));
    }
}

/// Polls the server log until it contains `needle` (10 s at most).
async fn wait_for_log(server: &Server, needle: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !server.log_text().contains(needle) {
        assert!(
            Instant::now() < deadline,
            "log never said {needle:?}:\n{}",
            server.log_text()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Every secret the server handles, driven through the paths that log failures (mail that
/// cannot be delivered, an OAuth2 exchange that fails, wrong passwords), never reaches the log —
/// even at trace level for every crate.
#[tokio::test]
async fn secrets_and_tokens_never_reach_the_log() {
    const SU_PASSWORD: &str = "su-pass-log-8d1e";
    const USER_PASSWORD: &str = "user-pass-log-5c2a";
    const WRONG_PASSWORD: &str = "wrong-pass-log-9b7f";
    const SMTP_PASSWORD: &str = "smtp-pass-log-3e4d";
    const CLIENT_SECRET: &str = "client-secret-log-6a0c";
    const OAUTH_CODE: &str = "oauth-code-log-1f9e";
    const VERIFIER: &str = "pkce-verifier-log-2d8b-0123456789abcdefghijklmnopq";

    let dir = tempfile::tempdir().expect("dir");
    let up = upsert(dir.path(), "log@example.com", SU_PASSWORD);
    assert!(up.status.success(), "{}", up.describe());
    assert!(!up.describe().contains(SU_PASSWORD), "{}", up.describe());

    let mut server = None;
    for _attempt in 0..3 {
        let port = free_port();
        let mut c = cairn();
        c.args(["serve", "--http", &format!("127.0.0.1:{port}"), "--dir"])
            .arg(dir.path())
            .env("CAIRN_LOG", "trace")
            .env("CAIRN_ENCRYPTION_KEY", "log-test-key-0123456789abcdefghi");
        server = Server::spawn(c, port).await;
        if server.is_some() {
            break;
        }
    }
    let server = server.expect("cairn serve did not start");
    let su_token = server.assert_login_ok("log@example.com", SU_PASSWORD).await;
    server
        .assert_login_fails("log@example.com", WRONG_PASSWORD)
        .await;

    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client");
    let call = |method: reqwest::Method, path: &str, body: Value, token: Option<&str>| {
        let mut req = client
            .request(method, format!("{}{path}", server.base))
            .json(&body);
        if let Some(t) = token {
            req = req.header("Authorization", t);
        }
        async move {
            let r = req.send().await.expect("request");
            let status = r.status().as_u16();
            (status, r.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    let closed = free_port();
    let (st, body) = call(
        reqwest::Method::PATCH,
        "/api/settings",
        json!({"smtp": {"enabled": true, "host": "127.0.0.1", "port": closed,
                        "username": "mailer", "password": SMTP_PASSWORD}}),
        Some(&su_token),
    )
    .await;
    assert_eq!(st, 200, "{body}");
    let (st, body) = call(
        reqwest::Method::PATCH,
        "/api/collections/users",
        json!({"otp": {"enabled": true}, "oauth2": {"enabled": true, "providers": [{
            "name": "oidc", "clientId": "log-client", "clientSecret": CLIENT_SECRET,
            "authURL": format!("http://127.0.0.1:{closed}/authorize"),
            "tokenURL": format!("http://127.0.0.1:{closed}/token"),
            "userInfoURL": format!("http://127.0.0.1:{closed}/userinfo")}]}}),
        Some(&su_token),
    )
    .await;
    assert_eq!(st, 200, "{body}");

    let users = "/api/collections/users";
    let (st, body) = call(
        reqwest::Method::POST,
        &format!("{users}/records"),
        json!({"email": "u@example.com", "password": USER_PASSWORD,
               "passwordConfirm": USER_PASSWORD}),
        None,
    )
    .await;
    assert_eq!(st, 200, "{body}");
    let login = json!({"identity": "u@example.com", "password": USER_PASSWORD});
    let (st, body) = call(
        reqwest::Method::POST,
        &format!("{users}/auth-with-password"),
        login,
        None,
    )
    .await;
    assert_eq!(st, 200, "{body}");
    let user_token = body["token"].as_str().expect("user token").to_string();
    let wrong = json!({"identity": "u@example.com", "password": WRONG_PASSWORD});
    let (st, _) = call(
        reqwest::Method::POST,
        &format!("{users}/auth-with-password"),
        wrong,
        None,
    )
    .await;
    assert_eq!(st, 400);

    // Mail that cannot be delivered: the reset token and OTP code are only in the mail body.
    let to_user = json!({"email": "u@example.com"});
    let (st, body) = call(
        reqwest::Method::POST,
        &format!("{users}/request-password-reset"),
        to_user.clone(),
        None,
    )
    .await;
    assert_eq!(st, 204, "{body}");
    let (st, body) = call(
        reqwest::Method::POST,
        &format!("{users}/request-otp"),
        to_user,
        None,
    )
    .await;
    assert_eq!(st, 200, "{body}");
    let (st, body) = call(
        reqwest::Method::POST,
        &format!("{users}/auth-with-oauth2"),
        json!({"provider": "oidc", "code": OAUTH_CODE, "codeVerifier": VERIFIER,
               "redirectURL": "http://127.0.0.1/callback"}),
        None,
    )
    .await;
    assert_eq!(st, 400, "{body}");
    wait_for_log(&server, "OAuth2 sign-in failed").await;
    wait_for_log(&server, "sending mail failed").await;

    let log = server.log_text();
    server.stop().await;
    for secret in [
        SU_PASSWORD,
        USER_PASSWORD,
        WRONG_PASSWORD,
        SMTP_PASSWORD,
        CLIENT_SECRET,
        OAUTH_CODE,
        VERIFIER,
        &su_token,
        &user_token,
        "$2a$",
        "$2b$",
    ] {
        assert!(!log.contains(secret), "{secret:?} is in the log:\n{log}");
    }
}

/// The link `serve` prints for a fresh install, with the token it carries.
fn installer_token(log: &str) -> Option<String> {
    let at = log.find("/_/#/pbinstall/")?;
    let rest = &log[at + "/_/#/pbinstall/".len()..];
    Some(rest.split_whitespace().next()?.to_string())
}

/// The first-superuser installer, as PocketBase's: `serve` on an empty data dir prints the
/// console URL and a one-time `/_/#/pbinstall/TOKEN` link; the token acts as a temporary
/// superuser that cannot sign in with a password, creates the real superuser, and is gone
/// afterwards; with a superuser the link is not printed.
#[tokio::test]
async fn serve_prints_a_first_superuser_link_until_one_exists() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = Server::start(dir.path()).await;
    wait_for_log(&server, "/_/#/pbinstall/").await;
    let log = server.log_text();
    assert!(log.contains(&format!("{}/_/", server.base)), "{log}");
    let token = installer_token(&log).expect("token in the link");
    let client = reqwest::Client::new();
    let superusers = format!("{}/api/collections/_superusers/records", server.base);

    // The token is a superuser token.
    let r = client
        .get(&superusers)
        .header("authorization", &token)
        .send()
        .await
        .expect("list");
    assert_eq!(r.status().as_u16(), 200);
    let list: Value = r.json().await.expect("json");
    assert_eq!(
        list["items"][0]["email"],
        json!("__pbinstaller@example.com")
    );
    // No password sign-in for the temporary superuser, whatever the password.
    server
        .assert_login_fails("__pbinstaller@example.com", "guess-guess-guess")
        .await;

    // The installer screen's request: create the real superuser with the token.
    let r = client
        .post(&superusers)
        .header("authorization", &token)
        .json(&json!({"email": "first@example.com", "password": "first-pass-123", "passwordConfirm": "first-pass-123"}))
        .send()
        .await
        .expect("create");
    assert_eq!(
        r.status().as_u16(),
        200,
        "{}",
        r.text().await.unwrap_or_default()
    );
    let real = server
        .assert_login_ok("first@example.com", "first-pass-123")
        .await;
    // Deleted by an after-success hook, right after the create's response.
    let mut list = Value::Null;
    for _ in 0..50 {
        list = client
            .get(&superusers)
            .header("authorization", &real)
            .send()
            .await
            .expect("list")
            .json()
            .await
            .expect("json");
        if list["totalItems"] == json!(1) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(list["totalItems"], json!(1), "{list}");
    assert_eq!(list["items"][0]["email"], json!("first@example.com"));
    // The temporary superuser is gone, so its token no longer works.
    let r = client
        .get(&superusers)
        .header("authorization", &token)
        .send()
        .await
        .expect("list");
    assert!(matches!(r.status().as_u16(), 401 | 403), "{}", r.status());
    server.stop().await;

    // With a superuser, the next start prints the console URL but no link.
    let server = Server::start(dir.path()).await;
    wait_for_log(&server, "/_/").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let log = server.log_text();
    assert!(!log.contains("pbinstall"), "{log}");
    server.stop().await;
}
