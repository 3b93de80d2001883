/// Why the auth layer refuses a request; `http::error` turns it into the
/// contract's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthError {
    /// A bad or malformed token; `presented` tells whether credentials were
    /// there at all (RFC 6750 §3 answers a bare challenge when they weren't).
    InvalidToken {
        presented: bool,
    },
    TokenExpired,
    /// The sign-in cookie is missing, expired or holds another state; the
    /// sentence says which.
    InvalidState(&'static str),
    RedirectUriNotAllowed,
    /// The account policy refused the account; the sentence says why.
    AccessDenied(&'static str),
    /// The token's session is not live in the store: signed out, ended
    /// from another session, or never created by `/login`.
    SessionEnded,
    /// A session id that is not one of the user's live sessions.
    SessionNotFound,
}
