//! Configuration: command-line flags > `CAIRN_*` environment variables > defaults. Runtime
//! settings (SMTP, S3, …) live in the database, not here.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Args;

#[derive(Debug, Clone, Args)]
pub struct Config {
    /// Address to listen on (loopback by default).
    #[arg(long = "http", env = "CAIRN_HTTP", default_value = "127.0.0.1:8090")]
    pub http: SocketAddr,

    /// Data directory: holds `data.db`, `aux.db` (request logs) and `storage/`.
    #[arg(long = "dir", env = "CAIRN_DIR", default_value = "./cairn_data")]
    pub dir: PathBuf,

    /// Number of read-only database connections (reader threads).
    #[arg(long = "db-readers", env = "CAIRN_DB_READERS", default_value_t = default_readers())]
    pub db_readers: usize,

    /// Maximum request body size in bytes (PocketBase's default is 32 MiB).
    #[arg(long = "max-body", env = "CAIRN_MAX_BODY", default_value_t = 32 << 20)]
    pub max_body: usize,

    /// Read cache budget in MiB: rows and list totals are reused until the next write commits
    /// (0 turns it off).
    #[arg(
        long = "read-cache-mb",
        env = "CAIRN_READ_CACHE_MB",
        default_value_t = 64
    )]
    pub read_cache_mb: u64,

    /// HTTP worker threads (0 = one per core).
    #[arg(long = "workers", env = "CAIRN_WORKERS", default_value_t = 0)]
    pub workers: usize,

    /// Key sealing stored secrets (SMTP password, S3 secrets) with AES-256-GCM: 32 characters,
    /// or base64 of 32 random bytes. Without it secrets cannot be stored.
    #[arg(
        long = "encryption-key",
        env = "CAIRN_ENCRYPTION_KEY",
        hide_env_values = true
    )]
    pub encryption_key: Option<String>,

    /// Log filter, e.g. `info` or `cairn=debug` (also read from `RUST_LOG`).
    #[arg(long = "log", env = "CAIRN_LOG", default_value = "info")]
    pub log: String,

    /// Log lines as `text` (for people) or `json` (one object per line, for log shippers).
    #[arg(long = "log-format", env = "CAIRN_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,

    /// A bearer secret that may read `GET /metrics` (superusers always may).
    #[arg(
        long = "metrics-token",
        env = "CAIRN_METRICS_TOKEN",
        hide_env_values = true
    )]
    pub metrics_token: Option<String>,
}

/// How log lines are written to stderr.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

fn default_readers() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get().max(2))
}

impl Config {
    /// A config for tests and embedding: loopback on an ephemeral port, the given data dir.
    pub fn for_dir(dir: impl Into<PathBuf>) -> Self {
        Self {
            http: SocketAddr::from(([127, 0, 0, 1], 0)),
            dir: dir.into(),
            db_readers: 2,
            max_body: 32 << 20,
            workers: 2,
            read_cache_mb: 64,
            encryption_key: None,
            log: "warn".into(),
            log_format: LogFormat::Text,
            metrics_token: None,
        }
    }

    pub fn db_path(&self) -> PathBuf {
        self.dir.join("data.db")
    }

    /// The request logs' database, beside the data (as PocketBase's `auxiliary.db`).
    pub fn aux_db_path(&self) -> PathBuf {
        self.dir.join("aux.db")
    }
}
