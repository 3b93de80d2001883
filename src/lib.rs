//! edge-login: "Sign in with Google" for an SPA, as a Cloudflare Worker.
//!
//! The layers, each in its folder (docs/ARCHITECTURE.md draws them):
//! `token` (itsdangerous signing), `config` (bindings), `http` (plain
//! request/response types, body checks, the one error → HTTP mapping),
//! `auth` (session tokens, the sign-in cookie, account policy, redirect rule),
//! `providers` (Google, GitHub, OpenID Connect: code exchange, id_token,
//! userinfo), `backend` (the identity assertion and JWKS for the app's
//! backend), `routes` (the
//! route table and its handlers). All of them are plain Rust, unit-tested on
//! the host; `edge` is the only code that touches the Workers runtime.

pub mod auth;
pub mod backend;
pub mod config;
pub mod http;
pub mod json_object;
pub mod providers;
pub mod routes;
pub mod store;
pub mod token;

#[cfg(any(test, feature = "testkit"))]
pub mod testkit;

#[cfg(target_arch = "wasm32")]
mod edge;
