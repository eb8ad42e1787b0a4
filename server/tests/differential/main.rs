//! Differential test against the real PocketBase 0.40.6: the same collections and records are
//! seeded into Cairn and into a PocketBase child process (`POCKETBASE_BIN`, downloaded by
//! `scripts/test.sh`), then several hundred filter/sort/paging/expand/fields queries run against
//! both as guest, as a regular user and as superuser. Status codes must match; lists must return
//! the same ids in the same order with the same paging numbers; expand/fields responses must be
//! the same JSON (timestamps and tokens masked); errors must carry the same `data`.
//! Every mismatch is collected and reported at the end.

#[path = "../common/mod.rs"]
mod common;

mod client;
mod compare;
mod pb;
mod queries;
mod seed;

use std::time::Instant;

use client::{Reply, Target};
use compare::{Verdict, compare};

/// The acceptance floor for the number of distinct queries.
const MIN_QUERIES: usize = 300;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn cairn_matches_pocketbase() {
    let started = Instant::now();
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

    let today = seed::today_noon();
    tokio::join!(seed::seed(&mut pbt, &today), seed::seed(&mut cairn, &today));
    let seeded = started.elapsed();

    let queries = queries::all();
    // NOTE: DIFF_DUMP=<substring> prints both replies of every matching query (for debugging).
    let dump = std::env::var("DIFF_DUMP").ok().filter(|d| !d.is_empty());
    let mut statuses = std::collections::BTreeMap::<u16, usize>::new();
    let mut non_empty_lists = 0usize;
    let mut runs = 0usize;
    let mut mismatches = Vec::new();
    let mut notes = Vec::new();
    for q in &queries {
        for &role in q.roles {
            let (a, b): (Reply, Reply) = tokio::join!(
                pbt.send(q.method.clone(), &q.path, q.body.as_ref(), role),
                cairn.send(q.method.clone(), &q.path, q.body.as_ref(), role)
            );
            runs += 1;
            *statuses.entry(a.status).or_default() += 1;
            if a.body["items"].as_array().is_some_and(|i| !i.is_empty()) {
                non_empty_lists += 1;
            }
            let Verdict { mismatch, note } = compare(q.kind, &a, &b);
            let head = format!("[{}] {} {}", role.label(), q.method, decode(&q.path));
            if dump.as_ref().is_some_and(|d| head.contains(d.as_str())) {
                println!(
                    "{head}\n  pocketbase {}: {}\n  cairn      {}: {}",
                    a.status, a.body, b.status, b.body
                );
            }
            if let Some(m) = mismatch {
                mismatches.push(format!("{head}\n      {m}"));
            }
            if let Some(n) = note {
                notes.push(format!("{head}\n      {n}"));
            }
        }
    }

    println!(
        "differential: {} queries, {} runs (query × role), {} mismatches, {} message-only differences; \
         PocketBase statuses {statuses:?}, {non_empty_lists} non-empty lists; seeding {:.1?}, total {:.1?}",
        queries.len(),
        runs,
        mismatches.len(),
        notes.len(),
        seeded,
        started.elapsed()
    );
    if !notes.is_empty() {
        println!(
            "\nerror messages that differ (same status and data; not a failure):\n  {}",
            notes.join("\n  ")
        );
    }
    drop(pocketbase);
    cairn_server.stop().await;

    assert!(
        queries.len() >= MIN_QUERIES,
        "only {} distinct queries (need ≥ {MIN_QUERIES})",
        queries.len()
    );
    assert!(
        mismatches.is_empty(),
        "{} of {runs} runs ({} distinct queries) differ between PocketBase 0.40.6 and Cairn:\n\n  {}\n",
        mismatches.len(),
        queries.len(),
        mismatches.join("\n  ")
    );
}

/// The path with its query string percent-decoded, for readable reports.
fn decode(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(&path[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
