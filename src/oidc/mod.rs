//! Talking to Google: the authorization-code exchange (through the `oauth2`
//! crate, over whatever HTTP client the platform gives), the id_token's
//! claims, and the userinfo call. Every way Google can fail maps onto one
//! `ApiError`.

use crate::http::error::ApiError;
use base64::Engine as _;
use oauth2::basic::{
    BasicErrorResponse, BasicErrorResponseType, BasicRevocationErrorResponse,
    BasicTokenIntrospectionResponse, BasicTokenType,
};
use oauth2::{
    AsyncHttpClient, AuthType, AuthorizationCode, Client, ClientId, ClientSecret, EndpointNotSet,
    EndpointSet, ExtraTokenFields, HttpRequest, PkceCodeVerifier, RedirectUrl, RequestTokenError,
    StandardRevocableToken, StandardTokenResponse, TokenResponse, TokenUrl,
};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::borrow::Cow;

/// Google's token answer carries the id_token beside the access token.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct IdTokenField {
    #[serde(default)]
    pub id_token: Option<String>,
}
impl ExtraTokenFields for IdTokenField {}

type GoogleTokenResponse = StandardTokenResponse<IdTokenField, BasicTokenType>;
type GoogleClient = Client<
    BasicErrorResponse,
    GoogleTokenResponse,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
>;

/// Everything one sign-in needs to know about the Google side.
#[derive(Debug, Clone)]
pub struct Exchange<'a> {
    pub client_id: &'a str,
    pub client_secret: &'a str,
    pub token_url: &'a str,
    pub userinfo_url: &'a str,
    pub issuers: &'a [String],
    pub redirect_uri: &'a str,
    pub code: &'a str,
    pub pkce_verifier: Option<&'a str>,
}

/// The id_token claims the account policy needs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Claims {
    pub sub: String,
    pub email: Option<String>,
    pub email_verified: bool,
    pub hd: Option<String>,
}

#[derive(Debug)]
pub struct Identity {
    pub claims: Claims,
    /// The userinfo JSON as Google sent it, minus insignificant whitespace.
    pub user_info: String,
}

/// The upper bound on what we accept from Google in one answer.
pub const MAX_UPSTREAM_BODY: usize = 256 * 1024;

