//! `make bench` (scripts/bench.sh) runs this: criterion times
//! `Keyring::unsign` (signature + age + payload decode, the budget: ≤ 3 µs)
//! and `session::verify` (that plus the JSON payload and session-age checks,
//! what `/reauth` and `/api/me` do) on a typical token carrying a real Google
//! userinfo payload; then, in the same run, Python's itsdangerous checks the
//! very same token (bench/itsdangerous_bench.py) and the ratios are printed.
//! Figures go to bench/results/token.json (and criterion's own reports to
//! bench/results/criterion/).
//!
//! `cargo bench --bench token -- --quick` for a fast, rougher run;
//! `EDGE_LOGIN_BENCH_NO_PYTHON=1` skips the Python side.

use criterion::{black_box, Criterion};
use edge_login::auth::session::{self, Lifetimes};
use edge_login::token::Keyring;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

const SECRET: &str = "bench-secret-3d1f0c8e9b2a4f6d8e0c1b3a5d7f9e1c";
/// What Google's OpenID Connect userinfo endpoint answers for a Workspace
/// account (shape and lengths as Google sends them; the person is made up).
const USER_INFO: &str = r#"{"sub":"110248495921238986420","name":"Ada Lovelace","given_name":"Ada","family_name":"Lovelace","picture":"https://lh3.googleusercontent.com/a/ACg8ocJ4mWTKpF3tz8oFq3vX1YgR7eWkQhQe2lZc3pXbUu5n0sL2Tw=s96-c","email":"ada.lovelace@example.com","email_verified":true,"hd":"example.com"}"#;
const AUTH_TIME: u64 = 1_760_000_000;
/// Signed an hour after sign-in, checked a minute later: a young token, so
/// `/reauth` would hand it back as is.
const SIGNED_AT: u64 = AUTH_TIME + 3_600;
const NOW: u64 = SIGNED_AT + 60;
const LIMITS: Lifetimes = Lifetimes {
    max_token_age: 604_800,
    max_session_age: 2_592_000,
};

fn results_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/results")
}

/// Criterion's median estimate (ns) of one benchmark, from its estimates.json.
fn median_ns(criterion_dir: &Path, group: &str, name: &str) -> Option<f64> {
    let path = criterion_dir
        .join(group)
        .join(name)
        .join("new/estimates.json");
    let text = std::fs::read_to_string(path).ok()?;
    let v: serde_json::Value = serde_json::from_str(&text).ok()?;
    v["median"]["point_estimate"].as_f64()
}

fn python_side(token: &str) -> Result<serde_json::Value, String> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/itsdangerous_bench.py");
    // The project venv (scripts/python-env.sh), where itsdangerous is.
    let venv = concat!(env!("CARGO_MANIFEST_DIR"), "/.venv/bin/python");
    let exe = std::env::var("PYTHON").unwrap_or_else(|_| venv.to_owned());
    let out = Command::new(&exe)
        .arg(script)
        .args([
            SECRET,
            token,
            &NOW.to_string(),
            &LIMITS.max_token_age.to_string(),
        ])
        .output()
        .map_err(|e| format!("{exe}: {e}"))?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    serde_json::from_slice(&out.stdout).map_err(|e| format!("{exe} output: {e}"))
}

fn main() {
    let keyring = Keyring::new(SECRET, &[]);
    let token = session::issue(&keyring, USER_INFO, AUTH_TIME, None, SIGNED_AT);
    // The token must be good, or we would time the failure path.
    let unsigned = keyring
        .unsign(&token, LIMITS.max_token_age, NOW)
        .expect("the bench token verifies");
    assert!(unsigned.payload.starts_with(br#"{"user_info":{"sub""#));
    session::verify(&keyring, &token, LIMITS, NOW).expect("the bench session verifies");

    let criterion_dir = results_dir().join("criterion");
    let mut c = Criterion::default()
        .output_directory(&criterion_dir)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    {
        let mut g = c.benchmark_group("token");
        g.bench_function("unsign", |b| {
            b.iter(|| keyring.unsign(black_box(&token), LIMITS.max_token_age, NOW))
        });
        g.bench_function("verify", |b| {
            b.iter(|| session::verify(&keyring, black_box(&token), LIMITS, NOW))
        });
        g.bench_function("sign", |b| {
            b.iter(|| session::issue(&keyring, black_box(USER_INFO), AUTH_TIME, None, SIGNED_AT))
        });
        g.finish();
    }
    c.final_summary();

    let unsign = median_ns(&criterion_dir, "token", "unsign");
    let verify = median_ns(&criterion_dir, "token", "verify");
    let sign = median_ns(&criterion_dir, "token", "sign");
    let python = if std::env::var_os("EDGE_LOGIN_BENCH_NO_PYTHON").is_some() {
        Err("skipped (EDGE_LOGIN_BENCH_NO_PYTHON)".to_string())
    } else {
        python_side(&token)
    };
    let py = |k: &str| python.as_ref().ok().and_then(|p| p[k].as_f64());
    let ratio = |py: Option<f64>, rust: Option<f64>| match (py, rust) {
        (Some(p), Some(r)) if r > 0.0 => Some(p / r),
        _ => None,
    };
    let (py_unsign, py_loads) = (py("unsign_ns"), py("loads_ns"));
    let fmt = |ns: Option<f64>| ns.map_or("n/a".to_string(), |v| format!("{:.2} µs", v / 1000.0));
    let fmtx = |x: Option<f64>| x.map_or("n/a".to_string(), |v| format!("{v:.1}×"));

    println!();
    println!(
        "token: {} bytes, payload {} bytes of JSON",
        token.len(),
        unsigned.payload.len()
    );
    println!("  what                                  Rust (median)   Python itsdangerous   Python / Rust");
    println!(
        "  signature + age + payload bytes       {:<15} {:<21} {}",
        fmt(unsign),
        fmt(py_unsign),
        fmtx(ratio(py_unsign, unsign))
    );
    println!(
        "  ... + JSON payload (loads / verify)   {:<15} {:<21} {}",
        fmt(verify),
        fmt(py_loads),
        fmtx(ratio(py_loads, verify))
    );
    println!("  sign                                  {}", fmt(sign));
    if let Err(e) = &python {
        println!("  Python side: {}", e.trim());
    }
    println!(
        "  budget: unsign ≤ 3 µs → {}",
        match unsign {
            Some(ns) if ns <= 3000.0 => "holds",
            Some(_) => "BROKEN",
            None => "not measured",
        }
    );

    let report = serde_json::json!({
        "token_bytes": token.len(),
        "payload_bytes": unsigned.payload.len(),
        "rust_unsign_ns": unsign,
        "rust_verify_ns": verify,
        "rust_sign_ns": sign,
        "python": python.as_ref().ok(),
        "python_error": python.as_ref().err(),
        "ratio_unsign": ratio(py_unsign, unsign),
        "ratio_loads_vs_verify": ratio(py_loads, verify),
        "budget_unsign_ns": 3000,
    });
    let _ = std::fs::create_dir_all(results_dir());
    let path = results_dir().join("token.json");
    if let Err(e) = std::fs::write(
        &path,
        serde_json::to_string_pretty(&report).unwrap_or_default(),
    ) {
        eprintln!("could not write {}: {e}", path.display());
    }
}
