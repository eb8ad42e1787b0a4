//! The fake LLM provider of the tests (`tests/support/fake_llm.rs`) as a standalone process,
//! for benchmarks that drive the real app from outside (`tests/bench/dashboard/run`). Prints
//! `FAKE_LLM_OPENAI_BASE=<url>` once listening, then serves until killed or stdin closes.
//!
//! ```sh
//! cargo run -p gtm-wizard --example fake_llm_serve -- --chunks 20 --delay-ms 60
//! ```

#[path = "../tests/support/fake_llm.rs"]
mod fake_llm;

use std::io::{Read as _, Write as _};
use std::time::Duration;

fn arg(name: &str, default: u64) -> u64 {
    std::env::args()
        .skip_while(|a| a != name)
        .nth(1)
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let llm = fake_llm::FakeLlm::start().await;
    llm.set_chunks(usize::try_from(arg("--chunks", 20)).unwrap_or(20));
    llm.set_delay(Duration::from_millis(arg("--delay-ms", 60)));
    println!("FAKE_LLM_OPENAI_BASE={}", llm.openai_base());
    let _ = std::io::stdout().flush();
    // Until the parent closes our stdin (or kills us).
    let _ = tokio::task::spawn_blocking(|| {
        let mut sink = Vec::new();
        std::io::stdin().read_to_end(&mut sink)
    })
    .await;
}