pub async fn sign_in<C>(http: &C, x: &Exchange<'_>) -> Result<Identity, ApiError>
where
    C: for<'c> AsyncHttpClient<'c>,
{
    let token_url = TokenUrl::new(x.token_url.to_string())
        .map_err(|e| ApiError::Upstream(format!("GOOGLE_TOKEN_URL does not parse: {e}")))?;
    let redirect = RedirectUrl::new(x.redirect_uri.to_string())
        .map_err(|_| ApiError::RedirectUriNotAllowed)?;
    let client: GoogleClient = Client::new(ClientId::new(x.client_id.to_string()))
        .set_client_secret(ClientSecret::new(x.client_secret.to_string()))
        // Google takes the credentials in the form body as well as Basic;
        // the body avoids Basic's URL-encoding pitfalls with secrets.
        .set_auth_type(AuthType::RequestBody)
        .set_token_uri(token_url);

    let mut request = client
        .exchange_code(AuthorizationCode::new(x.code.to_string()))
        .set_redirect_uri(Cow::Borrowed(&redirect));
    if let Some(v) = x.pkce_verifier {
        request = request.set_pkce_verifier(PkceCodeVerifier::new(v.to_string()));
    }
    let token = request.request_async(http).await.map_err(token_error)?;

    let id_token = token
        .extra_fields()
        .id_token
        .as_deref()
        .ok_or_else(|| ApiError::Upstream("token answer has no id_token".into()))?;
    let claims = read_id_token(id_token, x.client_id, x.issuers)?;
    let user_info = fetch_userinfo(http, x.userinfo_url, token.access_token().secret()).await?;
    check_userinfo_subject(&user_info, &claims.sub)?;
    Ok(Identity {
        claims,
        user_info: minify_json(user_info.get()),
    })
}

fn token_error<E: std::error::Error>(err: RequestTokenError<E, BasicErrorResponse>) -> ApiError {
    match err {
        RequestTokenError::ServerResponse(resp) => match resp.error() {
            BasicErrorResponseType::InvalidGrant => ApiError::InvalidGrant,
            BasicErrorResponseType::InvalidClient | BasicErrorResponseType::UnauthorizedClient => {
                ApiError::ClientRejected(format!("token endpoint answered {}", resp.error()))
            }
            BasicErrorResponseType::Extension(e) if e == "redirect_uri_mismatch" => {
                ApiError::RedirectUriNotRegistered
            }
            other => ApiError::Upstream(format!("token endpoint answered {other}")),
        },
        RequestTokenError::Request(e) => ApiError::Upstream(format!("token endpoint: {e}")),
        RequestTokenError::Parse(e, _body) => {
            ApiError::Upstream(format!("token endpoint answer does not parse: {e}"))
        }
        RequestTokenError::Other(e) => ApiError::Upstream(format!("token endpoint: {e}")),
    }
}

/// Reads the id_token's claims without checking its signature: it came
/// straight from the token endpoint over TLS (OpenID Connect Core 3.1.3.7),
/// but `aud` and `iss` must still be ours.
pub fn read_id_token(
    id_token: &str,
    client_id: &str,
    issuers: &[String],
) -> Result<Claims, ApiError> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Audience {
        One(String),
        Many(Vec<String>),
    }
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Flag {
        Bool(bool),
        // Some Google answers have carried "true" as a string.
        Text(String),
    }
    #[derive(Deserialize)]
    struct Raw {
        iss: String,
        aud: Audience,
        sub: String,
        #[serde(default)]
        email: Option<String>,
        #[serde(default)]
        email_verified: Option<Flag>,
        #[serde(default)]
        hd: Option<String>,
    }
    let bad = |why: &str| ApiError::Upstream(format!("id_token {why}"));
    let mut parts = id_token.split('.');
    let (Some(_header), Some(payload), Some(_sig), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad("is not a JWS compact serialization"));
    };
    let json = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .map_err(|_| bad("payload is not base64url"))?;
    let raw: Raw = serde_json::from_slice(&json).map_err(|_| bad("claims do not parse"))?;
    let aud_ok = match &raw.aud {
        Audience::One(a) => a == client_id,
        Audience::Many(all) => all.iter().any(|a| a == client_id),
    };
    if !aud_ok {
        return Err(bad("aud is not our client id"));
    }
    if !issuers.iter().any(|i| i == &raw.iss) {
        return Err(bad("iss is not the expected issuer"));
    }
    Ok(Claims {
        sub: raw.sub,
        email: raw.email,
        email_verified: matches!(raw.email_verified, Some(Flag::Bool(true)))
            || matches!(&raw.email_verified, Some(Flag::Text(t)) if t == "true"),
        hd: raw.hd,
    })
}

async fn fetch_userinfo<C>(
    http: &C,
    url: &str,
    access_token: &str,
) -> Result<Box<RawValue>, ApiError>
where
    C: for<'c> AsyncHttpClient<'c>,
{
    let request: HttpRequest = oauth2::http::Request::builder()
        .method(oauth2::http::Method::GET)
        .uri(url)
        .header(
            oauth2::http::header::AUTHORIZATION,
            format!("Bearer {access_token}"),
        )
        .header(oauth2::http::header::ACCEPT, "application/json")
        .body(Vec::new())
        .map_err(|e| ApiError::Upstream(format!("userinfo request: {e}")))?;
    let response = http
        .call(request)
        .await
        .map_err(|e| ApiError::Upstream(format!("userinfo endpoint: {e}")))?;
    let status = response.status().as_u16();
    if status != 200 {
        return Err(ApiError::Upstream(format!(
            "userinfo endpoint answered {status}"
        )));
    }
    let raw: Box<RawValue> = serde_json::from_slice(response.body())
        .map_err(|_| ApiError::Upstream("userinfo answer is not JSON".into()))?;
    if !raw.get().starts_with('{') {
        return Err(ApiError::Upstream(
            "userinfo answer is not a JSON object".into(),
        ));
    }
    Ok(raw)
}

