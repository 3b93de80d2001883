//! The session store's own error: every way of not getting an answer.
//! All of them are `503 store_unavailable` to the client (http/error.rs):
//! never a success and never `session_ended`.

/// The detail strings are for the log only.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// The binding could not be called (no stub, the call threw).
    #[error("session store unreachable: {0}")]
    Unavailable(String),
    /// The runtime refused the call because the object is overloaded
    /// (its error's `overloaded` flag): asking again soon makes it worse.
    #[error("session store overloaded: {0}")]
    Overloaded(String),
    /// No answer within `STORE_TIMEOUT_SECS`.
    #[error("session store did not answer within {} s", super::STORE_TIMEOUT_SECS)]
    Timeout,
    /// An answer that is not the protocol, or not the answer to this request.
    #[error("session store answered out of protocol: {0}")]
    BadAnswer(String),
    /// The object's storage failed.
    #[error("session store storage failed: {0}")]
    Storage(String),
    /// Any of the above on `/login`'s one store call: the code and the
    /// sign-in state are used by then, so the sign-in cannot be retried,
    /// only started again.
    #[error("{0} (during a sign-in)")]
    SignInLost(Box<StoreError>),
}

impl StoreError {
    /// What the stub's call threw: an error the runtime marks `overloaded`
    /// is `Overloaded` (not to be retried soon), any other `Unavailable`.
    pub fn thrown(detail: String, overloaded: bool) -> StoreError {
        if overloaded {
            StoreError::Overloaded(detail)
        } else {
            StoreError::Unavailable(detail)
        }
    }

    /// The same failure, met while finishing a sign-in.
    pub fn during_sign_in(self) -> StoreError {
        match self {
            lost @ StoreError::SignInLost(_) => lost,
            other => StoreError::SignInLost(Box::new(other)),
        }
    }

    pub fn is_overloaded(&self) -> bool {
        match self {
            StoreError::Overloaded(_) => true,
            StoreError::SignInLost(inner) => inner.is_overloaded(),
            _ => false,
        }
    }
}
