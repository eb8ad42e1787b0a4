//! The job runner: one task that claims due jobs on the writer (at most `concurrency` at a
//! time) and runs each in its own task with a renewed lease; it sleeps until the next job is
//! due, a handler finishes, or something is enqueued.

use std::sync::{Arc, Weak};
use std::time::Duration;

use super::{CancelFlag, JobContext, JobError, Registered, store};
use crate::core::Core;
use futures_util::FutureExt;

/// Longest sleep between looks at the queue: jobs queued by another process (a CLI command)
/// are noticed within this.
const POLL: Duration = Duration::from_secs(2);

/// Sends a job change to superusers subscribed to `_jobs/*` or `_jobs/ID`.
pub(super) fn publish(core: &Core, action: &str, job: &store::Job) {
    let data = serde_json::json!({ "action": action, "record": job }).to_string();
    core.realtime.publish_system("_jobs", &job.id, &data);
}

pub(super) fn spawn(core: &Arc<Core>) {
    let weak = Arc::downgrade(core);
    tokio::spawn(async move { run(weak).await });
}

async fn run(weak: Weak<Core>) {
    loop {
        let Some(core) = weak.upgrade() else { return };
        let wait = claim_and_start(&core).await;
        let jobs = &core.jobs;
        let notified = jobs.wake.notified();
        drop(tokio::time::timeout(wait, notified).await);
        drop(core);
    }
}

/// Claims what is due and can run now; returns how long to sleep before looking again.
async fn claim_and_start(core: &Arc<Core>) -> Duration {
    let names = core.jobs.names();
    let busy = core.jobs.running.lock().map(|r| r.len()).unwrap_or(0);
    let free = core.jobs.concurrency.saturating_sub(busy);
    if !names.is_empty() && free > 0 {
        let leases: std::collections::HashMap<String, Duration> = names
            .iter()
            .filter_map(|n| core.jobs.get(n).map(|r| (n.clone(), r.options.lease)))
            .collect();
        let names2 = names.clone();
        let claimed = core
            .storage
            .write(move |conn| {
                store::claim_due(conn, &names2, free, &|n| {
                    leases.get(n).copied().unwrap_or(Duration::from_secs(30))
                })
            })
            .await;
        match claimed {
            Ok(Ok(jobs)) => {
                for job in jobs {
                    start(core, job);
                }
            }
            Ok(Err(e)) => tracing::warn!(error = %e, "claiming jobs"),
            Err(_) => return POLL,
        }
    }
    let next = core
        .storage
        .read(move |conn| store::next_due(conn, &names))
        .await;
    match next {
        Ok(Ok(Some(at))) => until(&at).min(POLL),
        _ => POLL,
    }
}

/// Time from now until a stored datetime (zero when it has passed).
fn until(at: &str) -> Duration {
    let Ok(t) = chrono::NaiveDateTime::parse_from_str(at, "%Y-%m-%d %H:%M:%S%.3fZ") else {
        return Duration::ZERO;
    };
    (t.and_utc() - chrono::Utc::now())
        .to_std()
        .unwrap_or(Duration::ZERO)
}

fn start(core: &Arc<Core>, job: store::Job) {
    let Some(registered) = core.jobs.get(&job.name) else {
        return;
    };
    let flag = Arc::new(CancelFlag::default());
    if let Ok(mut running) = core.jobs.running.lock() {
        running.insert(job.id.clone(), flag.clone());
    }
    publish(core, "update", &job);
    let core = core.clone();
    tokio::spawn(async move {
        let id = job.id.clone();
        run_one(&core, registered, job, flag).await;
        if let Ok(mut running) = core.jobs.running.lock() {
            running.remove(&id);
        }
        core.jobs.wake();
    });
}

/// Runs one attempt and stores its outcome.
async fn run_one(
    core: &Arc<Core>,
    registered: Arc<Registered>,
    job: store::Job,
    flag: Arc<CancelFlag>,
) {
    let ctx = JobContext {
        id: job.id.clone(),
        name: job.name.clone(),
        payload: job.payload.clone(),
        attempt: job.attempts,
        core: core.clone(),
        cancelled: flag.clone(),
    };
    let work = std::panic::AssertUnwindSafe((registered.handler)(ctx)).catch_unwind();
    let lease = registered.options.lease;
    let renewals = renew_lease(core, &job.id, lease);
    let outcome = tokio::select! {
        out = work => out,
        () = flag.cancelled() => return,
        () = renewals => return,
    };
    let outcome = outcome.unwrap_or_else(|_| {
        tracing::error!(job = %job.id, name = %job.name, "job handler panicked");
        Err(JobError::retry("the job handler panicked"))
    });
    let id = job.id.clone();
    let stored = match outcome {
        Ok(result) => {
            core.storage
                .write(move |conn| store::finish_ok(conn, &id, &result))
                .await
        }
        Err(e) => {
            let retry_at = match &e {
                JobError::Retry { after, .. } if job.attempts < job.max_attempts => {
                    let delay =
                        after.unwrap_or_else(|| registered.options.backoff_for(job.attempts));
                    Some(store::after(delay))
                }
                _ => None,
            };
            tracing::info!(job = %job.id, name = %job.name, attempt = job.attempts, error = %e.message(), retry = retry_at.is_some(), "job attempt failed");
            let message = e.message().to_string();
            core.storage
                .write(move |conn| store::finish_err(conn, &id, &message, retry_at))
                .await
        }
    };
    match stored {
        Ok(Ok(Some(job))) => publish(core, "update", &job),
        Ok(Ok(None)) => {} // cancelled meanwhile: the cancel stays
        Ok(Err(e)) => tracing::warn!(job = %job.id, error = %e, "storing job outcome"),
        Err(e) => tracing::warn!(job = %job.id, error = %e, "storing job outcome"),
    }
}

/// Renews the lease every third of it; ends only when the job is no longer ours (cancelled,
/// or storage closed), which stops the attempt.
async fn renew_lease(core: &Arc<Core>, id: &str, lease: Duration) {
    let every = (lease / 3).max(Duration::from_millis(100));
    loop {
        tokio::time::sleep(every).await;
        let id2 = id.to_string();
        match core
            .storage
            .write(move |conn| store::renew(conn, &id2, lease))
            .await
        {
            Ok(Ok(true)) => {}
            Ok(Ok(false)) | Err(_) => return,
            Ok(Err(e)) => tracing::warn!(job = %id, error = %e, "renewing job lease"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn until_a_past_or_bad_time_is_zero() {
        assert_eq!(until("2000-01-01 00:00:00.000Z"), Duration::ZERO);
        assert_eq!(until("garbage"), Duration::ZERO);
        let soon = store::after(Duration::from_secs(60));
        assert!(until(&soon) > Duration::from_secs(58));
    }

    #[test]
    fn backoff_doubles_up_to_its_cap() {
        let o = super::super::JobOptions {
            backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(10),
            ..Default::default()
        };
        let got: Vec<u64> = (1..=6).map(|a| o.backoff_for(a).as_secs()).collect();
        assert_eq!(got, vec![1, 2, 4, 8, 10, 10]);
    }
}
