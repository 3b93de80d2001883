use super::*;

#[test]
fn unknown_api_path_is_404() {
    for path in ["/api/other", "/api/", "/auth/nope"] {
        let r = call(&google_ok(), &good_config(), &head("GET", path), "");
        assert_eq!(r.response.status, 404, "{path}");
        assert_eq!(error_code(&r), "not_found");
    }
}

#[test]
fn static_paths_are_not_api_routes() {
    for path in [
        "/",
        "/torii/redirect.html",
        "/loginx",
        "/apix",
        "/authority",
    ] {
        assert!(!api_path::<FakePlatform>(path), "{path}");
    }
}

#[test]
fn api_paths_are_the_worker_s() {
    for path in [
        "/login",
        "/reauth",
        "/api",
        "/api/me",
        "/api/x/y",
        "/auth",
        "/auth/nope",
    ] {
        assert!(api_path::<FakePlatform>(path), "{path}");
    }
}

#[test]
fn bearer_parsing() {
    let none = Err(AuthError::InvalidToken { presented: false });
    assert_eq!(bearer_token(Some("Bearer abc")), Ok("abc"));
    assert_eq!(bearer_token(Some("bearer  abc ")), Ok("abc"));
    assert_eq!(bearer_token(Some("Bearer")), none);
    assert_eq!(bearer_token(Some("Bearer a b")), none);
    assert_eq!(bearer_token(Some("Basic abc")), none);
    assert_eq!(bearer_token(None), none);
}

/// `run_worker_first` of the repo's wrangler.toml.
fn run_worker_first() -> Vec<String> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/wrangler.toml");
    let text = std::fs::read_to_string(path).expect("wrangler.toml");
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with("run_worker_first"))
        .expect("wrangler.toml lists run_worker_first");
    let list = line.split_once('=').expect("run_worker_first = [...]").1;
    list.split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

/// Whether a `run_worker_first` entry sends `path` to the Worker: an exact
/// path, or `/prefix/*` for everything under it.
fn covers(pattern: &str, path: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => path.starts_with(prefix),
        None => pattern == path,
    }
}

/// A concrete path of each row (`{name}` segments filled in).
fn table_paths() -> Vec<String> {
    routes::<FakePlatform>()
        .iter()
        .map(|r| {
            r.path
                .split('/')
                .map(|s| if s.starts_with('{') { "some-id" } else { s })
                .collect::<Vec<_>>()
                .join("/")
        })
        .collect()
}

#[test]
fn run_worker_first_covers_every_route_of_the_table() {
    let patterns = run_worker_first();
    for path in table_paths() {
        assert!(
            patterns.iter().any(|p| covers(p, &path)),
            "{path} would go to the static assets: add it to run_worker_first"
        );
    }
}

#[test]
fn run_worker_first_covers_everything_under_the_route_prefixes() {
    let patterns = run_worker_first();
    for prefix in ROUTE_PREFIXES {
        let unknown = format!("{prefix}/no-such-route");
        assert!(
            patterns.iter().any(|p| covers(p, &unknown)),
            "{unknown} must get the API's 404, not the single-page app"
        );
    }
}

#[test]
fn run_worker_first_lists_nothing_the_table_does_not_have() {
    let paths = table_paths();
    for pattern in run_worker_first() {
        let used = paths.iter().any(|p| covers(&pattern, p))
            || ROUTE_PREFIXES
                .iter()
                .any(|prefix| pattern == format!("{prefix}/*"));
        assert!(used, "{pattern} in run_worker_first matches no route");
    }
}

#[test]
fn run_worker_first_has_no_entry_another_covers() {
    // wrangler dev refuses `/auth/x` beside `/auth/*`.
    let patterns = run_worker_first();
    for a in &patterns {
        for b in &patterns {
            assert!(
                a == b || !covers(a, b.trim_end_matches('*')),
                "{a} covers {b}"
            );
        }
    }
}

#[test]
fn rows_are_unique_by_path_and_method() {
    let table = routes::<FakePlatform>();
    for (i, a) in table.iter().enumerate() {
        for b in &table[i + 1..] {
            assert!(
                (a.path, a.method) != (b.path, b.method),
                "{} {} twice",
                a.method,
                a.path
            );
        }
    }
}

#[test]
fn wrong_method_answers_405_naming_the_path_s_methods() {
    let config = good_config();
    let p = google_ok();
    let o = call(&p, &config, &head("PUT", "/auth/config"), "");
    assert_eq!(o.response.status, 405);
    assert_eq!(o.response.get_header("allow"), Some("GET"));
}

#[test]
fn path_parameters_match_one_segment() {
    let table: [Route<FakePlatform>; 1] = [Route {
        path: "/auth/sessions/{id}",
        method: "DELETE",
        rate_limited: false,
        body: None,
        token: TokenUse::None,
        store: StoreUse::None,
        audit: None,
        clears_signin_cookie: false,
        handler: |_| Box::pin(async { Ok(Response::json(200, &())) }),
    }];
    let found = find(&table, "/auth/sessions/abc", "DELETE").map(|(_, params)| params);
    assert_eq!(found.ok(), Some(vec!["abc"]));
    for path in ["/auth/sessions/", "/auth/sessions", "/auth/sessions/a/b"] {
        assert!(find(&table, path, "DELETE").is_err(), "{path}");
    }
    let wrong_method = find(&table, "/auth/sessions/abc", "GET").map(|_| ());
    assert_eq!(
        wrong_method.map_err(|e| e.code()),
        Err("method_not_allowed")
    );
}

/// docs/API.md, the reference users build against.
const API_MD: &str = include_str!("../../../docs/API.md");

/// How docs/API.md writes a row's method: a row for every method is `ANY`.
fn documented_method(method: &'static str) -> &'static str {
    if method == ANY_METHOD {
        "ANY"
    } else {
        method
    }
}

/// docs/API.md's `### METHOD /path` headings, one per route. Other `###`
/// headings are prose.
fn documented_routes() -> Vec<(&'static str, &'static str)> {
    API_MD
        .lines()
        .filter_map(|line| {
            let (method, path) = line.strip_prefix("### ")?.split_once(' ')?;
            let is_method = !method.is_empty() && method.bytes().all(|b| b.is_ascii_uppercase());
            (is_method && path.starts_with('/')).then_some((method, path.trim_end()))
        })
        .collect()
}

fn table_rows() -> Vec<(&'static str, &'static str)> {
    routes::<FakePlatform>()
        .iter()
        .map(|r| (documented_method(r.method), r.path))
        .collect()
}

#[test]
fn api_md_documents_every_route_of_the_table() {
    let documented = documented_routes();
    for (method, path) in table_rows() {
        assert!(
            documented.contains(&(method, path)),
            "docs/API.md has no `### {method} {path}` section"
        );
    }
}

#[test]
fn api_md_documents_no_route_the_table_lacks() {
    let rows = table_rows();
    for route in documented_routes() {
        assert!(
            rows.contains(&route),
            "docs/API.md documents `{} {}`, which is not in the route table",
            route.0,
            route.1
        );
    }
}

#[test]
fn api_md_documents_each_route_once() {
    let documented = documented_routes();
    for (i, route) in documented.iter().enumerate() {
        assert!(
            !documented[i + 1..].contains(route),
            "docs/API.md has two `### {} {}` sections",
            route.0,
            route.1
        );
    }
}
