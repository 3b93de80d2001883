//! The origin and path of a request URL as the runtime serializes it
//! (WHATWG: scheme and host lower-cased, default port dropped, path
//! percent-encoded), read without a URL parser: the `url` crate's parse of
//! every incoming request cost more than the route it reached.

/// `("scheme://host[:port]", "/path")`: the path without its query or
/// fragment, `/` when the URL has none. `None` for a string that is not an
/// absolute URL with a host.
pub fn origin_and_path(url: &str) -> Option<(&str, &str)> {
    let scheme_end = url.find("://")?;
    if scheme_end == 0 {
        return None;
    }
    let host_start = scheme_end + 3;
    let rest = &url[host_start..];
    let authority_len = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    if authority_len == 0 {
        return None;
    }
    let origin = &url[..host_start + authority_len];
    let after = &rest[authority_len..];
    let path_len = after.find(['?', '#']).unwrap_or(after.len());
    let path = match &after[..path_len] {
        "" => "/",
        path => path,
    };
    Some((origin, path))
}

/// `?query` of a URL (without its fragment), or `""`.
pub fn query(url: &str) -> &str {
    let before_fragment = url.split('#').next().unwrap_or("");
    before_fragment
        .find('?')
        .map_or("", |i| &before_fragment[i..])
}

#[cfg(test)]
mod tests;
