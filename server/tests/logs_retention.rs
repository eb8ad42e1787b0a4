//! The built-in clean-up jobs on a real data dir: `__pbLogsCleanup__` deletes request logs
//! older than `settings.logs.maxDays` and keeps newer ones; `__pbOTPCleanup__` deletes
//! one-time passwords past their collection's `otp.duration` and keeps fresh ones. Both run
//! through `POST /api/crons/{id}`, as an admin would.

mod common;

use std::time::{Duration, Instant};

use cairn::logs::{Entry, LEVEL_INFO};
use cairn::storage::ConnectionTrait;
use common::TestServer;
use serde_json::{Map, json};

fn entry(id: &str, created: chrono::DateTime<chrono::Utc>) -> Entry {
    Entry {
        id: id.into(),
        created: cairn::schema::ids::format_datetime(created),
        level: LEVEL_INFO,
        message: format!("GET /{id}"),
        data: Map::new(),
    }
}

async fn until<F: AsyncFn() -> bool>(what: &str, f: F) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !f().await {
        assert!(Instant::now() < deadline, "timed out: {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn old_logs_and_expired_otps_are_cleaned_up() {
    let s = TestServer::start().await;
    let now = chrono::Utc::now();
    let logs = &s.app.core.logs;
    logs.push(entry("oldlogentry0001", now - chrono::Duration::days(6)));
    logs.push(entry("newlogentry0001", now - chrono::Duration::days(4)));
    logs.flush().await;
    assert_eq!(s.get("/api/logs/oldlogentry0001").await.status, 200);

    let run = s.su_post("/api/crons/__pbLogsCleanup__", json!({})).await;
    assert_eq!(run.status, 204, "{}", run.body);
    until("the old entry is deleted", async || {
        s.get("/api/logs/oldlogentry0001").await.status == 404
    })
    .await;
    assert_eq!(
        s.get("/api/logs/newlogentry0001").await.status,
        200,
        "maxDays is 5"
    );

    // Two OTPs of the default `users` collection (otp.duration 180 s): one an hour old.
    let users = s
        .app
        .core
        .schema
        .load()
        .find("users")
        .expect("users")
        .id
        .clone();
    let (old, fresh) = (
        cairn::schema::ids::format_datetime(now - chrono::Duration::hours(1)),
        cairn::schema::ids::format_datetime(now),
    );
    s.app
        .core
        .storage
        .write(move |conn| {
            for (id, created) in [("oldotp000000001", old), ("newotp000000001", fresh)] {
                conn.execute_raw(cairn::storage::Statement::from_sql_and_values(
                    cairn::storage::DbBackend::Sqlite,
                    "INSERT INTO _otps (id, collectionRef, recordRef, password, sentTo, created, updated) \
                     VALUES (?, ?, 'rec', 'hash', '', ?, ?)",
                    [id.into(), users.clone().into(), created.clone().into(), created.into()],
                ))?;
            }
            Ok::<_, cairn::storage::DbErr>(())
        })
        .await
        .expect("writer")
        .expect("insert otps");
    let otp = |id: &'static str| format!("/api/collections/_otps/records/{id}");
    assert_eq!(s.get(&otp("oldotp000000001")).await.status, 200);
    let run = s.su_post("/api/crons/__pbOTPCleanup__", json!({})).await;
    assert_eq!(run.status, 204, "{}", run.body);
    until("the expired OTP is deleted", async || {
        s.get(&otp("oldotp000000001")).await.status == 404
    })
    .await;
    assert_eq!(s.get(&otp("newotp000000001")).await.status, 200);
    s.stop().await;
}
