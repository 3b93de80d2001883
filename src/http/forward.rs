//! The request the app's backend receives and what its answer gets
//! (CONTRACT.md "The app's backend"): every header as the client sent it
//! but the credentials, the `/auth/start` cookie, hop-by-hop headers and
//! any header the Worker sets itself; then the Worker's own.

use super::{cookie, RequestHead, SECURITY_HEADERS};
use crate::auth::signin::COOKIE_NAME;

/// RFC 9110 §7.6.1: meaningful for one connection only, never forwarded;
/// `Connection` may name more.
const HOP_BY_HOP: [&str; 8] = [
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
];

pub const ASSERTION_HEADER: &str = "Edge-Login-Assertion";

/// Who the Worker vouches for.
#[derive(Debug, Clone, Copy)]
pub struct Identity<'a> {
    /// The store's user id (`X-Auth-Request-User`).
    pub user: &'a str,
    pub email: Option<&'a str>,
    /// The signed `Edge-Login-Assertion`, when a key is set.
    pub assertion: Option<&'a str>,
}

/// The headers the Worker itself sets on a forwarded request: a client's
/// own are dropped, never passed on.
fn set_by_worker(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.starts_with("x-auth-request-")
        || lower == "edge-login-assertion"
        || lower == "x-forwarded-host"
        || lower == "x-forwarded-proto"
        || lower == "x-forwarded-for"
}

/// The headers of the forwarded request, from the client's (`incoming`, as
/// the runtime lists them: names lower-case, one entry per name).
pub fn request_headers(
    incoming: &[(String, String)],
    head: &RequestHead,
    who: Identity<'_>,
) -> Vec<(String, String)> {
    let connection_listed: Vec<String> = incoming
        .iter()
        .filter(|(name, _)| name.eq_ignore_ascii_case("connection"))
        .flat_map(|(_, value)| value.split(','))
        .map(|token| token.trim().to_ascii_lowercase())
        .filter(|token| !token.is_empty())
        .collect();
    let mut out: Vec<(String, String)> = Vec::with_capacity(incoming.len() + 6);
    for (name, value) in incoming {
        let lower = name.to_ascii_lowercase();
        if lower == "authorization"
            || lower == "host"
            || HOP_BY_HOP.contains(&lower.as_str())
            || connection_listed.contains(&lower)
            || set_by_worker(&lower)
        {
            continue;
        }
        if lower == "cookie" {
            if let Some(kept) = without_signin_cookie(value) {
                out.push((name.clone(), kept));
            }
            continue;
        }
        out.push((name.clone(), value.clone()));
    }
    out.push(("X-Auth-Request-User".into(), who.user.into()));
    if let Some(email) = who.email {
        out.push(("X-Auth-Request-Email".into(), email.into()));
    }
    if let Some(assertion) = who.assertion {
        out.push((ASSERTION_HEADER.into(), assertion.into()));
    }
    let (scheme, host) = head.origin.split_once("://").unwrap_or(("https", ""));
    out.push(("X-Forwarded-Host".into(), host.into()));
    out.push(("X-Forwarded-Proto".into(), scheme.into()));
    if let Some(ip) = &head.client_ip {
        out.push(("X-Forwarded-For".into(), ip.clone()));
    }
    out
}

/// `Cookie` without the `/auth/start` cookie (the other pairs as sent);
/// `None` when nothing is left.
fn without_signin_cookie(header: &str) -> Option<String> {
    let kept: Vec<String> = cookie::pairs(header)
        .filter(|(name, _)| name.as_bytes() != COOKIE_NAME.as_bytes())
        .map(|(name, value)| format!("{name}={value}"))
        .collect();
    (!kept.is_empty()).then(|| kept.join("; "))
}

/// The contract's security headers the backend's answer lacks (`has` tells
/// whether it has a header, by name, case-insensitively): they are added,
/// the backend's own kept.
pub fn missing_security_headers(has: impl Fn(&str) -> bool) -> Vec<(String, String)> {
    SECURITY_HEADERS
        .iter()
        .filter(|(name, _)| !has(name))
        .map(|(name, value)| (name.to_string(), value.to_string()))
        .collect()
}

/// The backend's URL for this request: `BACKEND_URL` without its trailing
/// `/`, then the request's path and query.
pub fn target_url(base: &str, path: &str, query: &str) -> String {
    format!("{}{path}{query}", base.trim_end_matches('/'))
}

#[cfg(test)]
mod tests;
