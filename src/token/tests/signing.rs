use super::*;

#[test]
fn sign_matches_itsdangerous() {
    assert_eq!(ring().sign(PAYLOAD, TS), PY_TOKEN);
}

#[test]
fn accepts_itsdangerous_token() {
    let got = ring().unsign(PY_TOKEN, DAY, TS + 5).unwrap();
    assert_eq!(
        got,
        Unsigned {
            payload: PAYLOAD.to_vec(),
            timestamp: TS
        }
    );
}

#[test]
fn roundtrips_own_token() {
    let r = ring();
    let got = r.unsign(&r.sign(b"{}", TS), DAY, TS).unwrap();
    assert_eq!(
        got,
        Unsigned {
            payload: b"{}".to_vec(),
            timestamp: TS
        }
    );
}

#[test]
fn sign_writes_zero_timestamp_as_empty_segment() {
    let token = ring().sign(b"{}", 0);
    assert!(token.starts_with("e30..")); // itsdangerous' int_to_bytes(0) == b""
    assert_eq!(ring().unsign(&token, 10, 5).unwrap().timestamp, 0);
}

#[test]
fn rejects_tampered_signature() {
    let sig_start = PY_TOKEN.rfind('.').unwrap() + 1;
    let token = flip_char(PY_TOKEN, sig_start + 3);
    assert_eq!(
        ring().unsign(&token, DAY, TS),
        Err(TokenError::BadSignature)
    );
}

#[test]
fn rejects_tampered_payload() {
    let token = flip_char(PY_TOKEN, 10);
    assert_eq!(
        ring().unsign(&token, DAY, TS),
        Err(TokenError::BadSignature)
    );
}

#[test]
fn rejects_tampered_timestamp() {
    let token = PY_TOKEN.replace(".ZVPxAA.", ".ZVPxAB.");
    assert_eq!(
        ring().unsign(&token, DAY, TS),
        Err(TokenError::BadSignature)
    );
}

#[test]
fn rejects_non_canonical_signature() {
    // 43 characters carry 258 bits for a 256-bit tag; itsdangerous ignores
    // the 2 spare bits, so "...TSQ" and "...TSR" both verify in Python.
    let token = PY_TOKEN.strip_suffix('Q').unwrap().to_owned() + "R";
    assert_eq!(
        ring().unsign(&token, DAY, TS),
        Err(TokenError::BadSignature)
    );
}

#[test]
fn rejects_padded_signature() {
    let token = format!("{PY_TOKEN}=");
    assert_eq!(
        ring().unsign(&token, DAY, TS),
        Err(TokenError::BadSignature)
    );
}

#[test]
fn rejects_junk_inside_signature() {
    // Python's base64 decoder silently drops characters like these.
    let at = PY_TOKEN.len() - 5;
    let token = format!("{}!é{}", &PY_TOKEN[..at], &PY_TOKEN[at..]);
    assert_eq!(
        ring().unsign(&token, DAY, TS),
        Err(TokenError::BadSignature)
    );
}

#[test]
fn rejects_standard_base64_alphabet() {
    let token = PY_TOKEN.replace('_', "/").replace('-', "+");
    assert_ne!(token, PY_TOKEN);
    assert_eq!(
        ring().unsign(&token, DAY, TS),
        Err(TokenError::BadSignature)
    );
}

#[test]
fn rejects_future_timestamp() {
    let token = ring().sign(PAYLOAD, TS + FUTURE_LEEWAY_SECS + 1);
    assert_eq!(
        ring().unsign(&token, DAY, TS),
        Err(TokenError::FutureTimestamp)
    );
}

#[test]
fn accepts_timestamp_within_leeway() {
    let token = ring().sign(PAYLOAD, TS + FUTURE_LEEWAY_SECS);
    assert!(ring().unsign(&token, DAY, TS).is_ok());
}

#[test]
fn rejects_expired() {
    let token = ring().sign(PAYLOAD, TS);
    assert_eq!(
        ring().unsign(&token, DAY, TS + DAY + 1),
        Err(TokenError::SignatureExpired { timestamp: TS })
    );
}

#[test]
fn accepts_at_exact_max_age() {
    let token = ring().sign(PAYLOAD, TS);
    assert!(ring().unsign(&token, DAY, TS + DAY).is_ok());
}

#[test]
fn accepts_zero_max_age_at_same_second() {
    let token = ring().sign(PAYLOAD, TS);
    assert!(ring().unsign(&token, 0, TS).is_ok());
}

#[test]
fn checks_signature_before_age() {
    let token = Keyring::new("stranger", &[]).sign(PAYLOAD, 0);
    assert_eq!(
        ring().unsign(&token, DAY, TS),
        Err(TokenError::BadSignature)
    );
}

#[test]
fn survives_extreme_timestamps() {
    let r = ring();
    assert_eq!(
        r.unsign(&r.sign(PAYLOAD, u64::MAX), DAY, TS),
        Err(TokenError::FutureTimestamp)
    );
    assert!(r.unsign(&r.sign(PAYLOAD, u64::MAX), 0, u64::MAX).is_ok());
    assert!(r.unsign(&r.sign(PAYLOAD, 0), u64::MAX, u64::MAX).is_ok());
    assert!(r
        .unsign(&r.sign(PAYLOAD, u64::MAX - 1), 0, u64::MAX)
        .is_err());
}

#[test]
fn accepts_fallback_key() {
    let token = Keyring::new(OLD, &[]).sign(PAYLOAD, TS);
    assert_eq!(ring().unsign(&token, DAY, TS).unwrap().payload, PAYLOAD);
}

#[test]
fn accepts_second_fallback_key_with_non_ascii_secret() {
    let token = Keyring::new(OLDER, &[]).sign(PAYLOAD, TS);
    assert_eq!(ring().unsign(&token, DAY, TS).unwrap().payload, PAYLOAD);
}

#[test]
fn signs_with_current_key_only() {
    let token = ring().sign(PAYLOAD, TS);
    assert!(Keyring::new(SECRET, &[]).unsign(&token, DAY, TS).is_ok());
    assert!(Keyring::new(OLD, &[]).unsign(&token, DAY, TS).is_err());
}

#[test]
fn rejects_unknown_key() {
    let token = Keyring::new("stranger", &[]).sign(PAYLOAD, TS);
    assert_eq!(
        ring().unsign(&token, DAY, TS),
        Err(TokenError::BadSignature)
    );
}

#[test]
fn fallback_expiry_is_reported() {
    let token = Keyring::new(OLD, &[]).sign(PAYLOAD, TS);
    assert_eq!(
        ring().unsign(&token, 10, TS + 11),
        Err(TokenError::SignatureExpired { timestamp: TS })
    );
}
