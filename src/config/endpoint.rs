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
mod tests {
    use super::*;

    #[test]
    fn accepts_https_on_any_host() {
        for url in [
            "https://oauth2.googleapis.com/token",
            "https://accounts.google.com/o/oauth2/v2/auth",
            "https://203.0.113.7:8443/token",
            "https://[2001:db8::1]/token",
            "https://xn--bcher-kva.example/token",
        ] {
            assert_eq!(check(url), Ok(()), "{url}");
        }
    }

    #[test]
    fn accepts_http_on_loopback() {
        for url in [
            "http://localhost:9400/token",
            "http://LOCALHOST:9400/token",
            "http://127.0.0.1:9400/token",
            "http://127.255.255.254/token",
            "http://127.1:9400/token",
            "http://0x7f000001/token",
            "http://[::1]:9400/token",
            "http://[0:0:0:0:0:0:0:1]/token",
        ] {
            assert_eq!(check(url), Ok(()), "{url}");
        }
    }

    #[test]
    fn rejects_http_on_a_real_host() {
        for url in [
            "http://oauth2.googleapis.com/token",
            "http://203.0.113.7/token",
            "http://128.0.0.1/token",
            "http://126.255.255.255/token",
            "http://[2001:db8::1]/token",
            "http://10.0.0.1/token",
        ] {
            assert_eq!(check(url), Err(Problem::NotHttpsOrLoopback), "{url}");
        }
    }

    #[test]
    fn rejects_http_on_names_that_only_look_like_loopback() {
        for url in [
            "http://localhost./token",
            "http://localhost.example/token",
            "http://sub.localhost/token",
            "http://127.0.0.1.nip.io/token",
            "http://localhost@evil.example/token",
            "http://[::ffff:127.0.0.1]/token",
            "http://0.0.0.0/token",
            "http://[::]/token",
        ] {
            assert_eq!(check(url), Err(Problem::NotHttpsOrLoopback), "{url}");
        }
    }

    #[test]
    fn rejects_what_is_not_an_http_url() {
        for url in [
            "",
            "localhost:9400/token",
            "ftp://localhost/token",
            "file:///etc/passwd",
            "https://",
            "https://bücher.example/token",
            "http://local\thost/token",
            "http://localhost/to ken",
            "javascript:alert(1)",
        ] {
            assert_eq!(check(url), Err(Problem::NotAnHttpUrl), "{url:?}");
        }
        // The parser reads a missing host as the first path segment's.
        assert_eq!(check("http:///token"), Err(Problem::NotHttpsOrLoopback));
    }
}
