//! Properties of the signer: `sign` then `unsign` gives back the payload
//! and timestamp under any secret (current or fallback, any clock within the
//! rules); a keyring without the secret refuses it; a Flask-format token made
//! by an independent signer comes back through `unsign_flask`; and changing
//! any one character of a token makes it fail (one token, one spelling).

#![no_main]

use edge_login::token::{Keyring, TokenError, Unsigned};
use edge_login_fuzz::{b64, expected_age, sign_sha1, sign_sha256, ts_segment};
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
struct Input {
    payload: Vec<u8>,
    flask_payload: String,
    ts: u64,
    /// How far `now` is from `ts`, either way.
    skew: i32,
    max_age: u64,
    secret: String,
    other: String,
    /// Position and replacement of one character of the token.
    at: u16,
    with: u8,
}

fuzz_target!(|input: Input| {
    let secret = input.secret.as_str();
    // A different secret, whatever the fuzzer picked.
    let other = if input.other == secret {
        format!("{secret}!")
    } else {
        input.other.clone()
    };
    let ts = input.ts;
    let now = ts.saturating_add_signed(i64::from(input.skew));
    let max_age = input.max_age;
    let want = |payload: &[u8]| {
        expected_age(ts, max_age, now).map(|()| Unsigned {
            payload: payload.to_vec(),
            timestamp: ts,
        })
    };

    let signer = Keyring::new(secret, &[]);
    let token = signer.sign(&input.payload, ts);
    // The very bytes an independent itsdangerous signer writes.
    let by_hand = sign_sha256(
        "itsdangerous",
        secret,
        &format!("{}.{}", b64(&input.payload), ts_segment(ts)),
    );
    assert_eq!(token, by_hand);

    assert_eq!(signer.unsign(&token, max_age, now), want(&input.payload));
    assert_eq!(
        Keyring::new(&other, &[secret]).unsign(&token, max_age, now),
        want(&input.payload),
        "a fallback key verifies"
    );
    assert_eq!(
        Keyring::new(&other, &[]).unsign(&token, max_age, now),
        Err(TokenError::BadSignature)
    );
    assert_eq!(
        signer.unsign_flask(&token, max_age, now),
        Err(TokenError::BadSignature),
        "a SHA-256 token is no Flask token"
    );

    let flask = sign_sha1(
        "itsdangerous",
        secret,
        &format!("{}.{}", input.flask_payload, ts_segment(ts)),
    );
    assert_eq!(
        Keyring::new(&other, &[secret]).unsign_flask(&flask, max_age, now),
        want(input.flask_payload.as_bytes())
    );
    assert_eq!(
        signer.unsign(&flask, max_age, now),
        Err(TokenError::BadSignature),
        "a Flask token is no new-format token"
    );

    // One character changed, anywhere: refused. (ASCII in, ASCII out, so
    // the result stays a str.)
    for (t, flask_format) in [(&token, false), (&flask, true)] {
        let bytes = t.as_bytes();
        let i = usize::from(input.at) % bytes.len();
        let replacement = b' ' + input.with % 95; // printable ASCII
        if !bytes[i].is_ascii() || bytes[i] == replacement {
            continue;
        }
        let mut changed = bytes.to_vec();
        changed[i] = replacement;
        let changed = String::from_utf8(changed).expect("ASCII for ASCII");
        // A generous clock, so that only the signature can refuse it.
        let got = if flask_format {
            signer.unsign_flask(&changed, u64::MAX, ts)
        } else {
            signer.unsign(&changed, u64::MAX, ts)
        };
        assert_eq!(got, Err(TokenError::BadSignature), "{t:?} -> {changed:?}");
    }
});
