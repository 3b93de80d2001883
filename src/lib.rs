//! edge-login: "Sign in with Google" for an SPA, as a Cloudflare Worker.
//!
//! Everything except `edge` is plain Rust so it can be unit-tested on the host.

pub mod token;

#[cfg(target_arch = "wasm32")]
mod edge;
