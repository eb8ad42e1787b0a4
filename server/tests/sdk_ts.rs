//! The generated TypeScript SDK against the real `cairn` binary.
//!
//! Each test starts `cairn serve` on a fresh data dir and a free loopback port, creates the test
//! schema (`sdk-ts/test/setup-schema.mjs`: every field type, two auth collections, a view), runs
//! `cairn gen sdk` and then, in a scratch copy of `sdk-ts/` (so parallel tests never share the
//! generated package):
//! - the vitest suite (`sdk-ts/test/*.test.ts`) against the server, over a package generated
//!   from the data dir (`--dir`, while the server runs on it);
//! - the type tests (`sdk-ts/test/typecheck.ts`): `tsc --noEmit` under `NodeNext` and under
//!   `Bundler` resolution over a package generated from the server (`--url --token`); tsc fails
//!   on an `@ts-expect-error` line that is not an error, and a copy with the directives removed
//!   must fail on exactly those lines.
//!
//! Needs Node.js 20+ and `sdk-ts/node_modules` (`./scripts/test.sh` runs `npm ci` there).

use std::io::Read;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const EMAIL: &str = "sdk@example.com";
const PASSWORD: &str = "sdk-password-123";
const BIN: &str = env!("CARGO_BIN_EXE_cairn");

/// Longest a node or tsc run may take (vitest's own per-test timeout is 30 s).
const RUN_TIMEOUT: Duration = Duration::from_secs(240);

fn sdk_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../sdk-ts")
}

/// `cairn serve` on a temp dir; killed on drop, even when an assertion fails.
struct Server {
    child: Child,
    dir: tempfile::TempDir,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr").port()
}

impl Server {
    fn start() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let status = Command::new(BIN)
            .args(["superuser", "upsert", EMAIL, PASSWORD, "--dir"])
            .arg(dir.path())
            .stdout(Stdio::null())
            .status()
            .expect("cairn superuser upsert");
        assert!(status.success(), "superuser upsert failed");
        let addr = format!("127.0.0.1:{}", free_port());
        let child = Command::new(BIN)
            .args(["serve", "--http", &addr, "--dir"])
            .arg(dir.path())
            // OAuth2 client secrets are stored sealed, which needs a key.
            .env("CAIRN_ENCRYPTION_KEY", "sdk-test-key-0123456789abcdefghi")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("cairn serve");
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(&addr).is_err() {
            assert!(Instant::now() < deadline, "cairn serve did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        Self {
            child,
            dir,
            base: format!("http://{addr}"),
        }
    }
}

struct Run {
    ok: bool,
    stdout: String,
    stderr: String,
}

impl Run {
    fn report(&self, what: &str) -> String {
        format!(
            "{what}\n---- stdout ----\n{}\n---- stderr ----\n{}",
            self.stdout, self.stderr
        )
    }
}

/// Runs `cmd` to completion (killed at [`RUN_TIMEOUT`]), capturing its output.
fn run(mut cmd: Command) -> Run {
    let mut child = cmd
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{cmd:?} could not start ({e}); Node.js 20+ must be on PATH"));
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
    let deadline = Instant::now() + RUN_TIMEOUT;
    let ok = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status.success();
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            break false;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    Run {
        ok,
        stdout: out_reader.join().unwrap_or_default(),
        stderr: err_reader.join().unwrap_or_default(),
    }
}

/// A scratch copy of `sdk-ts/` (configs and tests; `node_modules` linked, not copied).
fn workspace() -> tempfile::TempDir {
    let src = sdk_dir();
    assert!(
        src.join("node_modules/vitest/package.json").is_file()
            && src.join("node_modules/typescript/package.json").is_file(),
        "{}/node_modules is missing: run ./scripts/test.sh (it runs `npm ci` in sdk-ts) or \
         `cd sdk-ts && npm ci` first",
        src.display()
    );
    let ws = tempfile::tempdir().expect("workspace");
    for f in ["package.json", "tsconfig.json", "vitest.config.ts"] {
        std::fs::copy(src.join(f), ws.path().join(f)).expect("copy config");
    }
    for sub in ["test", "test/browser"] {
        std::fs::create_dir(ws.path().join(sub)).expect("test dir");
        for entry in std::fs::read_dir(src.join(sub)).expect("sdk-ts/test") {
            let entry = entry.expect("entry");
            if entry.file_type().expect("type").is_file() {
                std::fs::copy(entry.path(), ws.path().join(sub).join(entry.file_name()))
                    .expect("copy test");
            }
        }
    }
    std::os::unix::fs::symlink(src.join("node_modules"), ws.path().join("node_modules"))
        .expect("link node_modules");
    ws
}

