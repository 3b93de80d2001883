//! The app's backend (CONTRACT.md "The app's backend"), as plain Rust: the
//! identity assertion the backend receives (`assertion`: its JWS header and
//! claims) and the public keys it checks it with (`jwk`: JWKs, RFC 7638
//! thumbprints, the JWKS). The signing itself is the runtime's WebCrypto
//! (the edge), the forwarded headers are `http::forward`. Uses `auth` and
//! `config`.

pub mod assertion;
mod json;
pub mod jwk;

/// Why the app's backend gave no answer; `http::error` makes it `502
/// upstream_error` naming the app's backend, the detail goes to the log.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BackendError {
    #[error("the app's backend is unreachable: {0}")]
    Unreachable(String),
    #[error("the app's backend sent no answer's headers within {0} s")]
    Timeout(u64),
}

/// How long the backend has to send its answer's headers; the body then
/// streams for as long as it takes.
pub const ANSWER_DEADLINE_SECS: u64 = 30;
