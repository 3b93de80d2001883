//! The session store's own error: every way of not getting an answer.
//! All of them are `503 store_unavailable` to the client (http/error.rs):
//! never a success and never `session_ended`.

/// The detail strings are for the log only.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// The binding could not be called (no stub, the call threw).
    #[error("session store unreachable: {0}")]
    Unavailable(String),
    /// No answer within `STORE_TIMEOUT_SECS`.
    #[error("session store did not answer within {} s", super::STORE_TIMEOUT_SECS)]
    Timeout,
    /// An answer that is not the protocol, or not the answer to this request.
    #[error("session store answered out of protocol: {0}")]
    BadAnswer(String),
    /// The object's storage failed.
    #[error("session store storage failed: {0}")]
    Storage(String),
}
