use super::*;

fn head() -> RequestHead {
    RequestHead {
        method: "POST".into(),
        path: "/api/notes".into(),
        origin: "https://app.example".into(),
        client_ip: Some("203.0.113.7".into()),
        ..RequestHead::default()
    }
}

const WHO: Identity<'static> = Identity {
    user: "42",
    email: Some("ada@example.com"),
    assertion: Some("a.b.c"),
};

fn forwarded(incoming: &[(&str, &str)]) -> Vec<(String, String)> {
    let incoming: Vec<(String, String)> = incoming
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    request_headers(&incoming, &head(), WHO)
}

fn get<'a>(headers: &'a [(String, String)], name: &str) -> Vec<&'a str> {
    headers
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
        .collect()
}

#[test]
fn keeps_the_client_s_own_headers() {
    let out = forwarded(&[
        ("content-type", "application/octet-stream"),
        ("accept", "text/csv"),
        ("x-custom", "1"),
        ("content-length", "12"),
    ]);
    assert_eq!(get(&out, "content-type"), ["application/octet-stream"]);
    assert_eq!(get(&out, "accept"), ["text/csv"]);
    assert_eq!(get(&out, "x-custom"), ["1"]);
    assert_eq!(get(&out, "content-length"), ["12"]);
}

#[test]
fn drops_the_authorization_header() {
    let out = forwarded(&[("authorization", "Bearer token")]);
    assert!(get(&out, "authorization").is_empty());
}

#[test]
fn drops_hop_by_hop_headers_and_those_connection_names() {
    let out = forwarded(&[
        ("connection", "keep-alive, X-Secret-Hop"),
        ("keep-alive", "timeout=5"),
        ("te", "trailers"),
        ("transfer-encoding", "chunked"),
        ("proxy-authorization", "Basic x"),
        ("x-secret-hop", "1"),
        ("upgrade-insecure-requests", "1"),
    ]);
    for name in [
        "connection",
        "keep-alive",
        "te",
        "transfer-encoding",
        "proxy-authorization",
        "x-secret-hop",
    ] {
        assert!(get(&out, name).is_empty(), "{name} was forwarded");
    }
    assert_eq!(get(&out, "upgrade-insecure-requests"), ["1"]);
}

#[test]
fn drops_a_client_s_identity_headers() {
    let out = forwarded(&[
        ("x-auth-request-user", "admin"),
        ("X-Auth-Request-Email", "root@example.com"),
        ("x-auth-request-groups", "admins"),
        ("edge-login-assertion", "forged"),
    ]);
    assert_eq!(get(&out, "x-auth-request-user"), ["42"]);
    assert_eq!(get(&out, "x-auth-request-email"), ["ada@example.com"]);
    assert!(get(&out, "x-auth-request-groups").is_empty());
    assert_eq!(get(&out, "edge-login-assertion"), ["a.b.c"]);
}

#[test]
fn replaces_the_client_s_forwarding_headers() {
    let out = forwarded(&[
        ("x-forwarded-for", "10.0.0.1"),
        ("x-forwarded-host", "evil.example"),
        ("x-forwarded-proto", "http"),
        ("host", "app.example"),
    ]);
    assert_eq!(get(&out, "x-forwarded-for"), ["203.0.113.7"]);
    assert_eq!(get(&out, "x-forwarded-host"), ["app.example"]);
    assert_eq!(get(&out, "x-forwarded-proto"), ["https"]);
    assert!(get(&out, "host").is_empty());
}

#[test]
fn removes_only_the_signin_cookie() {
    let out = forwarded(&[(
        "cookie",
        "theme=dark; __Host-edge-login=signed.state; lang=en",
    )]);
    assert_eq!(get(&out, "cookie"), ["theme=dark; lang=en"]);
}

#[test]
fn a_cookie_named_like_ours_with_a_unicode_space_is_another_cookie() {
    let out = forwarded(&[("cookie", "\u{a0}__Host-edge-login=kept")]);
    assert_eq!(get(&out, "cookie"), ["\u{a0}__Host-edge-login=kept"]);
}

#[test]
fn drops_cookie_when_only_the_signin_cookie_was_sent() {
    let out = forwarded(&[("cookie", "__Host-edge-login=signed.state")]);
    assert!(get(&out, "cookie").is_empty());
}

#[test]
fn no_email_no_email_header() {
    let who = Identity {
        email: None,
        assertion: None,
        ..WHO
    };
    let out = request_headers(&[], &head(), who);
    assert!(get(&out, "x-auth-request-email").is_empty());
    assert!(get(&out, "edge-login-assertion").is_empty());
    assert_eq!(get(&out, "x-auth-request-user"), ["42"]);
}

#[test]
fn adds_the_security_headers_the_answer_lacks() {
    let added = missing_security_headers(|name| name.eq_ignore_ascii_case("referrer-policy"));
    let names: Vec<&str> = added.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(names.len(), SECURITY_HEADERS.len() - 1);
    assert!(!names.contains(&"Referrer-Policy"));
    assert!(names.contains(&"Content-Security-Policy"));
}

#[test]
fn target_url_appends_path_and_query() {
    assert_eq!(
        target_url("https://api.example/", "/api/notes", "?a=1"),
        "https://api.example/api/notes?a=1"
    );
    assert_eq!(
        target_url("http://127.0.0.1:5000", "/api/x", ""),
        "http://127.0.0.1:5000/api/x"
    );
}
