//! Tokens minted by the real itsdangerous (tests/python/make_vectors.py):
//! edge-login must read what Python writes, and write what Python writes.

use edge_login::token::{Keyring, TokenError, Unsigned};
use serde_json::Value;

const VECTORS: &str = include_str!("vectors/itsdangerous.json");

struct Vector<'a> {
    name: &'a str,
    raw: &'a Value,
}

impl<'a> Vector<'a> {
    fn str(&self, field: &str) -> &'a str {
        self.raw[field]
            .as_str()
            .unwrap_or_else(|| panic!("{}: `{field}` is not a string", self.name))
    }

    fn u64(&self, field: &str) -> u64 {
        self.raw[field]
            .as_u64()
            .unwrap_or_else(|| panic!("{}: `{field}` is not a u64", self.name))
    }

    fn expected(&self) -> Result<Unsigned, TokenError> {
        match self.str("expect") {
            "ok" => Ok(Unsigned {
                payload: self.str("payload").as_bytes().to_vec(),
                timestamp: self.u64("timestamp"),
            }),
            "BadSignature" => Err(TokenError::BadSignature),
            "SignatureExpired" => Err(TokenError::SignatureExpired {
                timestamp: self.u64("timestamp"),
            }),
            "FutureTimestamp" => Err(TokenError::FutureTimestamp),
            "BadPayload" => Err(TokenError::BadPayload),
            other => panic!("{}: unknown expectation {other:?}", self.name),
        }
    }

    fn salt(&self) -> Option<&'a str> {
        self.raw.get("salt").map(|_| self.str("salt"))
    }

    fn unsign(&self, doc: &Value) -> Result<Unsigned, TokenError> {
        let ring = keyring(doc, self.salt());
        let (token, max_age, now) = (self.str("token"), self.u64("max_age"), self.u64("now"));
        match self.str("format") {
            "urlsafe" => ring.unsign(token, max_age, now),
            "flask" => ring.unsign_flask(token, max_age, now),
            other => panic!("{}: unknown format {other:?}", self.name),
        }
    }
}

fn document() -> Value {
    serde_json::from_str(VECTORS).expect("tests/vectors/itsdangerous.json is JSON")
}

fn keyring(doc: &Value, salt: Option<&str>) -> Keyring {
    let current = doc["keyring"]["current"].as_str().unwrap();
    let fallbacks: Vec<&str> = doc["keyring"]["fallbacks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    match salt {
        Some(salt) => Keyring::with_salt(salt, current, &fallbacks),
        None => Keyring::new(current, &fallbacks),
    }
}

fn vectors(doc: &Value) -> impl Iterator<Item = Vector<'_>> {
    doc["vectors"].as_array().unwrap().iter().map(|raw| Vector {
        name: raw["name"].as_str().unwrap(),
        raw,
    })
}

#[test]
fn vectors_come_from_itsdangerous_2() {
    let doc = document();
    let version = doc["itsdangerous"].as_str().unwrap();
    assert!(
        version.starts_with("2."),
        "vectors made by itsdangerous {version}"
    );
    assert!(vectors(&doc).count() >= 30);
}

#[test]
fn unsign_agrees_with_every_vector() {
    let doc = document();
    let failures: Vec<String> = vectors(&doc)
        .filter_map(|v| {
            let (got, want) = (v.unsign(&doc), v.expected());
            (got != want).then(|| format!("{}: got {got:?}, want {want:?}", v.name))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn python_verdict_differs_only_where_explained() {
    let doc = document();
    for v in vectors(&doc) {
        let python = v.str("python").replace("BadTimeSignature", "BadSignature");
        if python != v.str("expect") {
            assert!(
                v.raw["why"].is_string(),
                "{}: Python says {python}, edge-login {} and no reason given",
                v.name,
                v.str("expect")
            );
        }
    }
}

#[test]
fn sign_reproduces_python_tokens() {
    let doc = document();
    let mut checked = 0;
    for v in vectors(&doc) {
        let uncompressed = v.raw["compressed"] == Value::Bool(false);
        if v.str("format") != "urlsafe" || v.str("expect") != "ok" || !uncompressed {
            continue;
        }
        let ring = match v.salt() {
            Some(salt) => Keyring::with_salt(salt, v.str("signed_with"), &[]),
            None => Keyring::new(v.str("signed_with"), &[]),
        };
        let token = ring.sign(v.str("payload").as_bytes(), v.u64("timestamp"));
        assert_eq!(token, v.str("token"), "{}", v.name);
        checked += 1;
    }
    assert!(checked >= 4, "only {checked} vectors to sign");
}

#[test]
fn sign_reads_back_compressed_payloads_uncompressed() {
    let doc = document();
    let mut checked = 0;
    for v in vectors(&doc).filter(|v| v.raw["compressed"] == Value::Bool(true)) {
        let ring = keyring(&doc, v.salt());
        if v.str("expect") != "ok" {
            continue;
        }
        let payload = v.str("payload").as_bytes();
        let token = ring.sign(payload, v.u64("timestamp"));
        assert!(
            !token.starts_with('.'),
            "{}: edge-login never compresses",
            v.name
        );
        let got = ring.unsign(&token, v.u64("max_age"), v.u64("now")).unwrap();
        assert_eq!(got.payload, payload, "{}", v.name);
        checked += 1;
    }
    assert!(checked >= 3, "only {checked} compressed vectors");
}

#[test]
fn payloads_are_the_json_python_signed() {
    let doc = document();
    for v in vectors(&doc).filter(|v| v.str("expect") == "ok") {
        let parsed: Value = serde_json::from_str(v.str("payload"))
            .unwrap_or_else(|e| panic!("{}: payload is not JSON: {e}", v.name));
        assert!(parsed["user_info"].is_object(), "{}", v.name);
    }
}
