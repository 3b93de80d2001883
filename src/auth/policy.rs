//! Which accounts may sign in (CONTRACT.md "Account policy", and
//! "Providers" for GitHub and OpenID Connect).

use crate::auth::AuthError;
use crate::providers::{Claims, Kind};

/// Google: a verified email is always required; when allow-lists are set
/// the account must match one: its Workspace domain (`hd`, which Google
/// vouches for), its email's domain, or its exact address. GitHub: its
/// primary verified email is required (the claims have none otherwise),
/// then the allow-lists. OpenID Connect: any account the provider
/// authenticates, unless allow-lists are set: then its email counts only
/// when `email_verified` is true. `hd` is Google's alone.
pub fn check_account(
    kind: Kind,
    claims: &Claims,
    domains: &[String],
    emails: &[String],
) -> Result<(), AuthError> {
    match kind {
        Kind::Google if !claims.email_verified => Err(AuthError::AccessDenied(
            "This Google account's email address is not verified, so it cannot sign in here.",
        )),
        Kind::Google => check_allow_lists(
            claims.email.as_deref(),
            claims.hd.as_deref(),
            domains,
            emails,
        ),
        Kind::GitHub if !claims.email_verified => Err(AuthError::AccessDenied(
            "This GitHub account has no primary email address that GitHub has verified, so it cannot sign in here.",
        )),
        Kind::GitHub | Kind::Oidc => check_allow_lists(
            claims.email.as_deref().filter(|_| claims.email_verified),
            None,
            domains,
            emails,
        ),
    }
}

/// The allow-lists alone: at sign-in on the id_token's claims, and again on
/// every use of a token on its `user_info` (CONTRACT.md "Account policy" §),
/// so that someone taken off a list is refused at their next request.
pub fn check_allow_lists(
    email: Option<&str>,
    hd: Option<&str>,
    domains: &[String],
    emails: &[String],
) -> Result<(), AuthError> {
    if domains.is_empty() && emails.is_empty() {
        return Ok(());
    }
    // ASCII case only: Unicode lowercasing maps the Kelvin sign (U+212A)
    // to `k`, so a non-ASCII address could pass for a listed ASCII one.
    let email = email.map(str::to_ascii_lowercase);
    let hd_ok = hd.is_some_and(|hd| domains.iter().any(|d| d.eq_ignore_ascii_case(hd)));
    let email_domain_ok = email
        .as_deref()
        .and_then(|e| e.rsplit_once('@'))
        .is_some_and(|(_, domain)| domains.iter().any(|d| d == domain));
    let email_ok = email
        .as_deref()
        .is_some_and(|e| emails.iter().any(|allowed| allowed == e));
    if hd_ok || email_domain_ok || email_ok {
        Ok(())
    } else {
        Err(AuthError::AccessDenied(
            "This account is not allowed to sign in here.",
        ))
    }
}

/// The part of an address that may go in a log line.
pub fn email_domain(claims: &Claims) -> Option<String> {
    claims
        .email
        .as_deref()
        .and_then(|e| e.rsplit_once('@'))
        .map(|(_, d)| d.to_ascii_lowercase())
}

#[cfg(test)]
mod tests;
