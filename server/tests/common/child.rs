//! For tests that run the real `cairn` binary as a child process: a guard that kills it even
//! when an assertion fails, and a free loopback port to give it. Included with
//! `#[path = "common/child.rs"] mod child;` (it needs nothing from the in-process harness).

#![allow(dead_code)]

use std::process::Child;

/// Kills and reaps the child on drop.
pub struct Server(pub Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A port nothing listens on right now (the OS picks it).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free loopback port")
}