/// Creates the test schema on `server`; returns the superuser token it signed in with.
fn setup_schema(server: &Server, ws: &Path) -> String {
    let mut cmd = Command::new("node");
    cmd.arg("test/setup-schema.mjs")
        .current_dir(ws)
        .env("CAIRN_URL", &server.base)
        .env("CAIRN_SU_EMAIL", EMAIL)
        .env("CAIRN_SU_PASSWORD", PASSWORD);
    let r = run(cmd);
    assert!(r.ok, "{}", r.report("setup-schema.mjs failed"));
    r.stdout
        .lines()
        .find_map(|l| l.strip_prefix("token="))
        .expect("setup-schema.mjs prints the token")
        .to_string()
}

/// `cairn gen sdk --out <ws>/test/generated` plus `args`.
fn generate(ws: &Path, args: &[&str]) {
    let out = ws.join("test/generated");
    let r = run({
        let mut c = Command::new(BIN);
        c.args(["gen", "sdk", "--out"]).arg(&out).args(args);
        c
    });
    assert!(r.ok, "{}", r.report("cairn gen sdk failed"));
    assert!(r.stdout.contains("collections"), "{}", r.stdout);
    let index = std::fs::read_to_string(out.join("index.ts")).expect("index.ts");
    assert!(
        index.contains("export interface BarPostsRecord {"),
        "{index}"
    );
    assert!(out.join("runtime/client.ts").is_file());
}

fn tsc(ws: &Path, project: &str) -> Run {
    let mut c = Command::new("node");
    c.arg("node_modules/typescript/bin/tsc")
        .args(["--noEmit", "--pretty", "false", "-p", project])
        .current_dir(ws);
    run(c)
}

#[test]
fn vitest_suite_against_the_real_binary() {
    let server = Server::start();
    let ws = workspace();
    setup_schema(&server, ws.path());
    let dir = server.dir.path().to_string_lossy().into_owned();
    generate(ws.path(), &["--dir", &dir]);
    let mut c = Command::new("node");
    c.args([
        "node_modules/vitest/vitest.mjs",
        "run",
        "--reporter=verbose",
    ])
    .current_dir(ws.path())
    .env("CAIRN_URL", &server.base)
    .env("CAIRN_SU_EMAIL", EMAIL)
    .env("CAIRN_SU_PASSWORD", PASSWORD);
    let r = run(c);
    assert!(r.ok, "{}", r.report("the sdk-ts vitest suite failed"));
    // Every suite ran (a filtered or empty run would also exit 0).
    for name in [
        "records",
        "auth",
        "auth by mail",
        "realtime over ws",
        "realtime over sse",
        "realtime reconnect over ws",
        "realtime reconnect over sse",
        "protected files",
    ] {
        assert!(r.stdout.contains(name), "{}", r.report(name));
    }
    assert!(
        !r.stdout.contains("skipped"),
        "{}",
        r.report("skipped tests")
    );
}

