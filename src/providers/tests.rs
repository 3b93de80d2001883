//! The providers on the host: each one's exact outgoing requests through
//! `FakeHttp`, its refusals, and the JWS checks against RFC 7515's own
//! examples with a verifier made of RustCrypto crates (dev-dependencies).

pub(crate) mod github;
pub(crate) mod google;
pub(crate) mod jws;
pub(crate) mod oidc;
