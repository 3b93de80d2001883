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
