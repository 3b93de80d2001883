use super::{origin_and_path, query};

#[test]
fn splits_origin_and_path() {
    assert_eq!(
        origin_and_path("https://login.example.com/auth/sessions/abc"),
        Some(("https://login.example.com", "/auth/sessions/abc"))
    );
}

#[test]
fn keeps_the_port_in_the_origin() {
    assert_eq!(
        origin_and_path("http://127.0.0.1:8787/reauth"),
        Some(("http://127.0.0.1:8787", "/reauth"))
    );
}

#[test]
fn drops_the_query_from_the_path() {
    assert_eq!(
        origin_and_path("https://a.example/login?x=/y#z"),
        Some(("https://a.example", "/login"))
    );
}

#[test]
fn drops_the_fragment_from_the_path() {
    assert_eq!(
        origin_and_path("https://a.example/api/me#top"),
        Some(("https://a.example", "/api/me"))
    );
}

#[test]
fn an_empty_path_is_the_root() {
    assert_eq!(
        origin_and_path("https://a.example"),
        Some(("https://a.example", "/"))
    );
    assert_eq!(
        origin_and_path("https://a.example?q"),
        Some(("https://a.example", "/"))
    );
}

#[test]
fn keeps_percent_encoding_in_the_path() {
    assert_eq!(
        origin_and_path("https://a.example/auth/sessions/a%2Fb"),
        Some(("https://a.example", "/auth/sessions/a%2Fb"))
    );
}

#[test]
fn keeps_an_ipv6_host_whole() {
    assert_eq!(
        origin_and_path("http://[::1]:8787/login"),
        Some(("http://[::1]:8787", "/login"))
    );
}

#[test]
fn refuses_a_url_without_scheme_or_host() {
    assert_eq!(origin_and_path("/login"), None);
    assert_eq!(origin_and_path("://a.example/x"), None);
    assert_eq!(origin_and_path("https:///x"), None);
}

#[test]
fn query_keeps_its_question_mark_and_drops_the_fragment() {
    assert_eq!(query("https://a.example/api/notes?x=1&y=2#f"), "?x=1&y=2");
}

#[test]
fn no_query_is_empty() {
    assert_eq!(query("https://a.example/api/notes#a?b"), "");
    assert_eq!(query("https://a.example/api/notes"), "");
}
