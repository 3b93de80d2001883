use super::{fields, Field};

#[test]
fn picks_the_named_fields_in_order() {
    let json = br#"{"b":"two","a":"one","c":"three"}"#;
    assert_eq!(
        fields(json, ["a", "b"]),
        Some([Field::Text("one".into()), Field::Text("two".into())])
    );
}

#[test]
fn tells_absent_from_null() {
    assert_eq!(
        fields(br#"{"a":null}"#, ["a", "b"]),
        Some([Field::Null, Field::Absent])
    );
}

#[test]
fn every_other_type_is_other() {
    let json = br#"{"n":1.5,"i":-3,"l":[1,{"x":2}],"o":{"y":[null]}}"#;
    assert_eq!(
        fields(json, ["n", "i", "l", "o"]),
        Some([Field::Other, Field::Other, Field::Other, Field::Other])
    );
}

#[test]
fn booleans_keep_their_value() {
    let json = br#"{"t":true,"f":false}"#;
    assert_eq!(
        fields(json, ["t", "f"]),
        Some([Field::Bool(true), Field::Bool(false)])
    );
}

#[test]
fn true_and_whole_numbers_are_told_apart() {
    let json =
        br#"{"t":true,"u":583231,"z":0,"max":18446744073709551615,"big":18446744073709551616}"#;
    assert_eq!(
        fields(json, ["t", "u", "z", "max", "big"]),
        Some([
            Field::Bool(true),
            Field::Unsigned(583_231),
            Field::Unsigned(0),
            Field::Unsigned(u64::MAX),
            Field::Other
        ])
    );
}

#[test]
fn unescapes_strings_and_names() {
    assert_eq!(
        fields(br#"{"a\u005fb":"x\"y\u00e9"}"#, ["a_b"]),
        Some([Field::Text("x\"y\u{e9}".into())])
    );
}

#[test]
fn the_last_of_a_repeated_name_counts() {
    assert_eq!(
        fields(br#"{"a":"first","a":"last"}"#, ["a"]),
        Some([Field::Text("last".into())])
    );
}

#[test]
fn refuses_what_is_not_one_object() {
    for json in [
        &b"[]"[..],
        b"\"a\"",
        b"null",
        b"",
        b"{",
        b"{\"a\":1} {}",
        b"{\"a\":1,}",
        b"{\"a\":\"\xff\"}",
    ] {
        assert_eq!(
            fields(json, ["a"]),
            None,
            "{:?}",
            String::from_utf8_lossy(json)
        );
    }
}

#[test]
fn allows_whitespace_around_the_object() {
    assert_eq!(
        fields(b" \n{\"a\":\"x\"}\t ", ["a"]),
        Some([Field::Text("x".into())])
    );
}
