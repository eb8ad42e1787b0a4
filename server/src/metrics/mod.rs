//! What `GET /metrics` reports, in the Prometheus/OpenMetrics text format
//! (`prometheus-client`): requests by route template and status with latency histograms,
//! the writer queue and group-commit sizes, read-cache hits, realtime clients and their queued
//! events, jobs by status, mail sent and failed, dropped log entries.
//!
//! Request counters live here and are bumped by the HTTP layer; everything that is a level
//! (queue depths, clients, jobs) is read from its owner at scrape time, so nothing on a hot
//! path updates a gauge. The route label is the route's template
//! (`/api/collections/:collection/records/:id`), never the raw path, so the label set stays
//! small.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

use crate::core::Core;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: String,
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StatusLabel {
    status: String,
}

/// 0.5 ms to about 8 s, doubling.
fn latency_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.0005, 2.0, 15))
}

/// The counters the server bumps as it works.
pub struct Metrics {
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram, fn() -> Histogram>,
    pub mail_sent: Counter,
    pub mail_failed: Counter,
}

impl Default for Metrics {
    fn default() -> Self {
        Self {
            requests: Family::default(),
            latency: Family::new_with_constructor(latency_histogram),
            mail_sent: Counter::default(),
            mail_failed: Counter::default(),
        }
    }
}

impl Metrics {
    /// Counts one answered request. `route` is the matched template (or `unmatched`).
    pub fn observe_request(&self, method: &str, route: &str, status: u16, seconds: f64) {
        self.requests
            .get_or_create(&RequestLabels {
                method: method.to_string(),
                route: route.to_string(),
                status,
            })
            .inc();
        self.latency
            .get_or_create(&RouteLabels {
                method: method.to_string(),
                route: route.to_string(),
            })
            .observe(seconds);
    }

    /// The text exposition of every metric, as of now.
    pub async fn render(&self, core: &Core) -> String {
        let jobs = job_counts(core).await;
        let mut reg = Registry::with_prefix("cairn");
        reg.register(
            "http_requests",
            "HTTP requests answered, by method, route template and status",
            self.requests.clone(),
        );
        reg.register(
            "http_request_duration_seconds",
            "Time to answer an HTTP request, by method and route template",
            self.latency.clone(),
        );
        reg.register(
            "db_group_commit_writes",
            "Record writes committed together in one transaction (group commit)",
            core.storage.group_sizes.clone(),
        );
        reg.register(
            "db_writer_queue_depth",
            "Jobs waiting on the database writer",
            gauge(core.storage.writer_queue_depth()),
        );
        let (hits, misses) = core.read_cache.hits_and_misses();
        reg.register(
            "read_cache_hits",
            "Reads answered from the read cache",
            counter(hits),
        );
        reg.register(
            "read_cache_misses",
            "Reads the read cache could not answer",
            counter(misses),
        );
        let clients = core.realtime.clients();
        reg.register(
            "realtime_clients",
            "Connected realtime clients (SSE and WebSocket)",
            gauge(clients.len()),
        );
        reg.register(
            "realtime_queued_events",
            "Events waiting in realtime clients' send queues",
            gauge(clients.iter().map(|c| c.queued()).sum()),
        );
        let by_status: Family<StatusLabel, Gauge> = Family::default();
        for status in ["queued", "running", "done", "failed", "cancelled"] {
            by_status
                .get_or_create(&StatusLabel {
                    status: status.into(),
                })
                .set(0);
        }
        for (status, n) in jobs {
            by_status.get_or_create(&StatusLabel { status }).set(n);
        }
        reg.register("jobs", "Durable jobs by status", by_status);
        reg.register(
            "mail_sent",
            "Mails handed to the SMTP server",
            self.mail_sent.clone(),
        );
        reg.register(
            "mail_failed",
            "Mails the SMTP server refused or could not be reached for",
            self.mail_failed.clone(),
        );
        reg.register(
            "logs_dropped",
            "Request log entries dropped because the log queue was full",
            counter(core.logs.dropped()),
        );
        let mut out = String::new();
        if let Err(e) = encode(&mut out, &reg) {
            tracing::warn!(error = %e, "encoding metrics");
        }
        out
    }
}

fn gauge(v: usize) -> Gauge {
    let g = Gauge::default();
    g.set(i64::try_from(v).unwrap_or(i64::MAX));
    g
}

fn counter(v: u64) -> Counter {
    let c = Counter::default();
    c.inc_by(v);
    c
}

/// Durable jobs by status, read from `_jobs` (empty when the read fails).
async fn job_counts(core: &Core) -> Vec<(String, i64)> {
    use crate::storage::{ConnectionTrait, DbBackend, Statement};
    let read = core
        .storage
        .read(|conn| {
            let rows = conn.query_all_raw(Statement::from_string(
                DbBackend::Sqlite,
                r#"SELECT "status", COUNT(*) AS "n" FROM "_jobs" GROUP BY "status""#,
            ))?;
            rows.iter()
                .map(|r| {
                    Ok((
                        r.try_get::<String>("", "status")?,
                        r.try_get::<i64>("", "n")?,
                    ))
                })
                .collect::<Result<Vec<_>, crate::storage::DbErr>>()
        })
        .await;
    match read {
        Ok(Ok(counts)) => counts,
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "counting jobs for metrics");
            Vec::new()
        }
        Err(_) => Vec::new(),
    }
}
