use super::*;

const SECRET: &str = "correct horse battery staple";
const OLD: &str = "old-secret";
const OLDER: &str = "ключ-🔑";
const TS: u64 = 1_700_000_000;
const DAY: u64 = 86_400;
const PAYLOAD: &[u8] = br#"{"user_info":{"email":"jane.doe@example.com","name":"Jane"}}"#;

fn ring() -> Keyring {
    Keyring::new(SECRET, &[OLD, OLDER])
}

/// Signs arbitrary segments, to build tokens whose MAC is good but whose
/// insides are not what `sign` would write.
fn sign_segments(secret: &str, signed: &str) -> String {
    let key = Key::derive(DEFAULT_SALT, secret);
    format!(
        "{signed}.{}",
        B64.encode(mac_of(&key.sha256, signed.as_bytes()))
    )
}

fn sign_flask(secret: &str, payload: &str, ts: u64) -> String {
    let key = Key::derive(DEFAULT_SALT, secret);
    let signed = format!(
        "{payload}.{}",
        B64.encode(timestamp_bytes(&ts.to_be_bytes()))
    );
    format!(
        "{signed}.{}",
        B64.encode(mac_of(&key.sha1, signed.as_bytes()))
    )
}

fn ts_segment(ts: u64) -> String {
    B64.encode(timestamp_bytes(&ts.to_be_bytes()))
}

fn compressed_token(secret: &str, raw: &[u8], ts: u64) -> String {
    let deflated = miniz_oxide::deflate::compress_to_vec_zlib(raw, 9);
    sign_segments(
        secret,
        &format!(".{}.{}", B64.encode(deflated), ts_segment(ts)),
    )
}

fn flip_char(s: &str, index: usize) -> String {
    let mut bytes = s.as_bytes().to_vec();
    bytes[index] = if bytes[index] == b'A' { b'B' } else { b'A' };
    String::from_utf8(bytes).unwrap()
}

// Minted by itsdangerous 2.2.0 with a fixed get_timestamp (TS).
const PY_TOKEN: &str = "eyJ1c2VyX2luZm8iOnsiZW1haWwiOiJqYW5lLmRvZUBleGFtcGxlLmNvbSIsIm5hbWUiOiJKYW5lIn19.ZVPxAA.iV7sHfqELjEyYcuFVKUixZK-cKym6nQy_-1dWPyOTSQ";
const PY_FLASK_TOKEN: &str = r#"{"user_info": {"email": "jane.doe@example.com", "name": "Jane"}}.ZVPxAA.g2uz1vuyx1qN_Oz2uLczGP_8Rb0"#;

// Split by topic: signatures, keys and ages; payloads and zlib; salts and
// the Flask format.
mod flask;
mod payload;
mod signing;
