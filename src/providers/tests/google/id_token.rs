use super::*;

#[test]
fn rejects_id_token_for_other_audience() {
    let t =
        jwt(&serde_json::json!({"iss": ISSUER, "aud": "someone-else", "sub": "42", "exp": EXP}));
    assert!(read_id_token(&t, CLIENT_ID, &issuers(), NOW).is_err());
}

#[test]
fn accepts_audience_list_with_our_client() {
    let t = jwt(
        &serde_json::json!({"iss": ISSUER, "aud": ["x", CLIENT_ID], "azp": CLIENT_ID, "sub": "42", "exp": EXP}),
    );
    assert!(read_id_token(&t, CLIENT_ID, &issuers(), NOW).is_ok());
}

#[test]
fn rejects_id_token_from_other_issuer() {
    let t = jwt(
        &serde_json::json!({"iss": "https://evil.example", "aud": CLIENT_ID, "sub": "42", "exp": EXP}),
    );
    assert!(matches!(
        read_id_token(&t, CLIENT_ID, &issuers(), NOW),
        Err(ProviderError::Upstream(_))
    ));
}

#[test]
fn accepts_issuer_without_scheme() {
    let t = jwt(
        &serde_json::json!({"iss": "accounts.google.com", "aud": CLIENT_ID, "sub": "1", "exp": EXP}),
    );
    assert!(read_id_token(&t, CLIENT_ID, &issuers(), NOW).is_ok());
}

#[test]
fn rejects_malformed_id_token() {
    for t in ["", "a.b", "a.!!!.c", "a.b.c.d", "e30.e30.sig"] {
        assert!(read_id_token(t, CLIENT_ID, &issuers(), NOW).is_err(), "{t}");
    }
}

#[test]
fn string_true_email_verified_counts() {
    let t = jwt(
        &serde_json::json!({"iss": ISSUER, "aud": CLIENT_ID, "sub": "1", "email_verified": "true", "exp": EXP}),
    );
    assert!(
        read_id_token(&t, CLIENT_ID, &issuers(), NOW)
            .unwrap()
            .email_verified
    );
}

#[test]
fn missing_email_verified_is_false() {
    let t = jwt(&serde_json::json!({"iss": ISSUER, "aud": CLIENT_ID, "sub": "1", "exp": EXP}));
    assert!(
        !read_id_token(&t, CLIENT_ID, &issuers(), NOW)
            .unwrap()
            .email_verified
    );
}

fn read(claims: serde_json::Value) -> Result<Claims, ProviderError> {
    read_id_token(&jwt(&claims), CLIENT_ID, &issuers(), NOW)
}

fn assert_upstream(result: Result<Claims, ProviderError>, why: &str) {
    let err = result.unwrap_err();
    assert!(
        matches!(&err, ProviderError::Upstream(detail) if detail.contains(why)),
        "{err:?}"
    );
}

#[test]
fn rejects_audience_list_without_azp() {
    assert_upstream(
        read(serde_json::json!({"iss": ISSUER, "aud": ["x", CLIENT_ID], "sub": "42", "exp": EXP})),
        "no azp",
    );
    assert_upstream(
        read(serde_json::json!({"iss": ISSUER, "aud": [CLIENT_ID], "sub": "42", "exp": EXP})),
        "no azp",
    );
}

#[test]
fn rejects_audience_list_with_other_azp() {
    assert_upstream(
        read(
            serde_json::json!({"iss": ISSUER, "aud": ["x", CLIENT_ID], "azp": "x", "sub": "42", "exp": EXP}),
        ),
        "azp",
    );
}

#[test]
fn rejects_single_audience_with_other_azp() {
    assert_upstream(
        read(
            serde_json::json!({"iss": ISSUER, "aud": CLIENT_ID, "azp": "other-client", "sub": "42", "exp": EXP}),
        ),
        "azp",
    );
}

#[test]
fn accepts_single_audience_with_our_azp() {
    // What Google sends: `azp` and `aud` both the client id.
    assert!(read(
        serde_json::json!({"iss": ISSUER, "aud": CLIENT_ID, "azp": CLIENT_ID, "sub": "42", "exp": EXP})
    )
    .is_ok());
}

#[test]
fn rejects_id_token_past_exp_and_leeway() {
    assert_upstream(
        read(
            serde_json::json!({"iss": ISSUER, "aud": CLIENT_ID, "sub": "42", "exp": NOW - EXP_LEEWAY_SECS - 1}),
        ),
        "expired",
    );
}

#[test]
fn accepts_id_token_within_exp_leeway() {
    assert!(read(
        serde_json::json!({"iss": ISSUER, "aud": CLIENT_ID, "sub": "42", "exp": NOW - EXP_LEEWAY_SECS})
    )
    .is_ok());
}

#[test]
fn accepts_fractional_exp() {
    assert!(read(serde_json::json!({"iss": ISSUER, "aud": CLIENT_ID, "sub": "42", "exp": (NOW - EXP_LEEWAY_SECS) as f64 + 0.5})).is_ok());
    assert_upstream(
        read(
            serde_json::json!({"iss": ISSUER, "aud": CLIENT_ID, "sub": "42", "exp": (NOW - EXP_LEEWAY_SECS) as f64 - 0.5}),
        ),
        "expired",
    );
}

#[test]
fn rejects_id_token_without_exp() {
    assert_upstream(
        read(serde_json::json!({"iss": ISSUER, "aud": CLIENT_ID, "sub": "42"})),
        "exp",
    );
}

#[test]
fn rejects_non_numeric_exp() {
    for exp in [
        serde_json::json!(EXP.to_string()),
        serde_json::json!(null),
        serde_json::json!(true),
        serde_json::json!([EXP]),
    ] {
        assert_upstream(
            read(serde_json::json!({"iss": ISSUER, "aud": CLIENT_ID, "sub": "42", "exp": exp})),
            "exp",
        );
    }
}

#[test]
fn sign_in_refuses_expired_id_token_by_the_clock_it_is_given() {
    let expired = jwt(&serde_json::json!({
        "iss": ISSUER, "aud": CLIENT_ID, "sub": "42", "email_verified": true, "exp": NOW - 3600
    }));
    let http = FakeHttp::with(vec![
        Ok(token_answer(Some(&expired))),
        Ok((200, USERINFO.into())),
    ]);
    assert!(matches!(
        run(&http).unwrap_err(),
        ProviderError::Upstream(_)
    ));
    // The same answer an hour and a half earlier was good.
    let http = FakeHttp::with(vec![
        Ok(token_answer(Some(&expired))),
        Ok((200, USERINFO.into())),
    ]);
    let iss = issuers();
    let earlier = Exchange {
        now: NOW - 5400,
        ..exchange(&iss)
    };
    assert!(block_on(sign_in(&http, &earlier)).is_ok());
    // Google was not asked for userinfo with an expired id_token.
    let http = FakeHttp::with(vec![Ok(token_answer(Some(&expired)))]);
    run(&http).unwrap_err();
    assert_eq!(http.seen().len(), 1);
}

#[test]
fn rejects_id_token_with_an_empty_sub() {
    let t = jwt(&serde_json::json!({"iss": ISSUER, "aud": CLIENT_ID, "sub": "", "exp": EXP}));
    match read_id_token(&t, CLIENT_ID, &issuers(), NOW) {
        Err(ProviderError::Upstream(detail)) => assert!(detail.contains("sub"), "{detail}"),
        other => panic!("expected an upstream error, got {other:?}"),
    }
}
