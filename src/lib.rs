//! edge-login: "Sign in with Google" for an SPA, as a Cloudflare Worker.
//!
//! Everything except `edge` is plain Rust, unit-tested on the host; `edge`
//! is the thin layer over the Workers runtime.

pub mod body;
pub mod config;
pub mod error;
pub mod google;
pub mod http;
pub mod policy;
pub mod redirect;
pub mod routes;
pub mod session;
pub mod signin;
pub mod token;

#[cfg(test)]
pub(crate) mod testing;

#[cfg(target_arch = "wasm32")]
mod edge;
