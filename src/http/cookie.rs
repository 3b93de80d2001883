//! The `Cookie` request header as RFC 6265 §5.2 and §5.4 read it: pairs split
//! on `;`, each on its first `=`, name and value stripped of spaces and tabs
//! only. Names are then compared byte for byte, so a cookie whose name differs
//! from ours by anything else around it (a Unicode space, a control
//! character) is another cookie, not ours (issue 11: such a cookie can be
//! planted from a sibling subdomain, where `__Host-` does not reach).

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
mod tests {
    use super::*;

    const NAME: &str = "__Host-edge-login";

    #[test]
    fn finds_cookie_among_others() {
        assert_eq!(find("a=1; __Host-edge-login=v; b=2", NAME), Some("v"));
        assert_eq!(find("__Host-edge-login=v", NAME), Some("v"));
        assert_eq!(find("a=1;__Host-edge-login=v", NAME), Some("v"));
    }

    #[test]
    fn strips_spaces_and_tabs_around_name_and_value() {
        assert_eq!(
            find(" \t__Host-edge-login \t= \tv \t; b=2", NAME),
            Some("v")
        );
    }

    #[test]
    fn rejects_name_with_unicode_space_before_it() {
        // `str::trim`, the old lookup, strips all of these but U+FEFF.
        for space in ['\u{a0}', '\u{2003}', '\u{3000}', '\u{feff}', '\u{85}'] {
            let header = format!("{space}{NAME}=planted");
            assert_eq!(find(&header, NAME), None, "{header:?}");
            let after = format!("{NAME}{space}=planted");
            assert_eq!(find(&after, NAME), None, "{after:?}");
        }
    }

    #[test]
    fn planted_unicode_space_cookie_does_not_shadow_ours() {
        let header = format!("\u{a0}{NAME}=planted; {NAME}=mine");
        assert_eq!(find(&header, NAME), Some("mine"));
    }

    #[test]
    fn rejects_name_with_other_whitespace_around_it() {
        for c in ['\n', '\r', '\x0b', '\x0c'] {
            let header = format!("{c}{NAME}=x");
            assert_eq!(find(&header, NAME), None, "{header:?}");
        }
    }

    #[test]
    fn value_keeps_unicode_space_inside_it() {
        // Only WSP goes; what the value is made of is the signature's business.
        assert_eq!(
            find("__Host-edge-login=\u{a0}v\u{a0}", NAME),
            Some("\u{a0}v\u{a0}")
        );
    }

    #[test]
    fn splits_each_pair_on_its_first_equals_sign() {
        assert_eq!(find("__Host-edge-login=a=b==", NAME), Some("a=b=="));
        assert_eq!(find("__Host-edge-login==x", NAME), Some("=x"));
    }

    #[test]
    fn names_are_case_sensitive() {
        assert_eq!(find("__host-edge-login=v", NAME), None);
    }

    #[test]
    fn first_of_two_same_named_cookies_wins() {
        assert_eq!(
            find("__Host-edge-login=old; __Host-edge-login=new", NAME),
            Some("old")
        );
    }

    #[test]
    fn skips_pairs_without_equals_or_name() {
        assert_eq!(
            find("__Host-edge-login; =x; __Host-edge-login=v", NAME),
            Some("v")
        );
        let all: Vec<_> = pairs("flag; =x;  ; a=1").collect();
        assert_eq!(all, vec![("a", "1")]);
    }

    #[test]
    fn empty_value_is_found_as_empty() {
        assert_eq!(find("__Host-edge-login=  ", NAME), Some(""));
    }

    #[test]
    fn name_that_merely_contains_ours_is_another_cookie() {
        assert_eq!(
            find("x__Host-edge-login=v; __Host-edge-login-x=w", NAME),
            None
        );
    }
}
