#![allow(dead_code)]
//! Shared helpers for integration tests.
//!
//! Every test binary that says `mod common;` compiles this whole module but
//! uses only part of it, hence `allow(dead_code)`.
//!
//! * [`server`]: a std-only loopback HTTP/1.1 server ([`server::TestServer`],
//!   [`server::Site`]) that can misbehave on purpose (delays, hangs, huge
//!   streamed bodies, trickled bodies, lying `Content-Length`, raw garbage,
//!   gzip bombs).

pub mod dns;
pub mod server;
