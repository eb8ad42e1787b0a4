//! Shared test support: a real Cairn server with GTM Wizard's schema, and a fake LLM provider.

#![allow(dead_code)]

pub mod app_process;
pub mod cairn_server;
pub mod fake_llm;
