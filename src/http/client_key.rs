//! The key `LOGIN_LIMITER` counts a client under (CONTRACT.md "Hardening"):
//! an IPv4 client by its address, an IPv6 client by its /64, whatever the
//! notation, since one customer gets a whole /64 and could otherwise walk
//! through 2^64 budgets; an IPv4-mapped IPv6 address as the IPv4 address.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// The key of a request without a readable client address. They all share
/// one budget: it is not an address, so no client can be counted under it
/// apart from those.
pub const UNKNOWN_CLIENT: &str = "unknown";

/// What a client is counted under; `client_ip` is `CF-Connecting-IP`.
pub fn rate_limit_key(client_ip: Option<&str>) -> String {
    match client_ip.and_then(parse) {
        Some(Client::V4(v4)) => v4.to_string(),
        Some(Client::V6Net(net)) => format!("{net}/64"),
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
    match raw.parse::<IpAddr>().ok()? {
        IpAddr::V4(v4) => Some(Client::V4(v4)),
        IpAddr::V6(v6) => Some(match v6.to_ipv4_mapped() {
            Some(v4) => Client::V4(v4),
            None => Client::V6Net(Ipv6Addr::from_bits(v6.to_bits() & !u128::from(u64::MAX))),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(ip: &str) -> String {
        rate_limit_key(Some(ip))
    }

    #[test]
    fn ipv4_client_is_keyed_by_its_address() {
        assert_eq!(key("203.0.113.7"), "203.0.113.7");
    }

    #[test]
    fn ipv4_neighbours_have_their_own_keys() {
        assert_ne!(key("203.0.113.7"), key("203.0.113.8"));
    }

    #[test]
    fn ipv6_addresses_of_one_64_share_a_key() {
        assert_eq!(
            key("2001:db8:1:2::1"),
            key("2001:db8:1:2:ffff:ffff:ffff:ffff")
        );
        assert_eq!(key("2001:db8:1:2::1"), "2001:db8:1:2::/64");
    }

    #[test]
    fn ipv6_addresses_of_other_64s_have_their_own_keys() {
        assert_ne!(key("2001:db8:1:2::1"), key("2001:db8:1:3::1"));
        // The last bit of the prefix counts.
        assert_ne!(key("2001:db8:0:0::1"), key("2001:db8:0:1::1"));
        // And the first.
        assert_ne!(key("2001:db8::1"), key("a001:db8::1"));
    }

    #[test]
    fn ipv6_notation_does_not_matter() {
        let same = [
            "2001:db8:0:0:1:2:3:4",
            "2001:0db8:0000:0000:0001:0002:0003:0004",
            "2001:DB8::1:2:3:4",
            "2001:db8::5",
            "2001:db8:0:0:ffff:ffff:1.2.3.4",
            "[2001:db8::6]",
        ];
        for ip in same {
            assert_eq!(key(ip), "2001:db8::/64", "{ip}");
        }
    }

    #[test]
    fn ipv4_mapped_ipv6_is_the_ipv4_address() {
        assert_eq!(key("::ffff:203.0.113.7"), "203.0.113.7");
        assert_eq!(key("::FFFF:cb00:7107"), "203.0.113.7");
        assert_eq!(key("0:0:0:0:0:ffff:203.0.113.7"), "203.0.113.7");
        // Mapped neighbours are not one /64 (they all share ::/64).
        assert_ne!(key("::ffff:203.0.113.7"), key("::ffff:203.0.113.8"));
    }

    #[test]
    fn ipv4_compatible_ipv6_is_not_mapped() {
        // The deprecated `::a.b.c.d` form is an IPv6 address of ::/64.
        assert_eq!(key("::203.0.113.7"), "::/64");
    }

    #[test]
    fn unparsable_addresses_share_a_fixed_key() {
        for ip in [
            "",
            "garbage",
            "203.0.113",
            "203.0.113.7.1",
            "2001:db8::1::2",
            "01.2.3.4",
            "fe80::1%eth0",
        ] {
            assert_eq!(key(ip), UNKNOWN_CLIENT, "{ip}");
        }
        assert_eq!(rate_limit_key(None), UNKNOWN_CLIENT);
    }

    #[test]
    fn no_address_is_keyed_like_the_unknown_client() {
        for ip in ["0.0.0.0", "::", "::ffff:0.0.0.0"] {
            assert_ne!(key(ip), UNKNOWN_CLIENT, "{ip}");
        }
    }
}
