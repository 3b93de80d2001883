//! The Worker's own compute per request, natively: `routes::handle` exactly as
//! the wasm edge calls it (the configuration built from the bindings on every
//! request, as `src/edge` does), with Google answering instantly from memory.
//! For `/login` that is the Worker's time on top of the two upstream calls
//! with the network taken out; `make bench` puts it beside the figure measured
//! under `wrangler dev` (bench/run.mjs), where the runtime's own hops dominate.
//! Writes bench/results/routes.json.

use criterion::{black_box, Criterion};
use edge_login::config::Config;
use edge_login::http::RequestHead;
use edge_login::routes;
use edge_login::testkit::{block_on, FakeBody, FakeHttp, FakePlatform};
use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

const NOW: u64 = 1_760_000_000;
const ORIGIN: &str = "https://app.example.com";
const CLIENT_ID: &str = "1234567890-abc.apps.googleusercontent.com";
const USER_INFO: &str = r#"{"sub":"110248495921238986420","name":"Ada Lovelace","given_name":"Ada","family_name":"Lovelace","picture":"https://lh3.googleusercontent.com/a/ACg8ocJ4mWTKpF3tz8oFq3vX1YgR7eWkQhQe2lZc3pXbUu5n0sL2Tw=s96-c","email":"ada.lovelace@example.com","email_verified":true,"hd":"example.com"}"#;

fn bindings() -> HashMap<&'static str, String> {
    HashMap::from([
        (
            "SECRET_KEY",
            "bench-secret-3d1f0c8e9b2a4f6d8e0c1b3a5d7f9e1c".to_string(),
        ),
        ("OAUTH2_CLIENT_ID", CLIENT_ID.to_string()),
        (
            "OAUTH2_CLIENT_SECRET",
            "GOCSPX-bench-client-secret".to_string(),
        ),
        ("MAX_TOKEN_AGE", "604800".to_string()),
    ])
}

fn b64(bytes: &[u8]) -> String {
    base64::Engine::encode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, bytes)
}

