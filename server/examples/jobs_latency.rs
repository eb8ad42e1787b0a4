//! Job queue latency on an idle server: enqueues jobs one at a time (each waits for the previous
//! to start) and reports enqueue→start latency p50/p99/max — the time from `Jobs::enqueue` being
//! called to the handler running, through the `_jobs` table on a real SQLite file. Also the
//! same for jobs queued inside a record write's transaction (`on_record_tx`).
//!
//! ```sh
//! cargo run --release -p cairn --example jobs_latency -- --jobs 2000
//! ```

use std::sync::Arc;
use std::time::{Duration, Instant};

use cairn::jobs::{Enqueue, JobOptions, Jobs};
use serde_json::json;
use tokio::sync::mpsc;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn report(label: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{label}: n={} p50={:.2} ms p99={:.2} ms max={:.2} ms",
        samples.len(),
        ms(percentile(&samples, 0.5)),
        ms(percentile(&samples, 0.99)),
        ms(samples.last().copied().unwrap_or_default()),
    );
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let jobs: usize = std::env::args()
        .skip_while(|a| a != "--jobs")
        .nth(1)
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let dir = tempfile::tempdir()?;
    let ext = cairn::Extensions::default();
    let (tx, mut rx) = mpsc::unbounded_channel::<Instant>();
    ext.jobs
        .handle("bench", JobOptions::default(), move |_ctx| {
            let tx = tx.clone();
            async move {
                let _ = tx.send(Instant::now());
                Ok(json!(null))
            }
        });
    ext.hooks.on_record_tx.add(0, |e| {
        if e.record.collection.name == "bench_items" {
            e.enqueue("bench", &json!({}), &Enqueue::default())?;
        }
        Ok(())
    });
    let app = Arc::new(cairn::App::open_with(
        cairn::Config::for_dir(dir.path()),
        ext,
    )?);
    let core = app.core.clone();
    Jobs::start(&core);
    // Warm up the writer and the runner.
    for _ in 0..20 {
        Jobs::enqueue(&core, "bench", json!({}), Enqueue::default()).await?;
        rx.recv().await;
    }

    let mut direct = Vec::with_capacity(jobs);
    for _ in 0..jobs {
        let t0 = Instant::now();
        Jobs::enqueue(&core, "bench", json!({}), Enqueue::default()).await?;
        let started = rx
            .recv()
            .await
            .ok_or_else(|| anyhow::anyhow!("runner stopped"))?;
        direct.push(started.saturating_duration_since(t0));
    }
    report("Jobs::enqueue → handler start (idle)", direct);

    let sealer = core.settings.sealer.clone();
    core.write_schema(move |conn, cache| {
        cairn::schema::service::create(
            conn,
            cache,
            &sealer,
            &json!({"name": "bench_items", "type": "base", "fields": [{"name": "n", "type": "number"}]}),
        )
    })
    .await?;
    let mut in_tx = Vec::with_capacity(jobs);
    for i in 0..jobs {
        let t0 = Instant::now();
        cairn::records::server::create(&core, "bench_items", json!({"n": i})).await?;
        let started = rx
            .recv()
            .await
            .ok_or_else(|| anyhow::anyhow!("runner stopped"))?;
        in_tx.push(started.saturating_duration_since(t0));
    }
    report(
        "record create + job in its transaction → handler start (idle)",
        in_tx,
    );
    Ok(())
}
