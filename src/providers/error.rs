/// Why a sign-in with the provider failed; `http::error` turns it into the
/// contract's answer. The `String`s are for the log only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProviderError {
    /// The provider refused the code (`invalid_grant`).
    InvalidGrant,
    /// The provider answered `redirect_uri_mismatch`: the URI is not
    /// registered with the OAuth client.
    RedirectUriNotRegistered,
    /// The redirect URI, already allowed by the redirect rule, does not
    /// parse as a URL.
    BadRedirectUri,
    /// The provider refused our client credentials.
    ClientRejected(String),
    /// A configured provider URL (the binding named) does not parse.
    BadEndpoint(&'static str),
    /// Unreachable, too slow, or an answer that is not what OAuth 2.0 /
    /// OpenID Connect promise.
    Upstream(String),
}
