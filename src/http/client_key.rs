//! The key `LOGIN_LIMITER` counts a client under (CONTRACT.md "Hardening"):
//! an IPv4 client by its address, an IPv6 client by its /64, whatever the
//! notation, since one customer gets a whole /64 and could otherwise walk
//! through 2^64 budgets; an IPv4-mapped IPv6 address as the IPv4 address.

use oauth2::url::Host;
use std::net::{Ipv4Addr, Ipv6Addr};

/// The key of a request without a readable client address. They all share
/// one budget: it is not an address, so no client can be counted under it
/// apart from those.
pub const UNKNOWN_CLIENT: &str = "unknown";

/// What a client is counted under; `client_ip` is `CF-Connecting-IP`.
pub fn rate_limit_key(client_ip: Option<&str>) -> String {
    match client_ip.and_then(parse) {
        Some(Client::V4(v4)) => v4.to_string(),
        Some(Client::V6Net(net)) => {
            // The URL parser's IPv6 writer (already in the Worker for its
            // URLs) gives the same canonical text as std's, without std's.
            let bracketed = Host::<&str>::Ipv6(net).to_string();
            format!(
                "{}/64",
                bracketed.trim_start_matches('[').trim_end_matches(']')
            )
        }
        None => UNKNOWN_CLIENT.to_string(),
    }
}

enum Client {
    V4(Ipv4Addr),
    /// The address with its interface identifier (low 64 bits) zeroed.
    V6Net(Ipv6Addr),
}

fn parse(raw: &str) -> Option<Client> {
    let raw = raw.trim_matches([' ', '\t']);
    // `[2001:db8::1]` as in a URL's host.
    let raw = raw
        .strip_prefix('[')
        .and_then(|r| r.strip_suffix(']'))
        .unwrap_or(raw);
    if !raw.contains(':') {
        // Strict dotted quads only: the URL parser's IPv4 rules take
        // shorthands such as `127.1`, which are no client's address.
        return raw.parse::<Ipv4Addr>().ok().map(Client::V4);
    }
    // The URL parser's IPv6 reader (RFC 4291 text, no zone identifiers),
    // already in the Worker for its URLs.
    let Ok(Host::Ipv6(v6)) = Host::parse(&format!("[{raw}]")) else {
        return None;
    };
    Some(match v6.to_ipv4_mapped() {
        Some(v4) => Client::V4(v4),
        None => Client::V6Net(Ipv6Addr::from_bits(v6.to_bits() & !u128::from(u64::MAX))),
    })
}

#[cfg(test)]
mod tests;
