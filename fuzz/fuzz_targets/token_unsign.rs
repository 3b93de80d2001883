//! Arbitrary strings as tokens, through every function that reads one:
//! `Keyring::unsign`, `Keyring::unsign_flask`, the session checks behind
//! `/reauth` (Flask migration on) and `/api/me`, and the sign-in cookie
//! check. Nothing may panic, and a string nobody signed must never pass.

#![no_main]

use edge_login::auth::session::{self, Lifetimes};
use edge_login::auth::signin;
use edge_login::config::SIGNIN_SALT;
use edge_login::providers::Kind;
use edge_login::token::{Keyring, TokenError};
use edge_login_fuzz::{CURRENT, FALLBACKS};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

const NOW: u64 = 1_700_000_000;
const DAY: u64 = 86_400;

fn rings() -> &'static (Keyring, Keyring) {
    static RINGS: OnceLock<(Keyring, Keyring)> = OnceLock::new();
    RINGS.get_or_init(|| {
        (
            Keyring::new(CURRENT, &FALLBACKS),
            Keyring::with_salt(SIGNIN_SALT, CURRENT, &[]),
        )
    })
}

fuzz_target!(|data: &[u8]| {
    let (ring, signin_ring) = rings();
    // Request bodies are JSON, so a token is always a str; lossy keeps the
    // non-UTF-8 inputs useful instead of dropping them.
    let token = String::from_utf8_lossy(data);
    for (max_age, now) in [(DAY, NOW), (u64::MAX, u64::MAX), (0, 0), (u64::MAX, 0)] {
        // Without the key, the MAC cannot hold: BadSignature, whatever the clock.
        assert_eq!(
            ring.unsign(&token, max_age, now),
            Err(TokenError::BadSignature)
        );
        assert_eq!(
            ring.unsign_flask(&token, max_age, now),
            Err(TokenError::BadSignature)
        );
    }
    let limits = Lifetimes {
        max_token_age: DAY,
        max_session_age: 30 * DAY,
    };
    assert!(session::reauth(ring, &token, limits, NOW, true, || None).is_err());
    assert!(session::verify(ring, &token, limits, NOW).is_err());
    assert!(signin::check(signin_ring, Some(&token), Some(&token), Kind::Google, NOW).is_err());
});
