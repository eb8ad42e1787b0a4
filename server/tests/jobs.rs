//! Durable jobs, cron and custom routes through a real server on a real SQLite file: a job
//! runs and stores its result; retryable failures back off and succeed; a fatal one fails and
//! can be retried; cancel stops a running job; a job whose worker died (lease expired) runs
//! again; `/api/jobs` filters and sorts; `/api/crons` lists and runs; module routes answer.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use cairn::Extensions;
use cairn::hooks::routes::RouteResponse;
use cairn::jobs::{Enqueue, JobError, JobOptions, Jobs};
use common::TestServer;
use serde_json::{Value, json};

fn quick() -> JobOptions {
    JobOptions {
        lease: Duration::from_secs(1),
        backoff: Duration::from_millis(50),
        max_backoff: Duration::from_millis(200),
    }
}

/// Polls `/api/jobs/{id}` until its status is `want` (or panics after 10 s).
async fn wait_status(s: &TestServer, id: &str, want: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let r = s.get(&format!("/api/jobs/{id}")).await;
        assert_eq!(r.status, 200, "{}", r.body);
        if r.body["status"] == want {
            return r.body;
        }
        assert!(
            Instant::now() < deadline,
            "job never became {want}: {}",
            r.body
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn extensions(flaky_calls: Arc<AtomicU32>, cron_runs: Arc<AtomicU32>) -> Extensions {
    let ext = Extensions::default();
    ext.jobs.handle("double", quick(), |ctx| async move {
        let n = ctx.payload["n"].as_i64().unwrap_or(0);
        ctx.progress(json!({"half": true})).await;
        Ok(json!({ "value": n * 2 }))
    });
    ext.jobs.handle("flaky", quick(), move |_ctx| {
        let calls = flaky_calls.clone();
        async move {
            match calls.fetch_add(1, Ordering::SeqCst) {
                0 => Err(JobError::retry("provider said 503")),
                1 => Err(JobError::retry_after(
                    "provider said 429",
                    Duration::from_millis(100),
                )),
                _ => Ok(json!("third time lucky")),
            }
        }
    });
    ext.jobs.handle("broken", quick(), |_ctx| async move {
        Err(JobError::fatal("the key was rejected"))
    });
    ext.jobs.handle("slow", quick(), |_ctx| async move {
        tokio::time::sleep(Duration::from_secs(30)).await;
        Ok(Value::Null)
    });
    ext.crons
        .add("tick", "*/5 * * * *", move |_core| {
            let runs = cron_runs.clone();
            async move {
                runs.fetch_add(1, Ordering::SeqCst);
            }
        })
        .expect("valid cron");
    ext.routes.post("/api/demo/enqueue/{n}", |req| async move {
        req.require_auth()?;
        let n: i64 = req.param("n").and_then(|n| n.parse().ok()).unwrap_or(0);
        let job = Jobs::enqueue(&req.core, "double", json!({ "n": n }), Enqueue::default()).await?;
        Ok(RouteResponse::ok(json!({ "job": job.id })))
    });
    ext.routes.get("/hello/{name}", |req| async move {
        Ok(RouteResponse::ok(json!({ "hello": req.param("name") })))
    });
    ext
}

async fn start() -> (TestServer, Arc<AtomicU32>, Arc<AtomicU32>) {
    let (flaky, cron) = (Arc::new(AtomicU32::new(0)), Arc::new(AtomicU32::new(0)));
    let s = TestServer::start_with_extensions(extensions(flaky.clone(), cron.clone())).await;
    (s, flaky, cron)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_queued_from_a_route_runs_and_keeps_its_result() {
    let (s, _, _) = start().await;
    let guest = s.post("/api/demo/enqueue/21", json!({}), None).await;
    assert_eq!(guest.status, 401, "{}", guest.body);
    let r = s.su_post("/api/demo/enqueue/21", json!({})).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let id = r.body["job"].as_str().expect("job id").to_string();
    let job = wait_status(&s, &id, "done").await;
    assert_eq!(job["result"], json!({"value": 42}));
    assert_eq!(job["progress"], json!({"half": true}));
    assert_eq!(job["attempts"], 1);
    assert_eq!(job["name"], "double");

    let hello = s.guest_get("/hello/world").await;
    assert_eq!(hello.status, 200);
    assert_eq!(hello.body, json!({"hello": "world"}));
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retryable_failures_back_off_then_succeed_and_fatal_ones_fail() {
    let (s, flaky_calls, _) = start().await;
    let core = s.app.core.clone();
    let flaky = Jobs::enqueue(&core, "flaky", json!({}), Enqueue::default())
        .await
        .expect("queued");
    let job = wait_status(&s, &flaky.id, "done").await;
    assert_eq!(job["attempts"], 3);
    assert_eq!(job["result"], "third time lucky");
    assert_eq!(flaky_calls.load(Ordering::SeqCst), 3);
    // The last failure's message is cleared by the success.
    assert_eq!(job["error"], "");

    let broken = Jobs::enqueue(&core, "broken", json!({}), Enqueue::default())
        .await
        .expect("queued");
    let job = wait_status(&s, &broken.id, "failed").await;
    assert_eq!(job["attempts"], 1, "a fatal error is not retried: {job}");
    assert_eq!(job["error"], "the key was rejected");

    // Attempts run out: a retryable failure on the last attempt ends `failed`.
    flaky_calls.store(0, Ordering::SeqCst);
    let limited = Jobs::enqueue(
        &core,
        "flaky",
        json!({}),
        Enqueue {
            max_attempts: 1,
            ..Default::default()
        },
    )
    .await
    .expect("queued");
    let job = wait_status(&s, &limited.id, "failed").await;
    assert_eq!(job["attempts"], 1);

    // Retry of a failed job queues it again with a fresh budget.
    let r = s
        .su_post(&format!("/api/jobs/{}/retry", broken.id), json!({}))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    wait_status(&s, &broken.id, "failed").await;
    let again = s
        .su_post(&format!("/api/jobs/{}/retry", "nope123"), json!({}))
        .await;
    assert_eq!(again.status, 404);

    // List: filter, sort, PocketBase's envelope; only superusers.
    let r = s
        .get("/api/jobs?filter=(status='failed')&sort=-created")
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["totalItems"], 2, "{}", r.body);
    assert_eq!(r.body["items"][0]["id"], limited.id.as_str());
    assert_eq!(r.body["page"], 1);
    let bad = s.get("/api/jobs?filter=(secret='x')").await;
    assert_eq!(bad.status, 400);
    let bad = s.get("/api/jobs?sort=nope").await;
    assert_eq!(bad.status, 400);
    assert_eq!(s.guest_get("/api/jobs").await.status, 401);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_stops_a_running_job_for_good() {
    let (s, _, _) = start().await;
    let core = s.app.core.clone();
    let job = Jobs::enqueue(&core, "slow", json!({}), Enqueue::default())
        .await
        .expect("queued");
    wait_status(&s, &job.id, "running").await;
    let r = s
        .su_post(&format!("/api/jobs/{}/cancel", job.id), json!({}))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["status"], "cancelled");
    // Past two lease lengths: nobody claimed it again, nobody overwrote the cancel.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let after = s.get(&format!("/api/jobs/{}", job.id)).await;
    assert_eq!(after.body["status"], "cancelled");
    assert_eq!(after.body["attempts"], 1);
    let twice = s
        .su_post(&format!("/api/jobs/{}/cancel", job.id), json!({}))
        .await;
    assert_eq!(twice.status, 400, "{}", twice.body);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_whose_worker_died_runs_again_once_its_lease_expires() {
    let (s, _, _) = start().await;
    // What a process killed mid-job leaves behind: `running`, a lease that has run out.
    let db = rusqlite::Connection::open(s.db_path()).expect("open db");
    db.execute(
        r#"INSERT INTO "_jobs" ("id","name","payload","status","attempts","maxAttempts","runAt",
           "leaseUntil","created","updated") VALUES ('deadworker0001','double','{"n":5}',
           'running',1,5,'2026-01-01 00:00:00.000Z','2026-01-01 00:00:05.000Z',
           '2026-01-01 00:00:00.000Z','2026-01-01 00:00:00.000Z')"#,
        [],
    )
    .expect("plant a crashed job");
    // And one whose lease is still held by a live worker elsewhere: left alone.
    db.execute(
        r#"INSERT INTO "_jobs" ("id","name","payload","status","attempts","maxAttempts","runAt",
           "leaseUntil","created","updated") VALUES ('liveworker0001','double','{"n":1}',
           'running',1,5,'2026-01-01 00:00:00.000Z','2999-01-01 00:00:00.000Z',
           '2026-01-01 00:00:00.000Z','2026-01-01 00:00:00.000Z')"#,
        [],
    )
    .expect("plant a held job");
    drop(db);
    s.app.core.jobs.wake();
    let job = wait_status(&s, "deadworker0001", "done").await;
    assert_eq!(job["attempts"], 2);
    assert_eq!(job["result"], json!({"value": 10}));
    let held = s.get("/api/jobs/liveworker0001").await;
    assert_eq!(held.body["status"], "running");
    assert_eq!(held.body["attempts"], 1);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crons_are_listed_and_run_on_demand() {
    let (s, _, cron_runs) = start().await;
    let r = s.get("/api/crons").await;
    assert_eq!(r.status, 200, "{}", r.body);
    // The app's jobs by id, then PocketBase's built-in ones in PocketBase's order.
    assert_eq!(
        r.body,
        json!([
            {"id": "tick", "expression": "*/5 * * * *"},
            {"id": "__pbDBOptimize__", "expression": "0 0 * * *"},
            {"id": "__pbMFACleanup__", "expression": "0 * * * *"},
            {"id": "__pbOTPCleanup__", "expression": "0 * * * *"},
            {"id": "__pbLogsCleanup__", "expression": "0 */6 * * *"},
        ])
    );
    let run = s.su_post("/api/crons/tick", json!({})).await;
    assert_eq!(run.status, 204, "{}", run.body);
    let deadline = Instant::now() + Duration::from_secs(5);
    while cron_runs.load(Ordering::SeqCst) == 0 {
        assert!(Instant::now() < deadline, "the cron job never ran");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let missing = s.su_post("/api/crons/nope", json!({})).await;
    assert_eq!(missing.status, 404);
    assert_eq!(missing.body["message"], "Missing or invalid cron job");
    assert_eq!(s.guest_get("/api/crons").await.status, 401);
    s.stop().await;
}
