//! `http::client_key::rate_limit_key`, the `LOGIN_LIMITER` key (CONTRACT.md
//! "Hardening"), by its property: two client addresses, each written in any
//! of the notations an address can take, share a key iff they are the same
//! client, where an IPv4 address (or an IPv4-mapped IPv6 one, `::ffff:a.b.c.d`)
//! is a client of its own and an IPv6 address belongs to the client of its
//! /64. Any other text shares the one key of unknown clients, which no
//! address has. Nothing panics on any input.

#![no_main]

use edge_login::http::client_key::{rate_limit_key, UNKNOWN_CLIENT};
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use std::net::{Ipv4Addr, Ipv6Addr};

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Addr {
    V4(u32),
    V6(u128),
    /// `::ffff:0:0/96` plus the IPv4 address.
    Mapped(u32),
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Notation {
    /// RFC 5952 (std's Display).
    Canonical,
    /// Eight groups of four hex digits.
    Full,
    /// Eight groups without leading zeros.
    Groups,
    Upper,
    /// Six groups and the last 32 bits dotted.
    DottedTail,
    Bracketed,
}

#[derive(Arbitrary, Debug)]
enum Input {
    Two {
        a: Addr,
        a_as: Notation,
        b: Addr,
        b_as: Notation,
        /// Give `b` the /64 (or the IPv4 address) of `a`, so that equal
        /// clients come up as often as different ones.
        b_near_a: bool,
    },
    Raw(String, String),
}

/// Who the contract says the client is.
#[derive(Debug, PartialEq, Eq)]
enum Client {
    V4(u32),
    Net64(u64),
}

fn bits(a: Addr) -> Option<u128> {
    match a {
        Addr::V4(_) => None,
        Addr::V6(v) => Some(v),
        Addr::Mapped(v4) => Some(0xffff_0000_0000 | u128::from(v4)),
    }
}

fn client(a: Addr) -> Client {
    match a {
        Addr::V4(v4) | Addr::Mapped(v4) => Client::V4(v4),
        Addr::V6(v6) if v6 >> 32 == 0xffff => Client::V4(v6 as u32),
        Addr::V6(v6) => Client::Net64((v6 >> 64) as u64),
    }
}

fn write(a: Addr, how: Notation) -> String {
    let Some(v6) = bits(a) else {
        let Addr::V4(v4) = a else { unreachable!() };
        return Ipv4Addr::from(v4).to_string();
    };
    let groups: Vec<u16> = (0..8).rev().map(|i| (v6 >> (16 * i)) as u16).collect();
    let canonical = Ipv6Addr::from(v6).to_string();
    match how {
        Notation::Canonical => canonical,
        Notation::Full => groups
            .iter()
            .map(|g| format!("{g:04x}"))
            .collect::<Vec<_>>()
            .join(":"),
        Notation::Groups => groups
            .iter()
            .map(|g| format!("{g:x}"))
            .collect::<Vec<_>>()
            .join(":"),
        Notation::Upper => canonical.to_uppercase(),
        Notation::DottedTail => {
            let head: Vec<String> = groups[..6].iter().map(|g| format!("{g:x}")).collect();
            format!("{}:{}", head.join(":"), Ipv4Addr::from(v6 as u32))
        }
        Notation::Bracketed => format!("[{canonical}]"),
    }
}

fn near(a: Addr, b: Addr) -> Addr {
    match (a, b) {
        (Addr::V6(a), Addr::V6(b)) => {
            Addr::V6((a & !u128::from(u64::MAX)) | (b & u128::from(u64::MAX)))
        }
        (Addr::V4(a) | Addr::Mapped(a), Addr::Mapped(_)) => Addr::Mapped(a),
        (Addr::V4(a) | Addr::Mapped(a), _) => Addr::V4(a),
        (Addr::V6(a), _) => Addr::V6(a ^ 1),
    }
}

fuzz_target!(|input: Input| match input {
    Input::Two {
        a,
        a_as,
        b,
        b_as,
        b_near_a,
    } => {
        let b = if b_near_a { near(a, b) } else { b };
        let (ta, tb) = (write(a, a_as), write(b, b_as));
        let (ka, kb) = (rate_limit_key(Some(&ta)), rate_limit_key(Some(&tb)));
        assert_ne!(ka, UNKNOWN_CLIENT, "{ta}");
        assert_ne!(kb, UNKNOWN_CLIENT, "{tb}");
        assert_eq!(
            ka == kb,
            client(a) == client(b),
            "{ta} -> {ka}, {tb} -> {kb}"
        );
    }
    Input::Raw(x, y) => {
        let (kx, ky) = (rate_limit_key(Some(&x)), rate_limit_key(Some(&y)));
        // Text that is no address is one unknown client; an address is not.
        if x == y {
            assert_eq!(kx, ky);
        }
        if x.parse::<std::net::IpAddr>().is_ok() {
            assert_ne!(kx, UNKNOWN_CLIENT, "{x:?}");
        }
    }
});
