//! The key `LOGIN_LIMITER` counts a client under (CONTRACT.md "Hardening"):
//! an IPv4 client by its address, an IPv6 client by its /64, whatever the
//! notation, since one customer gets a whole /64 and could otherwise walk
//! through 2^64 budgets; an IPv4-mapped IPv6 address as the IPv4 address.

use oauth2::url::Host;

/// The key of a request without a readable client address. They all share
/// one budget: it is not an address, so no client can be counted under it
/// apart from those.
pub const UNKNOWN_CLIENT: &str = "unknown";

/// What a client is counted under; `client_ip` is `CF-Connecting-IP`.
pub fn rate_limit_key(client_ip: Option<&str>) -> String {
    // Written out by hand, not with the addresses' `Display` (RFC 5952
    // compression is wasm nobody needs here): `a.b.c.d`, `h:h:h:h::/64`.
    match client_ip.and_then(parse) {
        Some(Client::V4([a, b, c, d])) => format!("{a}.{b}.{c}.{d}"),
        Some(Client::V6Net([a, b, c, d])) => format!("{a:x}:{b:x}:{c:x}:{d:x}::/64"),
        None => UNKNOWN_CLIENT.to_string(),
    }
}

enum Client {
    V4([u8; 4]),
    /// The first four groups: the /64.
    V6Net([u16; 4]),
}

fn parse(raw: &str) -> Option<Client> {
    let raw = raw.trim_matches([' ', '\t']);
    // `[2001:db8::1]` as in a URL's host.
    let raw = raw
        .strip_prefix('[')
        .and_then(|r| r.strip_suffix(']'))
        .unwrap_or(raw);
    if !raw.contains(':') {
        return parse_ipv4(raw).map(Client::V4);
    }
    // The URL parser's IPv6 reader (RFC 4291 text, as WHATWG URL reads it),
    // already in the wasm for the endpoint URLs; `std`'s would add 1.6 KB
    // gzipped to a budget with none to spare (scripts/check-size.sh).
    let Ok(Host::Ipv6(v6)) = Host::parse(&format!("[{raw}]")) else {
        return None;
    };
    Some(match v6.to_ipv4_mapped() {
        Some(v4) => Client::V4(v4.octets()),
        None => {
            let [a, b, c, d, ..] = v6.segments();
            Client::V6Net([a, b, c, d])
        }
    })
}

/// Dotted decimal as `CF-Connecting-IP` writes it, and as `std` reads it:
/// four parts of 1 to 3 digits, at most 255, no leading zero (`010` could
/// be read as octal elsewhere, so it is nobody's address here).
fn parse_ipv4(raw: &str) -> Option<[u8; 4]> {
    let mut octets = [0u8; 4];
    let mut parts = raw.split('.');
    for octet in &mut octets {
        let part = parts.next()?;
        let digits_only = !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
        if !digits_only || part.len() > 3 || (part.len() > 1 && part.starts_with('0')) {
            return None;
        }
        *octet = part.parse().ok()?;
    }
    parts.next().is_none().then_some(octets)
}

#[cfg(test)]
mod tests;