/// OpenID Connect Core 5.3.2: userinfo's `sub` must equal the id_token's,
/// or the userinfo must not be used.
fn check_userinfo_subject(user_info: &RawValue, sub: &str) -> Result<(), ApiError> {
    #[derive(Deserialize)]
    struct Subject<'a> {
        #[serde(borrow)]
        sub: Option<Cow<'a, str>>,
    }
    let subject: Subject =
        serde_json::from_str(user_info.get()).map_err(|_| ApiError::Upstream("userinfo".into()))?;
    match subject.sub {
        Some(s) if s == sub => Ok(()),
        _ => Err(ApiError::Upstream(
            "userinfo sub differs from the id_token's".into(),
        )),
    }
}

/// Drops whitespace outside strings from JSON text that already parsed,
/// keeping Google's key order (a round trip through `Value` would sort it).
pub fn minify_json(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    let mut in_string = false;
    let mut escaped = false;
    for c in json.chars() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
            out.push(c);
        } else if !c.is_ascii_whitespace() {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::testing::{block_on, jwt, FakeHttp};

    pub const CLIENT_ID: &str = "client-123.apps.example";
    pub const ISSUER: &str = "https://accounts.google.com";

    fn issuers() -> Vec<String> {
        vec![ISSUER.to_string(), "accounts.google.com".to_string()]
    }

    fn exchange<'a>(issuers: &'a [String]) -> Exchange<'a> {
        Exchange {
            client_id: CLIENT_ID,
            client_secret: "shh",
            token_url: "https://oauth2.example/token",
            userinfo_url: "https://oauth2.example/userinfo",
            issuers,
            redirect_uri: "https://app.example/torii/redirect.html",
            code: "4/code",
            pkce_verifier: Some("verifier-verifier-verifier-verifier-verifier-123"),
        }
    }

    pub fn good_id_token() -> String {
        jwt(&serde_json::json!({
            "iss": ISSUER, "aud": CLIENT_ID, "sub": "42",
            "email": "ada@example.com", "email_verified": true, "hd": "example.com"
        }))
    }

    pub fn token_answer(id_token: Option<&str>) -> (u16, String) {
        let mut body = serde_json::json!({
            "access_token": "ya29.access", "token_type": "Bearer", "expires_in": 3599,
            "scope": "openid email profile"
        });
        if let Some(t) = id_token {
            body["id_token"] = t.into();
        }
        (200, body.to_string())
    }

    const USERINFO: &str = "{\n  \"sub\": \"42\",\n  \"name\": \"Ada Lovelace\",\n  \"email\": \"ada@example.com\",\n  \"email_verified\": true\n}";

    fn run(http: &FakeHttp) -> Result<Identity, ApiError> {
        let iss = issuers();
        block_on(sign_in(http, &exchange(&iss)))
    }

    #[test]
    fn sends_the_exact_token_request() {
        let http = FakeHttp::with(vec![
            Ok(token_answer(Some(&good_id_token()))),
            Ok((200, USERINFO.into())),
        ]);
        run(&http).unwrap();
        let seen = http.seen();
        let token_req = &seen[0];
        assert_eq!(token_req.method(), oauth2::http::Method::POST);
        assert_eq!(token_req.uri(), "https://oauth2.example/token");
        assert_eq!(
            token_req.headers()["content-type"],
            "application/x-www-form-urlencoded"
        );
        let form: Vec<(String, String)> = url_form(token_req.body());
        let get = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        assert_eq!(get("grant_type"), Some("authorization_code"));
        assert_eq!(get("code"), Some("4/code"));
        assert_eq!(get("client_id"), Some(CLIENT_ID));
        assert_eq!(get("client_secret"), Some("shh"));
        assert_eq!(
            get("redirect_uri"),
            Some("https://app.example/torii/redirect.html")
        );
        assert_eq!(
            get("code_verifier"),
            Some("verifier-verifier-verifier-verifier-verifier-123")
        );
        assert!(token_req.headers().get("authorization").is_none());
    }

    fn url_form(body: &[u8]) -> Vec<(String, String)> {
        oauth2::url::form_urlencoded::parse(body)
            .into_owned()
            .collect()
    }

    #[test]
    fn sends_access_token_to_userinfo() {
        let http = FakeHttp::with(vec![
            Ok(token_answer(Some(&good_id_token()))),
            Ok((200, USERINFO.into())),
        ]);
        run(&http).unwrap();
        let req = &http.seen()[1];
        assert_eq!(req.method(), oauth2::http::Method::GET);
        assert_eq!(req.uri(), "https://oauth2.example/userinfo");
        assert_eq!(req.headers()["authorization"], "Bearer ya29.access");
    }

    #[test]
    fn returns_userinfo_in_google_order_without_whitespace() {
        let http = FakeHttp::with(vec![
            Ok(token_answer(Some(&good_id_token()))),
            Ok((200, USERINFO.into())),
        ]);
        let id = run(&http).unwrap();
        assert_eq!(
            id.user_info,
            r#"{"sub":"42","name":"Ada Lovelace","email":"ada@example.com","email_verified":true}"#
        );
        assert_eq!(id.claims.hd.as_deref(), Some("example.com"));
        assert!(id.claims.email_verified);
    }

    fn error_answer(status: u16, error: &str) -> Result<(u16, String), String> {
        Ok((
            status,
            format!(r#"{{"error":"{error}","error_description":"x"}}"#),
        ))
    }

    #[test]
    fn maps_invalid_grant() {
        let http = FakeHttp::with(vec![error_answer(400, "invalid_grant")]);
        assert_eq!(run(&http).unwrap_err(), ApiError::InvalidGrant);
    }

    #[test]
    fn maps_invalid_client_to_misconfiguration() {
        let http = FakeHttp::with(vec![error_answer(401, "invalid_client")]);
        let err = run(&http).unwrap_err();
        assert_eq!(err.status(), 500);
        assert_eq!(err.code(), "server_misconfigured");
    }

    #[test]
    fn maps_unauthorized_client_to_misconfiguration() {
        let http = FakeHttp::with(vec![error_answer(400, "unauthorized_client")]);
        assert_eq!(run(&http).unwrap_err().status(), 500);
    }

    #[test]
    fn maps_redirect_uri_mismatch() {
        let http = FakeHttp::with(vec![error_answer(400, "redirect_uri_mismatch")]);
        assert_eq!(run(&http).unwrap_err(), ApiError::RedirectUriNotRegistered);
    }

    #[test]
    fn maps_other_oauth_error_to_upstream() {
        let http = FakeHttp::with(vec![error_answer(400, "invalid_request")]);
        assert_eq!(run(&http).unwrap_err().status(), 502);
    }

    #[test]
    fn maps_server_error_page_to_upstream() {
        let http = FakeHttp::with(vec![Ok((503, "<html>down</html>".into()))]);
        assert_eq!(run(&http).unwrap_err().status(), 502);
    }

    #[test]
    fn maps_bad_json_to_upstream() {
        let http = FakeHttp::with(vec![Ok((200, "{not json".into()))]);
        assert_eq!(run(&http).unwrap_err().status(), 502);
    }

    #[test]
    fn maps_transport_error_to_upstream() {
        let http = FakeHttp::with(vec![Err("connection refused".into())]);
        let err = run(&http).unwrap_err();
        assert_eq!(err.status(), 502);
        assert!(err.log_detail().unwrap().contains("connection refused"));
    }

    #[test]
    fn rejects_answer_without_id_token() {
        let http = FakeHttp::with(vec![Ok(token_answer(None))]);
        assert_eq!(run(&http).unwrap_err().status(), 502);
    }

    #[test]
    fn rejects_id_token_for_other_audience() {
        let t = jwt(&serde_json::json!({"iss": ISSUER, "aud": "someone-else", "sub": "42"}));
        assert!(read_id_token(&t, CLIENT_ID, &issuers()).is_err());
    }

    #[test]
    fn accepts_audience_list_with_our_client() {
        let t = jwt(&serde_json::json!({"iss": ISSUER, "aud": ["x", CLIENT_ID], "sub": "42"}));
        assert!(read_id_token(&t, CLIENT_ID, &issuers()).is_ok());
    }

    #[test]
    fn rejects_id_token_from_other_issuer() {
        let t =
            jwt(&serde_json::json!({"iss": "https://evil.example", "aud": CLIENT_ID, "sub": "42"}));
        assert_eq!(
            read_id_token(&t, CLIENT_ID, &issuers())
                .unwrap_err()
                .status(),
            502
        );
    }

    #[test]
    fn accepts_issuer_without_scheme() {
        let t =
            jwt(&serde_json::json!({"iss": "accounts.google.com", "aud": CLIENT_ID, "sub": "1"}));
        assert!(read_id_token(&t, CLIENT_ID, &issuers()).is_ok());
    }

    #[test]
    fn rejects_malformed_id_token() {
        for t in ["", "a.b", "a.!!!.c", "a.b.c.d", "e30.e30.sig"] {
            assert!(read_id_token(t, CLIENT_ID, &issuers()).is_err(), "{t}");
        }
    }

    #[test]
    fn string_true_email_verified_counts() {
        let t = jwt(
            &serde_json::json!({"iss": ISSUER, "aud": CLIENT_ID, "sub": "1", "email_verified": "true"}),
        );
        assert!(
            read_id_token(&t, CLIENT_ID, &issuers())
                .unwrap()
                .email_verified
        );
    }

    #[test]
    fn missing_email_verified_is_false() {
        let t = jwt(&serde_json::json!({"iss": ISSUER, "aud": CLIENT_ID, "sub": "1"}));
        assert!(
            !read_id_token(&t, CLIENT_ID, &issuers())
                .unwrap()
                .email_verified
        );
    }

    #[test]
    fn rejects_userinfo_refusing_the_token() {
        let http = FakeHttp::with(vec![
            Ok(token_answer(Some(&good_id_token()))),
            Ok((401, r#"{"error":"invalid_token"}"#.into())),
        ]);
        assert_eq!(run(&http).unwrap_err().status(), 502);
    }

    #[test]
    fn rejects_userinfo_for_another_subject() {
        let http = FakeHttp::with(vec![
            Ok(token_answer(Some(&good_id_token()))),
            Ok((200, r#"{"sub":"43","email":"eve@example.com"}"#.into())),
        ]);
        assert_eq!(run(&http).unwrap_err().status(), 502);
    }

    #[test]
    fn rejects_userinfo_that_is_not_an_object() {
        let http = FakeHttp::with(vec![
            Ok(token_answer(Some(&good_id_token()))),
            Ok((200, "[1]".into())),
        ]);
        assert_eq!(run(&http).unwrap_err().status(), 502);
    }

    #[test]
    fn minify_keeps_whitespace_inside_strings() {
        assert_eq!(
            minify_json("{ \"a b\" : \"c \\\" d\" ,\n \"e\": [1, 2] }"),
            r#"{"a b":"c \" d","e":[1,2]}"#
        );
    }
}
