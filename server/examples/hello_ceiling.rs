//! The HTTP ceiling for benchmarks: a bare actix-web route returning a small JSON body, with
//! the same worker count as `cairn serve`. Cairn's record reads are measured against it.
//!
//! ```sh
//! cargo run --release -p cairn --example hello_ceiling -- 127.0.0.1:8099
//! ```

use actix_web::{App, HttpResponse, HttpServer, web};

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8099".to_string());
    HttpServer::new(|| {
        App::new().route(
            "/hello",
            web::get().to(|| async {
                HttpResponse::Ok()
                    .content_type("application/json")
                    .body(r#"{"collectionId":"pbc_1125843985","collectionName":"posts","id":"abcdefghijklmno","title":"hello"}"#)
            }),
        )
    })
    .bind(addr)?
    .run()
    .await
}
