//! The `GOOGLE_*_URL` rule (CONTRACT.md, configuration): `https://`
//! anywhere, `http://` only on a loopback host, since the token request
//! carries the client secret and the answers carry the user's identity. The
//! overrides exist for a stand-in on this machine, nothing else.

use super::Problem;
use oauth2::url::{Host, Url};
use std::net::Ipv6Addr;

/// Whether `raw` (already trimmed) may be used as a Google endpoint.
/// The host is judged as the URL parser normalizes it (`LOCALHOST`,
/// `127.1`, `0x7f000001`, `[0::1]` are loopback; `localhost.`,
/// `127.0.0.1.example`, `[::ffff:127.0.0.1]` are not). With idna's stub
/// adapter (Cargo.toml) a non-ASCII host does not parse, so it is refused.
pub fn check(raw: &str) -> Result<(), Problem> {
    // The parser drops tabs and newlines anywhere and spaces or controls at
    // the ends; the value is used as written, so it must not hold any, or
    // what is checked would differ from what is fetched.
    if raw.is_empty() || raw.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Problem::NotAnHttpUrl);
    }
    let url = Url::parse(raw).map_err(|_| Problem::NotAnHttpUrl)?;
    let host = url.host().ok_or(Problem::NotAnHttpUrl)?;
    match url.scheme() {
        "https" => Ok(()),
        "http" if is_loopback(&host) => Ok(()),
        "http" => Err(Problem::NotHttpsOrLoopback),
        _ => Err(Problem::NotAnHttpUrl),
    }
}

fn is_loopback(host: &Host<&str>) -> bool {
    match host {
        Host::Domain(name) => *name == "localhost",
        Host::Ipv4(v4) => v4.octets()[0] == 127,
        Host::Ipv6(v6) => *v6 == Ipv6Addr::LOCALHOST,
    }
}

#[cfg(test)]
mod tests;