#[test]
fn type_tests_under_nodenext_and_bundler() {
    let server = Server::start();
    let ws = workspace();
    let token = setup_schema(&server, ws.path());
    generate(ws.path(), &["--url", &server.base, "--token", &token]);
    for project in ["test/tsconfig.nodenext.json", "test/tsconfig.bundler.json"] {
        let r = tsc(ws.path(), project);
        assert!(r.ok, "{}", r.report(&format!("tsc -p {project}")));
    }

    // Without its directives, every line after an `@ts-expect-error` must be an error on its
    // own: the wrong collection, field, select value and value type are caught by the types.
    let path = ws.path().join("test/typecheck.ts");
    let text = std::fs::read_to_string(&path).expect("typecheck.ts");
    let mut expected = Vec::new();
    let stripped: Vec<&str> = text
        .lines()
        .enumerate()
        .map(|(i, line)| {
            if line.trim_start().starts_with("// @ts-expect-error") {
                expected.push(i + 2); // 1-based number of the next line
                ""
            } else {
                line
            }
        })
        .collect();
    assert!(expected.len() >= 4, "too few @ts-expect-error lines");
    std::fs::write(&path, stripped.join("\n")).expect("write stripped");
    let r = tsc(ws.path(), "test/tsconfig.nodenext.json");
    assert!(!r.ok, "{}", r.report("tsc accepted the wrong code"));
    let mut failed: Vec<usize> = r
        .stdout
        .lines()
        .filter_map(|l| l.strip_prefix("test/typecheck.ts("))
        .filter_map(|l| l.split(',').next()?.parse().ok())
        .collect();
    failed.dedup();
    assert_eq!(failed, expected, "{}", r.report("errors on other lines"));
}

/// The OAuth2 sign-ins in Debian's Chromium (`sdk-ts/test/browser/oauth2.mjs`): the popup flow
/// (relayed by `/api/oauth2-redirect` over realtime) and the full-page redirect flow, against a
/// fake OpenID Connect provider on loopback.
#[test]
fn oauth2_popup_and_redirect_in_chromium() {
    let server = Server::start();
    let ws = workspace();
    setup_schema(&server, ws.path());
    let dir = server.dir.path().to_string_lossy().into_owned();
    generate(ws.path(), &["--dir", &dir]);
    let mut c = Command::new("node");
    c.arg("test/browser/oauth2.mjs")
        .current_dir(ws.path())
        .env("CAIRN_URL", &server.base)
        .env("CAIRN_SU_EMAIL", EMAIL)
        .env("CAIRN_SU_PASSWORD", PASSWORD);
    let r = run(c);
    assert!(r.ok, "{}", r.report("oauth2.mjs failed"));
    for flow in ["ok popup", "ok redirect"] {
        assert!(r.stdout.contains(flow), "{}", r.report(flow));
    }
}

/// Deno and Bun run the generated package as TypeScript (no build step): records, errors and
/// realtime over WebSocket and over SSE (`sdk-ts/test/runtimes.ts`).
#[test]
fn deno_and_bun_run_the_generated_sdk() {
    let server = Server::start();
    let ws = workspace();
    setup_schema(&server, ws.path());
    let dir = server.dir.path().to_string_lossy().into_owned();
    generate(ws.path(), &["--dir", &dir]);
    // The package's relative imports carry `.js` (as NodeNext requires) while the files are
    // `.ts`: Bun maps them itself; Deno needs its sloppy-imports resolution.
    let runtimes: [(&str, &[&str]); 2] = [
        (
            "deno",
            &[
                "run",
                "--allow-net",
                "--allow-env",
                "--sloppy-imports",
                "--no-lock",
                "test/runtimes.ts",
            ],
        ),
        ("bun", &["run", "test/runtimes.ts"]),
    ];
    for (name, args) in runtimes {
        let bin = ws.path().join("node_modules/.bin").join(name);
        assert!(
            bin.exists(),
            "{} is missing: run `cd sdk-ts && npm ci`",
            bin.display()
        );
        let mut c = Command::new(&bin);
        c.args(args)
            .current_dir(ws.path())
            .env("CAIRN_URL", &server.base)
            .env("DENO_NO_UPDATE_CHECK", "1")
            .env("DENO_DIR", ws.path().join(".deno"))
            .env("BUN_INSTALL_CACHE_DIR", ws.path().join(".bun"));
        let r = run(c);
        assert!(r.ok, "{}", r.report(&format!("{name} failed")));
        assert!(
            r.stdout.contains(&format!("ok {name}")),
            "{}",
            r.report(name)
        );
    }
}
