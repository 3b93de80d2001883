//! The auth domain: session tokens (`session`), the `/auth/start` sign-in
//! cookie (`signin`), which accounts may sign in (`policy`) and which redirect
//! URI may be sent (`redirect`). Uses `token`, `config` and `json_object`;
//! knows nothing of HTTP.

mod error;
pub mod policy;
pub mod redirect;
pub mod session;
pub mod signin;

pub use error::AuthError;
