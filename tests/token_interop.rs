//! Live interop with the real itsdangerous, both directions, real clock.
//!
//! Needs the project venv (`bash scripts/python-env.sh`: `.venv/` with
//! tests/python/requirements.txt), or `$PYTHON` naming a Python with
//! itsdangerous 2.2.0. Without it these tests fail on purpose: `make test`
//! makes the venv, and a silent skip would hide a broken compatibility promise.

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{SystemTime, UNIX_EPOCH};

use edge_login::token::{Keyring, TokenError};
use serde_json::{json, Value};

const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/python/interop.py");
const CURRENT: &str = "interop current secret";
const OLD: &str = "interop old secret ключ";
const MAX_AGE: u64 = 300;

fn python(request: &Value) -> Value {
    let venv = concat!(env!("CARGO_MANIFEST_DIR"), "/.venv/bin/python");
    let exe = std::env::var("PYTHON").unwrap_or_else(|_| venv.to_owned());
    let mut child = Command::new(&exe)
        .arg(SCRIPT)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run `{exe}` ({e}). The itsdangerous interop tests need the project \
                 venv (`bash scripts/python-env.sh` makes it), or PYTHON naming a Python \
                 with itsdangerous 2.2.0."
            )
        });
    child
        .stdin
        .take()
        .expect("piped stdin")
        .write_all(request.to_string().as_bytes())
        .expect("write the request to python");
    let out = child.wait_with_output().expect("wait for python");
    assert!(
        out.status.success(),
        "`{exe} {SCRIPT}` failed ({}):\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "python answered non-JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs()
}

fn python_loads(format: &str, secrets: &[&str], token: &str) -> Value {
    python(&json!({
        "op": "loads", "format": format, "secrets": secrets, "token": token, "max_age": MAX_AGE,
    }))
}

/// Returns the token and the exact JSON text itsdangerous signed.
fn python_dumps(format: &str, secret: &str, obj: &Value) -> (String, String) {
    let answer = python(&json!({"op": "dumps", "format": format, "secret": secret, "obj": obj}));
    (
        answer["token"].as_str().expect("token").to_owned(),
        answer["payload"].as_str().expect("payload").to_owned(),
    )
}

fn google_user() -> Value {
    json!({
        "user_info": {
            "sub": "110169484474386276334",
            "name": "Jürgen Müller 東京 🎉",
            "picture": "https://lh3.googleusercontent.com/a/ACg8ocJ1=s96-c",
            "email": "jurgen.muller@example.com",
            "email_verified": true,
            "hd": "example.com",
        },
        "auth_time": 1_700_000_000u64,
    })
}

#[test]
fn python_loads_rust_token() {
    let obj = google_user();
    let payload = serde_json::to_vec(&obj).unwrap();
    let ts = now();
    let token = Keyring::new(CURRENT, &[]).sign(&payload, ts);

    let answer = python_loads("urlsafe", &[CURRENT], &token);
    assert_eq!(answer["result"], "ok", "{answer}");
    assert_eq!(answer["obj"], obj);
    assert_eq!(answer["timestamp"], ts);
    assert_eq!(answer["payload"].as_str().unwrap().as_bytes(), payload);
}

#[test]
fn python_loads_rust_token_during_key_rotation() {
    let token = Keyring::new(CURRENT, &[OLD]).sign(br#"{"user_info":{}}"#, now());
    let answer = python_loads("urlsafe", &[CURRENT, OLD], &token);
    assert_eq!(answer["result"], "ok", "{answer}");
}

#[test]
fn python_refuses_rust_token_under_other_key() {
    let token = Keyring::new(CURRENT, &[OLD]).sign(br#"{"user_info":{}}"#, now());
    let answer = python_loads("urlsafe", &[OLD], &token);
    assert_eq!(answer["result"], "BadTimeSignature", "{answer}");
}

#[test]
fn python_finds_old_rust_token_expired() {
    let token = Keyring::new(CURRENT, &[]).sign(br#"{"user_info":{}}"#, now() - MAX_AGE - 60);
    let answer = python_loads("urlsafe", &[CURRENT], &token);
    assert_eq!(answer["result"], "SignatureExpired", "{answer}");
}

#[test]
fn rust_unsigns_python_token() {
    let obj = json!({"user_info": {"sub": "1", "name": "Zoë"}});
    let (token, payload) = python_dumps("urlsafe", CURRENT, &obj);
    assert!(
        !token.starts_with('.'),
        "expected an uncompressed token: {token}"
    );

    let got = Keyring::new(CURRENT, &[])
        .unsign(&token, MAX_AGE, now())
        .unwrap();
    assert_eq!(got.payload, payload.as_bytes());
    assert!(
        now().abs_diff(got.timestamp) < 60,
        "timestamp {}",
        got.timestamp
    );
    assert_eq!(serde_json::from_slice::<Value>(&got.payload).unwrap(), obj);
}

#[test]
fn rust_unsigns_python_compressed_token() {
    let obj = google_user();
    let (token, payload) = python_dumps("urlsafe", CURRENT, &obj);
    assert!(
        token.starts_with('.'),
        "itsdangerous compresses a Google userinfo: {token}"
    );

    let got = Keyring::new(CURRENT, &[])
        .unsign(&token, MAX_AGE, now())
        .unwrap();
    assert_eq!(got.payload, payload.as_bytes());
    assert_eq!(serde_json::from_slice::<Value>(&got.payload).unwrap(), obj);
}

#[test]
fn rust_unsigns_python_token_under_fallback_key() {
    let (token, payload) = python_dumps("urlsafe", OLD, &google_user());
    let got = Keyring::new(CURRENT, &[OLD])
        .unsign(&token, MAX_AGE, now())
        .unwrap();
    assert_eq!(got.payload, payload.as_bytes());
}

#[test]
fn rust_refuses_python_token_under_other_key() {
    let (token, _) = python_dumps("urlsafe", OLD, &google_user());
    let got = Keyring::new(CURRENT, &[]).unsign(&token, MAX_AGE, now());
    assert_eq!(got, Err(TokenError::BadSignature));
}

#[test]
fn rust_unsigns_python_flask_token() {
    let obj = google_user();
    let (token, payload) = python_dumps("flask", CURRENT, &obj);
    assert!(
        token.matches('.').count() > 2,
        "dots inside the JSON: {token}"
    );

    let got = Keyring::new(CURRENT, &[])
        .unsign_flask(&token, MAX_AGE, now())
        .unwrap();
    assert_eq!(got.payload, payload.as_bytes());
    assert_eq!(serde_json::from_slice::<Value>(&got.payload).unwrap(), obj);
}

#[test]
fn rust_unsigns_python_flask_token_under_fallback_key() {
    let (token, payload) = python_dumps("flask", OLD, &google_user());
    let got = Keyring::new(CURRENT, &[OLD])
        .unsign_flask(&token, MAX_AGE, now())
        .unwrap();
    assert_eq!(got.payload, payload.as_bytes());
}
