use super::*;

#[test]
fn json_answers_are_not_cached() {
    let r = Response::json(200, &serde_json::json!({"a": 1}));
    assert_eq!(r.get_header("cache-control"), Some("no-store"));
    assert_eq!(
        r.get_header("content-type"),
        Some("application/json; charset=utf-8")
    );
}

fn repo_file(path: &str) -> String {
    let full = concat!(env!("CARGO_MANIFEST_DIR"), "/").to_string() + path;
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{full}: {e}"))
}

/// The `/*` rules of the assets' `_headers` file.
fn static_asset_headers() -> Vec<(String, String)> {
    let text = repo_file("frontend/public/_headers");
    let mut in_block = false;
    let mut found = Vec::new();
    for line in text.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        if !line.starts_with(char::is_whitespace) {
            in_block = line.trim() == "/*";
        } else if in_block {
            if let Some((k, v)) = line.trim().split_once(':') {
                found.push((k.trim().to_string(), v.trim().to_string()));
            }
        }
    }
    found
}

#[test]
fn static_assets_send_the_same_security_headers() {
    let assets = static_asset_headers();
    for (name, value) in SECURITY_HEADERS {
        let got = assets.iter().find(|(k, _)| k.eq_ignore_ascii_case(name));
        assert_eq!(got.map(|(_, v)| v.as_str()), Some(value), "{name}");
    }
}

#[test]
fn csp_hash_matches_torii_redirect_script() {
    use base64::Engine as _;
    use sha2::{Digest, Sha256};
    let page = repo_file("frontend/public/torii/redirect.html");
    let start = page.find("<script>").expect("inline script") + "<script>".len();
    let end = page[start..].find("</script>").expect("script end") + start;
    let digest = Sha256::digest(&page.as_bytes()[start..end]);
    let source = format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest)
    );
    assert!(CONTENT_SECURITY_POLICY.contains(&source), "{source}");
}

#[test]
fn csp_has_no_unsafe_sources() {
    assert!(!CONTENT_SECURITY_POLICY.contains("unsafe-"));
    for directive in [
        "default-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
    ] {
        assert!(CONTENT_SECURITY_POLICY.contains(directive), "{directive}");
    }
}

#[test]
fn json_answers_carry_security_headers() {
    let r = Response::json(200, &serde_json::json!({}));
    for (name, value) in SECURITY_HEADERS {
        assert_eq!(r.get_header(name), Some(value), "{name}");
    }
}
