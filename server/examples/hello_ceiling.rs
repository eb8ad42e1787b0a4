//! The HTTP ceiling for benchmarks: a bare actix-web server with the same worker count as
//! `cairn serve`, answering `GET /api/collections/{collection}/records/{id}` (the view route's
//! shape, so the suite drives both with the same wrk script and paths) with a fixed body the
//! size of a benchmark record. Cairn's record reads are measured against it.
//!
//! ```sh
//! cargo run --release -p cairn --example hello_ceiling -- 127.0.0.1:8099
//! ```

use actix_web::{App, HttpResponse, HttpServer, web};

const RECORD: &str = r#"{"author":"8f4m1n3c2v5b6x7","body":"lorem ipsum dolor sit amet lorem ipsum dolor sit amet lorem ipsum dolor sit amet lorem ipsum dolor sit amet ","collectionId":"pbc_1125843985","collectionName":"posts","created":"2026-11-22 03:00:00.000Z","id":"abcdefghijklmno","published":true,"score":919,"title":"post 1","updated":"2026-11-22 03:00:00.000Z"}"#;

async fn record(path: web::Path<(String, String)>) -> HttpResponse {
    let (_collection, _id) = path.into_inner();
    HttpResponse::Ok()
        .content_type("application/json")
        .body(RECORD)
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8099".to_string());
    HttpServer::new(|| {
        App::new().route(
            "/api/collections/{collection}/records/{id}",
            web::get().to(record),
        )
    })
    .bind(addr)?
    .run()
    .await
}
