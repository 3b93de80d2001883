//! Tokens whose MAC holds, over segments the fuzzer chooses: what only the
//! holder of a key could send, so that the code behind the signature check
//! (timestamp decoding, the age rules, base64 and zlib payload decoding with
//! its 64 KiB cap, the session payload, sliding renewal and the Flask
//! upgrade) is reached at all. Checks the answers against the contract, not
//! just the absence of panics.

#![no_main]

use edge_login::auth::session::{self, Lifetimes};
use edge_login::http::error::ApiError;
use edge_login::token::{Keyring, TokenError, MAX_INFLATED_PAYLOAD};
use edge_login_fuzz::{
    b64, expected_age, sign_sha1, sign_sha256, ts_segment, CURRENT, FALLBACKS, STRANGER,
};
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Value};
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::OnceLock;

#[derive(Arbitrary, Debug)]
enum Payload {
    /// The payload segment as is (may hold dots, a leading '.', anything).
    Raw(String),
    /// base64url of these bytes: what `sign` writes.
    Plain(Vec<u8>),
    /// '.' + base64url of these bytes, taken as a zlib stream as they are.
    Deflated(Vec<u8>),
    /// '.' + base64url of zlib(these bytes): a good compressed payload.
    Compressed(Vec<u8>),
    /// '.' + base64url of zlib of `len` spaces: up to and over the cap.
    Spaces { len: u16, extra: u8 },
    /// A well-formed session payload, `{"user_info": {...}, "auth_time": ...}`
    /// (base64url, zlib-compressed, or raw JSON for a SHA-1 token), so that
    /// renewal and the Flask upgrade are reached.
    Session {
        user_info: Vec<(String, Json)>,
        auth_time: AuthTime,
        pretty: bool,
        compress: bool,
    },
}

/// Any JSON value.
#[derive(Arbitrary, Debug)]
enum Json {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Arr(Vec<Json>),
    Obj(Vec<(String, Json)>),
}

impl Json {
    fn value(&self, depth: u8) -> Value {
        if depth > 32 {
            return Value::Null;
        }
        match self {
            Json::Null => Value::Null,
            Json::Bool(b) => Value::Bool(*b),
            Json::Int(i) => Value::from(*i),
            Json::Float(f) => Value::from(*f),
            Json::Str(s) => Value::from(s.as_str()),
            Json::Arr(items) => items.iter().map(|j| j.value(depth + 1)).collect(),
            Json::Obj(members) => object(members, depth + 1),
        }
    }
}

fn object(members: &[(String, Json)], depth: u8) -> Value {
    Value::Object(
        members
            .iter()
            .map(|(k, j)| (k.clone(), j.value(depth)))
            .collect::<Map<String, Value>>(),
    )
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum AuthTime {
    Absent,
    Null,
    /// Seconds before the token's timestamp.
    Before(u32),
    At(u64),
}

#[derive(Arbitrary, Debug)]
enum Timestamp {
    Raw(String),
    Bytes(Vec<u8>),
    Int(u64),
    /// `now` minus this many seconds (negative: in the future).
    Ago(i32),
}

#[derive(Arbitrary, Debug)]
struct Input {
    payload: Payload,
    timestamp: Timestamp,
    /// 0: current key, 1 and 2: the fallbacks, else a stranger's.
    key: u8,
    /// Sign with HMAC-SHA1 (the Flask backend) instead of HMAC-SHA256.
    sha1: bool,
    max_age: u64,
    max_session_age: u64,
    now: u64,
}

fn ring() -> &'static Keyring {
    static RING: OnceLock<Keyring> = OnceLock::new();
    RING.get_or_init(|| Keyring::new(CURRENT, &FALLBACKS))
}

/// zlib of `n` spaces, remembered: compressing 64 KiB on every run would
/// cost more than everything else the target does.
fn spaces_zlib(n: usize) -> Vec<u8> {
    thread_local! {
        static CACHE: RefCell<HashMap<usize, Vec<u8>>> = RefCell::new(HashMap::new());
    }
    CACHE.with(|c| {
        c.borrow_mut()
            .entry(n)
            .or_insert_with(|| miniz_oxide::deflate::compress_to_vec_zlib(&vec![b' '; n], 6))
            .clone()
    })
}

