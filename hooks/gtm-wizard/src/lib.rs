//! GTM Wizard's hook module: the pure parts its hooks, jobs and routes are built from.
//!
//! - [`providers`]: streaming chat clients for OpenAI (and compatible servers), Anthropic and
//!   Ollama, with errors classified as retryable or fatal and never containing the key.
//! - [`pricing`]: the per-model price table and the cost of an answer.
//! - [`analyze`]: campaign metrics against benchmarks, with verdicts and fitting templates.
//! - [`prompt`]: the coach's system prompt and the conversation window sent to a provider.
//! - [`key_hint`]: the `key_hint` shown instead of a key (`sk-…T123`).

pub mod providers;
