//! The `Cookie` request header as RFC 6265 §5.2 and §5.4 read it: pairs split
//! on `;`, each on its first `=`, name and value stripped of spaces and tabs
//! only. Names are then compared byte for byte, so a cookie whose name differs
//! from ours by anything else around it (a Unicode space, a control
//! character) is another cookie, not ours (such a cookie can be planted
//! from a sibling subdomain, where `__Host-` does not reach).

/// The characters RFC 6265 §5.2 strips around a name or value (WSP).
fn is_wsp(c: char) -> bool {
    c == ' ' || c == '\t'
}

fn strip_wsp(s: &str) -> &str {
    s.trim_matches(is_wsp)
}

/// Every `(name, value)` pair of a `Cookie` header, in header order. A pair
/// without `=` is skipped, as is one whose name is empty (RFC 6265 §5.2
/// ignores both).
pub fn pairs(header: &str) -> impl Iterator<Item = (&str, &str)> {
    header.split(';').filter_map(|pair| {
        let (name, value) = pair.split_once('=')?;
        let name = strip_wsp(name);
        (!name.is_empty()).then(|| (name, strip_wsp(value)))
    })
}

/// The value of the first cookie named exactly `name`. A browser sends the
/// older of two same-named cookies first (RFC 6265 §5.4 step 2), and with the
/// `__Host-` prefix only this host can set ours, so the first one is it.
pub fn find<'h>(header: &'h str, name: &str) -> Option<&'h str> {
    pairs(header)
        .find(|(n, _)| n.as_bytes() == name.as_bytes())
        .map(|(_, v)| v)
}

#[cfg(test)]
mod tests;
