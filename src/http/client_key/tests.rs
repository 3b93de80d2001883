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
    assert_eq!(key("2001:db8:a:b:c:d:e:f"), "2001:db8:a:b::/64");
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
        assert_eq!(key(ip), "2001:db8:0:0::/64", "{ip}");
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
    assert_eq!(key("::203.0.113.7"), "0:0:0:0::/64");
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
        "203.0.113.256",
        "203.0.113.+7",
        "203..113.7",
        "0x7f.0.0.1",
        "2130706433",
        "[2001:db8::1",
        "2001:db8::g",
        "::ffff:1.2.3.04",
        "1:2:3:4:5:6:7:8:9",
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