/// Google's token endpoint and userinfo, answered from memory.
fn instant_google() -> FakeHttp {
    let claims = serde_json::json!({
        "iss": "https://accounts.google.com", "azp": CLIENT_ID, "aud": CLIENT_ID,
        "sub": "110248495921238986420", "hd": "example.com",
        "email": "ada.lovelace@example.com", "email_verified": true,
        "at_hash": "HK6E_P6Dh8Y93mRNtsDB1Q", "name": "Ada Lovelace",
        "picture": "https://lh3.googleusercontent.com/a/ACg8ocJ4mWTKpF3tz8oFq3vX1YgR7eWkQhQe2lZc3pXbUu5n0sL2Tw=s96-c",
        "given_name": "Ada", "family_name": "Lovelace", "iat": NOW, "exp": NOW + 3600,
    });
    let id_token = format!(
        "{}.{}.{}",
        b64(br#"{"alg":"RS256","kid":"a50f6e70ef4b548a5fd9142eecd1fb8f54dce9ee","typ":"JWT"}"#),
        b64(claims.to_string().as_bytes()),
        b64(&[7u8; 256]),
    );
    let answer = serde_json::json!({
        "access_token": format!("ya29.{}", "a0AcM612x".repeat(20)),
        "expires_in": 3599, "token_type": "Bearer",
        "scope": "openid https://www.googleapis.com/auth/userinfo.email https://www.googleapis.com/auth/userinfo.profile",
        "id_token": id_token,
    });
    FakeHttp::by_path(vec![
        ("/token", 200, answer.to_string()),
        ("/v1/userinfo", 200, USER_INFO.to_string()),
    ])
}

fn head(method: &str, path: &str, cookie: Option<&str>) -> RequestHead {
    RequestHead {
        method: method.to_string(),
        path: path.to_string(),
        query: String::new(),
        origin: ORIGIN.to_string(),
        content_type: (method == "POST").then(|| "application/json".to_string()),
        authorization: None,
        cookie: cookie.map(str::to_string),
        client_ip: Some("203.0.113.7".to_string()),
        user_agent: None,
    }
}

/// One request as the edge runs it: configuration from the bindings, then the route.
fn request(
    platform: &FakePlatform,
    env: &HashMap<&str, String>,
    head: &RequestHead,
    body: &[u8],
) -> routes::Outcome {
    let config = Config::from_lookup(|name| env.get(name).cloned());
    block_on(routes::handle(
        platform,
        &config,
        head,
        FakeBody::new(body.to_vec()),
    ))
}

fn main() {
    let env = bindings();
    let mut platform = FakePlatform::new(instant_google(), NOW);
    platform.states_single_use = false;

    // A sign-in: /auth/start's state and cookie, then a /login that must succeed.
    let started = request(&platform, &env, &head("POST", "/auth/start", None), b"{}");
    assert_eq!(started.response.status, 200, "/auth/start");
    let state = serde_json::from_slice::<serde_json::Value>(&started.response.body).expect("json")
        ["state"]
        .as_str()
        .expect("state")
        .to_string();
    let set_cookie = started
        .response
        .get_header("set-cookie")
        .expect("set-cookie")
        .to_string();
    let cookie = set_cookie
        .split(';')
        .next()
        .expect("cookie pair")
        .to_string();
    let login_head = head("POST", "/login", Some(&cookie));
    let login_body = serde_json::json!({
        "authorizationCode": "4/0AfJohXn-bench-authorization-code-0123456789",
        "redirectUri": format!("{ORIGIN}/torii/redirect.html"),
        "provider": "google-oauth2",
        "state": state,
    })
    .to_string()
    .into_bytes();
    let login = request(&platform, &env, &login_head, &login_body);
    assert_eq!(
        login.response.status,
        200,
        "/login: {}",
        String::from_utf8_lossy(&login.response.body)
    );
    let token = serde_json::from_slice::<serde_json::Value>(&login.response.body).expect("json")
        ["auth_token"]
        .as_str()
        .expect("auth_token")
        .to_string();
    let reauth_head = head("POST", "/reauth", None);
    let reauth_body = serde_json::json!({ "auth_token": token })
        .to_string()
        .into_bytes();
    assert_eq!(
        request(&platform, &env, &reauth_head, &reauth_body)
            .response
            .status,
        200,
        "/reauth"
    );
    let config_head = head("GET", "/auth/config", None);
    assert_eq!(
        request(&platform, &env, &config_head, b"").response.status,
        200,
        "/auth/config"
    );

    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/results");
    let criterion_dir = dir.join("criterion");
    let mut c = Criterion::default()
        .output_directory(&criterion_dir)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    {
        let mut g = c.benchmark_group("route");
        g.bench_function("login", |b| {
            b.iter(|| {
                request(
                    &platform,
                    &env,
                    black_box(&login_head),
                    black_box(&login_body),
                )
            })
        });
        g.bench_function("reauth", |b| {
            b.iter(|| {
                request(
                    &platform,
                    &env,
                    black_box(&reauth_head),
                    black_box(&reauth_body),
                )
            })
        });
        g.bench_function("auth_config", |b| {
            b.iter(|| request(&platform, &env, black_box(&config_head), b""))
        });
        g.finish();
    }
    c.final_summary();

    let median = |name: &str| -> Option<f64> {
        let text = std::fs::read_to_string(
            criterion_dir
                .join("route")
                .join(name)
                .join("new/estimates.json"),
        )
        .ok()?;
        let v: serde_json::Value = serde_json::from_str(&text).ok()?;
        v["median"]["point_estimate"].as_f64()
    };
    let report = serde_json::json!({
        "login_ns": median("login"),
        "reauth_ns": median("reauth"),
        "auth_config_ns": median("auth_config"),
        "method": "routes::handle natively (criterion median), Config::from_lookup per request as the edge does, Google answered from memory",
    });
    println!(
        "\nroutes natively (median): /login {:.1} µs on top of Google, /reauth {:.1} µs, /auth/config {:.1} µs",
        report["login_ns"].as_f64().unwrap_or(f64::NAN) / 1000.0,
        report["reauth_ns"].as_f64().unwrap_or(f64::NAN) / 1000.0,
        report["auth_config_ns"].as_f64().unwrap_or(f64::NAN) / 1000.0,
    );
    let _ = std::fs::create_dir_all(&dir);
    if let Err(e) = std::fs::write(
        dir.join("routes.json"),
        serde_json::to_string_pretty(&report).unwrap_or_default(),
    ) {
        eprintln!("could not write routes.json: {e}");
    }
}