fuzz_target!(|input: Input| {
    let ring = ring();
    let (ts_seg, want_ts) = match &input.timestamp {
        Timestamp::Raw(s) => (s.clone(), None),
        Timestamp::Bytes(b) => (b64(b), None),
        Timestamp::Int(t) => (ts_segment(*t), Some(*t)),
        Timestamp::Ago(a) => {
            let t = input.now.saturating_add_signed(-i64::from(*a));
            (ts_segment(t), Some(t))
        }
    };
    // For a session payload: its user_info (compact JSON) and auth_time.
    let mut session_want: Option<(String, Option<u64>)> = None;
    let (segment, want_payload): (String, Option<Vec<u8>>) = match &input.payload {
        Payload::Raw(s) => (s.clone(), None),
        Payload::Plain(bytes) => (b64(bytes), Some(bytes.clone())),
        Payload::Deflated(bytes) => (format!(".{}", b64(bytes)), None),
        Payload::Compressed(bytes) => {
            let z = miniz_oxide::deflate::compress_to_vec_zlib(bytes, 6);
            (format!(".{}", b64(&z)), Some(bytes.clone()))
        }
        Payload::Spaces { len, extra } => {
            let n = MAX_INFLATED_PAYLOAD - 512 + usize::from(*len % 1024) + usize::from(*extra % 2);
            (format!(".{}", b64(&spaces_zlib(n))), Some(vec![b' '; n]))
        }
        Payload::Session {
            user_info,
            auth_time,
            pretty,
            compress,
        } => {
            let user_info = object(user_info, 0);
            let mut payload = Map::new();
            payload.insert("user_info".into(), user_info.clone());
            let at = match (*auth_time, want_ts) {
                (AuthTime::Absent, _) => None,
                (AuthTime::Null, _) => {
                    payload.insert("auth_time".into(), Value::Null);
                    None
                }
                (AuthTime::Before(b), Some(ts)) => Some(ts.saturating_sub(u64::from(b))),
                (AuthTime::Before(b), None) => Some(u64::from(b)),
                (AuthTime::At(t), _) => Some(t),
            };
            if let Some(t) = at {
                payload.insert("auth_time".into(), Value::from(t));
            }
            let payload = Value::Object(payload);
            let json = if *pretty {
                serde_json::to_string_pretty(&payload)
            } else {
                serde_json::to_string(&payload)
            }
            .expect("a Value always serializes");
            session_want = Some((user_info.to_string(), at));
            let segment = if input.sha1 {
                json.clone()
            } else if *compress {
                format!(
                    ".{}",
                    b64(&miniz_oxide::deflate::compress_to_vec_zlib(
                        json.as_bytes(),
                        6
                    ))
                )
            } else {
                b64(json.as_bytes())
            };
            (segment, Some(json.into_bytes()))
        }
    };
    let secret = match input.key {
        0 => CURRENT,
        1 => FALLBACKS[0],
        2 => FALLBACKS[1],
        _ => STRANGER,
    };
    let signed = format!("{segment}.{ts_seg}");
    let token = if input.sha1 {
        sign_sha1("itsdangerous", secret, &signed)
    } else {
        sign_sha256("itsdangerous", secret, &signed)
    };
    // MAX_TOKEN_AGE is a positive number of seconds (config.rs refuses 0).
    let (max_age, now) = (input.max_age.max(1), input.now);

    let urlsafe = ring.unsign(&token, max_age, now);
    let flask = ring.unsign_flask(&token, max_age, now);
    if secret == STRANGER {
        assert_eq!(urlsafe, Err(TokenError::BadSignature));
        assert_eq!(flask, Err(TokenError::BadSignature));
    }
    // A tag of one digest never passes for the other's.
    if input.sha1 {
        assert_eq!(urlsafe, Err(TokenError::BadSignature));
    } else {
        assert_eq!(flask, Err(TokenError::BadSignature));
    }
    for u in [&urlsafe, &flask].into_iter().flatten() {
        assert_eq!(expected_age(u.timestamp, max_age, now), Ok(()));
        assert!(u.payload.len() <= MAX_INFLATED_PAYLOAD.max(token.len()));
    }
    if secret != STRANGER {
        // Exact answers where the input is known to be well formed.
        if let Some(ts) = want_ts {
            let age = expected_age(ts, max_age, now);
            if input.sha1 {
                let want = age.map(|()| segment.as_bytes().to_vec());
                assert_eq!(flask.clone().map(|u| u.payload), want);
            } else if let Some(bytes) = &want_payload {
                let want = match age {
                    Err(e) => Err(e),
                    Ok(()) if bytes.len() > MAX_INFLATED_PAYLOAD => Err(TokenError::BadPayload),
                    Ok(()) => Ok(bytes.clone()),
                };
                assert_eq!(urlsafe.clone().map(|u| u.payload), want);
            }
            if let Ok(u) = urlsafe.as_ref().or(flask.as_ref()) {
                assert_eq!(u.timestamp, ts);
            }
        }
    }

    // The session layer on top: /reauth (Flask migration on) and /api/me.
    // (Not for the 64 KiB of spaces: they are no JSON, and inflating them
    // twice more would only slow the target down.)
    if matches!(input.payload, Payload::Spaces { .. }) {
        return;
    }
    let limits = Lifetimes {
        max_token_age: max_age,
        max_session_age: input.max_session_age.max(1),
    };
    let verified = session::verify(ring, &token, limits, now);
    let reauthed = session::reauth(ring, &token, limits, now, true, || None);

    // A well-formed session under a good key: exactly what CONTRACT.md says.
    if let (Some((user_info, at)), Some(ts), false) = (&session_want, want_ts, secret == STRANGER) {
        // A Flask token counts from its own timestamp.
        let auth_time = if input.sha1 { ts } else { at.unwrap_or(ts) };
        let want = match expected_age(ts, max_age, now) {
            Err(TokenError::SignatureExpired { .. }) => Err("token_expired"),
            Err(_) => Err("invalid_token"),
            Ok(()) if now.saturating_sub(auth_time) > limits.max_session_age => {
                Err("token_expired")
            }
            // Renewed past half of MAX_TOKEN_AGE; a Flask token always.
            Ok(()) => Ok(input.sha1 || now.saturating_sub(ts) > max_age / 2),
        };
        let got = reauthed
            .as_ref()
            .map(|r| r.renewed)
            .map_err(|e| ApiError::from(e.clone()).code());
        assert_eq!(got, want, "reauth");
        if let Ok(r) = &reauthed {
            assert_eq!(r.session.auth_time, auth_time);
            assert_eq!(
                edge_login::providers::minify_json(r.session.user_info.get()),
                *user_info
            );
        }
        // /api/me: the same rules, and never a Flask token.
        let want_me = if input.sha1 {
            Err("invalid_token")
        } else {
            want.map(|_| ())
        };
        assert_eq!(
            verified
                .as_ref()
                .map(|_| ())
                .map_err(|e| ApiError::from(e.clone()).code()),
            want_me,
            "verify"
        );
    }

    if let Ok(renewal) = reauthed {
        if renewal.renewed {
            // A renewed token is signed with the current key alone, is
            // valid now, and carries the same user and auth_time.
            let current_only = Keyring::new(CURRENT, &[]);
            let again = session::verify(&current_only, &renewal.token, limits, now)
                .expect("a renewed token verifies under the current key");
            assert_eq!(again.auth_time, renewal.session.auth_time);
            let raw = renewal.session.user_info.get();
            if urlsafe.is_ok() {
                assert_eq!(again.user_info.get(), raw);
            } else {
                // The Flask upgrade re-signs the user_info minified.
                assert_eq!(
                    again.user_info.get(),
                    edge_login::providers::minify_json(raw)
                );
            }
        } else {
            assert_eq!(renewal.token, token);
            assert!(verified.is_ok());
        }
    } else {
        // What /api/me accepts, /reauth accepts too.
        assert!(verified.is_err());
    }
});
