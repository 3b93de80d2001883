use super::*;

fn claims(email: &str, verified: bool, hd: Option<&str>) -> Claims {
    Claims {
        sub: "1".into(),
        email: Some(email.into()),
        email_verified: verified,
        hd: hd.map(String::from),
    }
}

fn list(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[test]
fn allows_any_verified_account_without_lists() {
    assert!(check_account(Kind::Google, &claims("a@gmail.com", true, None), &[], &[]).is_ok());
}

#[test]
fn rejects_unverified_email() {
    let err =
        check_account(Kind::Google, &claims("a@gmail.com", false, None), &[], &[]).unwrap_err();
    assert!(matches!(err, AuthError::AccessDenied(_)), "{err:?}");
}

#[test]
fn rejects_unverified_email_even_when_listed() {
    let c = claims("a@corp.example", false, Some("corp.example"));
    assert!(check_account(
        Kind::Google,
        &c,
        &list(&["corp.example"]),
        &list(&["a@corp.example"])
    )
    .is_err());
}

#[test]
fn allows_workspace_domain_by_hd() {
    let c = claims("a@alias.example", true, Some("corp.example"));
    assert!(check_account(Kind::Google, &c, &list(&["corp.example"]), &[]).is_ok());
}

#[test]
fn allows_email_domain() {
    let c = claims("a@Corp.Example", true, None);
    assert!(check_account(Kind::Google, &c, &list(&["corp.example"]), &[]).is_ok());
}

#[test]
fn rejects_other_domain() {
    let c = claims("a@gmail.com", true, None);
    assert!(check_account(Kind::Google, &c, &list(&["corp.example"]), &[]).is_err());
}

#[test]
fn rejects_domain_suffix_lookalike() {
    let c = claims("a@evilcorp.example", true, None);
    assert!(check_account(Kind::Google, &c, &list(&["corp.example"]), &[]).is_err());
}

#[test]
fn allows_listed_email_case_insensitively() {
    let c = claims("Ada@Gmail.com", true, None);
    assert!(check_account(Kind::Google, &c, &[], &list(&["ada@gmail.com"])).is_ok());
}

#[test]
fn rejects_unlisted_email() {
    let c = claims("eve@gmail.com", true, None);
    assert!(check_account(Kind::Google, &c, &[], &list(&["ada@gmail.com"])).is_err());
}

const KELVIN: char = '\u{212a}';

#[test]
fn kelvin_sign_address_does_not_match_listed_ascii_address() {
    let c = claims(&format!("{KELVIN}im@example.com"), true, None);
    assert!(check_account(Kind::Google, &c, &[], &list(&["kim@example.com"])).is_err());
}

#[test]
fn kelvin_sign_domain_does_not_match_listed_ascii_domain() {
    let c = claims(&format!("a@{KELVIN}orp.example"), true, None);
    assert!(check_account(Kind::Google, &c, &list(&["korp.example"]), &[]).is_err());
    let by_hd = claims("a@gmail.com", true, Some(&format!("{KELVIN}orp.example")));
    assert!(check_account(Kind::Google, &by_hd, &list(&["korp.example"]), &[]).is_err());
}

#[test]
fn ascii_case_still_folds() {
    let c = claims("KIM@KORP.Example", true, Some("KORP.example"));
    assert!(check_account(Kind::Google, &c, &[], &list(&["kim@korp.example"])).is_ok());
    assert!(check_account(Kind::Google, &c, &list(&["korp.example"]), &[]).is_ok());
}

#[test]
fn non_ascii_address_matches_only_itself() {
    let listed = list(&["\u{fc}ber@example.com"]);
    let same = claims("\u{fc}ber@Example.com", true, None);
    assert!(check_account(Kind::Google, &same, &[], &listed).is_ok());
    // Ü (U+00DC) is ü's upper case under Unicode rules, not ASCII ones.
    let upper = claims("\u{dc}ber@example.com", true, None);
    assert!(check_account(Kind::Google, &upper, &[], &listed).is_err());
}

#[test]
fn logs_only_the_domain() {
    assert_eq!(
        email_domain(&claims("Ada@Example.com", true, None)).as_deref(),
        Some("example.com")
    );
}

#[test]
fn allow_lists_alone_refuse_an_unlisted_token_holder() {
    let domains = list(&["corp.example"]);
    assert!(check_allow_lists(Some("a@corp.example"), None, &domains, &[]).is_ok());
    assert!(check_allow_lists(Some("a@gmail.com"), Some("corp.example"), &domains, &[]).is_ok());
    assert!(check_allow_lists(Some("a@gmail.com"), None, &domains, &[]).is_err());
    assert!(check_allow_lists(None, None, &domains, &[]).is_err());
}

#[test]
fn allow_lists_alone_need_no_verified_flag() {
    // Tokens of the classic Flask backend carry no email_verified.
    assert!(check_allow_lists(None, None, &[], &[]).is_ok());
}
