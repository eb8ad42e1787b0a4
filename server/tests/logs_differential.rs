//! Request logs and crons against the real PocketBase 0.40.6 (`POCKETBASE_BIN`, as the big
//! differential test): the same requests go to both servers, then `/api/logs` (list, view,
//! filter, stats), `/api/logs/{missing}` and `/api/crons` must answer in the same shape — the
//! same entries (level, message, the data keys and values but ids, times and execTime), the
//! same errors for a bad filter, a missing entry and a guest.

#[path = "differential/client.rs"]
#[allow(dead_code)]
mod client;
#[path = "common/mod.rs"]
mod common;
#[path = "differential/pb.rs"]
mod pb;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use client::{Role, Target, enc};
use serde_json::{Value, json};

/// The requests both servers log (each path unique to this test, so they can be found).
const REQUESTS: [(&str, Role); 4] = [
    ("/api/collections/difflog_missing/records", Role::Guest),
    ("/api/health?difflog=1", Role::Guest),
    ("/api/collections?filter=difflog((", Role::Superuser),
    (
        "/api/collections/_superusers/records?perPage=1&difflog=2",
        Role::Superuser,
    ),
];

/// What must match of an entry: everything but the id, the times, execTime and the text of
/// `data.details` (the server's internal cause — Go's `sql: no rows in result set` on
/// PocketBase, the error's data or null on Cairn; the key must be there on both).
fn comparable(entry: &Value) -> Value {
    let mut data = entry["data"].clone();
    if let Some(d) = data.as_object_mut() {
        d.remove("execTime");
        if let Some(details) = d.get_mut("details") {
            *details = json!("(present)");
        }
    }
    json!({"level": entry["level"], "message": entry["message"], "data": data,
           "keys": entry.as_object().map(|o| o.keys().cloned().collect::<BTreeSet<_>>())})
}

/// The logged entries of [`REQUESTS`], oldest first; waits for the server's batch to land
/// (PocketBase writes 3 s after its last entry).
async fn logged(t: &Target) -> Vec<Value> {
    let path = format!(
        "/api/logs?perPage=50&sort=created&filter={}",
        enc("message ~ 'difflog'")
    );
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let r = t.get(&path, Role::Superuser).await;
        assert_eq!(r.status, 200, "{}: {}", t.name, r.body);
        let items = r.body["items"].as_array().cloned().unwrap_or_default();
        if items.len() >= REQUESTS.len() || Instant::now() > deadline {
            return items;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logs_and_crons_match_pocketbase() {
    let (cairn_server, pocketbase) = tokio::join!(
        common::TestServer::start(),
        pb::PocketBase::start(common::SU_EMAIL, common::SU_PASSWORD)
    );
    let mut cairn = Target::new("cairn", cairn_server.base.clone());
    cairn.su_token = cairn_server.token.clone();
    let mut pbt = Target::new("pocketbase", pocketbase.base.clone());
    pbt.su_token = pbt
        .login("_superusers", common::SU_EMAIL, common::SU_PASSWORD)
        .await;

    for (path, role) in REQUESTS {
        let (a, b) = tokio::join!(pbt.get(path, role), cairn.get(path, role));
        assert_eq!(a.status, b.status, "{path}: {} vs {}", a.body, b.body);
    }
    let (pb_logs, cairn_logs) = tokio::join!(logged(&pbt), logged(&cairn));
    assert_eq!(pb_logs.len(), REQUESTS.len(), "{pb_logs:#?}");
    let want: Vec<Value> = pb_logs.iter().map(comparable).collect();
    let got: Vec<Value> = cairn_logs.iter().map(comparable).collect();
    for (g, w) in got.iter().zip(&want) {
        assert_eq!(g, w, "log entries differ (left: Cairn, right: PocketBase)");
    }

    // One entry by id; a missing one; a bad filter; a guest.
    let id = cairn_logs[0]["id"].as_str().expect("id");
    let one = cairn.get(&format!("/api/logs/{id}"), Role::Superuser).await;
    assert_eq!(one.status, 200);
    assert_eq!(one.body, cairn_logs[0]);
    for (path, role) in [
        ("/api/logs/nosuchentry0001", Role::Superuser),
        ("/api/logs?filter=difflog((", Role::Superuser),
        ("/api/logs?filter=nosuchfield%3D1", Role::Superuser),
        ("/api/logs/stats?filter=difflog((", Role::Superuser),
        ("/api/logs", Role::Guest),
        ("/api/logs/stats", Role::Guest),
    ] {
        let (a, b) = tokio::join!(pbt.get(path, role), cairn.get(path, role));
        assert_eq!((a.status, &a.body), (b.status, &b.body), "{path}");
    }

    // Stats: hourly buckets of the same shape and, for this test's entries, the same counts.
    let stats = format!(
        "/api/logs/stats?filter={}",
        enc("message ~ 'difflog' && data.status >= 400")
    );
    let (a, b) = tokio::join!(
        pbt.get(&stats, Role::Superuser),
        cairn.get(&stats, Role::Superuser)
    );
    assert_eq!(a.status, 200, "{}", a.body);
    let totals = |v: &Value| -> Vec<i64> {
        v.as_array()
            .into_iter()
            .flatten()
            .map(|i| i["total"].as_i64().unwrap_or(-1))
            .collect()
    };
    assert_eq!(totals(&b.body), totals(&a.body), "{} vs {}", b.body, a.body);
    assert_eq!(totals(&a.body).iter().sum::<i64>(), 2);
    let date = b.body[0]["date"].as_str().unwrap_or_default();
    assert!(date.ends_with(":00:00.000Z"), "{date}");

    let (a, b) = tokio::join!(
        pbt.get("/api/crons", Role::Superuser),
        cairn.get("/api/crons", Role::Superuser)
    );
    assert_eq!(b.body, a.body, "crons");

    drop(pocketbase);
    cairn_server.stop().await;
}
