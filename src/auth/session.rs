//! The session token's payload and lifetime rules: what `/login` issues,
//! what `/reauth` renews, and what every check refuses.

use crate::auth::AuthError;
use crate::json_object::{self, Field};
use crate::providers::{self, verified_email_of, Kind};
use crate::token::{Keyring, TokenError};
use serde::Deserialize;
use serde_json::value::RawValue;

#[derive(Debug)]
pub struct Session {
    /// The userinfo JSON text, exactly as it was signed.
    pub user_info: Box<RawValue>,
    /// When the user signed in with their provider (epoch seconds).
    pub auth_time: u64,
    /// Its session in the store; `None` from a stateless Worker,
    /// or a token minted outside `/login`.
    pub sid: Option<String>,
    /// What the store and the account policy need of `user_info`.
    pub account: Account,
}

/// The parts of a token's `user_info` the Worker acts on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Account {
    /// The store's user (`user_id`).
    pub user: Option<String>,
    /// The address the allow-lists judge: for an OpenID Connect sign-in,
    /// only when its `email_verified` is true.
    pub email: Option<String>,
    /// Google's Workspace domain; nobody else's `hd` counts.
    pub hd: Option<String>,
}

impl Account {
    /// A `user_info` whose fields are not strings gives no account: the
    /// store then holds no session for it, and allow-lists refuse it.
    pub fn of(user_info: &RawValue) -> Account {
        let Some(fields) = json_object::fields(
            user_info.get().as_bytes(),
            ["provider", "sub", "id", "email", "hd"],
        ) else {
            return Account::default();
        };
        let [provider, sub, id, email, hd] = fields;
        // Google's userinfo has no `provider`: a token without one is
        // Google's, as every token made before other providers existed.
        let kind = match &provider {
            Field::Absent => Kind::Google,
            Field::Text(name) => match Kind::from_name(name) {
                Some(kind) if kind != Kind::Google => kind,
                _ => return Account::default(),
            },
            _ => return Account::default(),
        };
        // `id` and `hd` are Google's; another provider's may be anything.
        let read = match kind {
            Kind::Google => [&sub, &id, &email, &hd].to_vec(),
            Kind::GitHub | Kind::Oidc => [&sub, &email].to_vec(),
        };
        if read
            .iter()
            .any(|f| !matches!(f, Field::Absent | Field::Text(_)))
        {
            return Account::default();
        }
        let text = |f: Field| match f {
            Field::Text(s) => Some(s),
            _ => None,
        };
        let (sub, id, email, hd) = (text(sub), text(id), text(email), text(hd));
        let sub = match kind {
            Kind::Google => sub.or(id),
            Kind::GitHub | Kind::Oidc => sub,
        };
        let email = match kind {
            Kind::Oidc => email.filter(|_| {
                verified_email_of(user_info.get()).is_some_and(|(_, verified)| verified)
            }),
            Kind::Google | Kind::GitHub => email,
        };
        Account {
            user: sub
                .filter(|u| !u.is_empty())
                .map(|u| providers::user_id(kind, &u)),
            email,
            hd: hd.filter(|_| kind == Kind::Google),
        }
    }
}

/// The store's user id of a token's `user_info`: Google's `sub` (or the
/// `id` of its older userinfo), `github:<id>`, `oidc:<sub>`; what the
/// backend gets as `X-Auth-Request-User`. `None`: the `user_info` names no
/// user (no session can be its).
pub fn user_id(user_info: &RawValue) -> Option<String> {
    Account::of(user_info).user
}

/// What the lifetime checks need from the configuration.
#[derive(Debug, Clone, Copy)]
pub struct Lifetimes {
    pub max_token_age: u64,
    pub max_session_age: u64,
}

/// `user_info` must be minified JSON object text (see `providers::minify_json`).
/// `sid` is the session in the store, when one is bound.
pub fn issue(
    keyring: &Keyring,
    user_info: &str,
    auth_time: u64,
    sid: Option<&str>,
    now: u64,
) -> String {
    let payload = match sid {
        // A string of ours always serializes; quoting it keeps the payload
        // JSON whatever a minted token's sid held.
        Some(sid) => format!(
            r#"{{"user_info":{user_info},"auth_time":{auth_time},"sid":{}}}"#,
            serde_json::to_string(sid).unwrap_or_else(|_| "\"\"".into())
        ),
        None => format!(r#"{{"user_info":{user_info},"auth_time":{auth_time}}}"#),
    };
    keyring.sign(payload.as_bytes(), now)
}

#[derive(Deserialize)]
struct Payload {
    user_info: Box<RawValue>,
    #[serde(default)]
    auth_time: Option<u64>,
    #[serde(default)]
    sid: Option<String>,
}

fn token_error(err: TokenError) -> AuthError {
    match err {
        TokenError::SignatureExpired { .. } => AuthError::TokenExpired,
        TokenError::BadSignature | TokenError::FutureTimestamp | TokenError::BadPayload => {
            AuthError::InvalidToken { presented: true }
        }
    }
}

fn parse_payload(json: &[u8], timestamp: u64) -> Result<Session, AuthError> {
    let payload: Payload =
        serde_json::from_slice(json).map_err(|_| AuthError::InvalidToken { presented: true })?;
    if !payload.user_info.get().starts_with('{') {
        return Err(AuthError::InvalidToken { presented: true });
    }
    Ok(Session {
        account: Account::of(&payload.user_info),
        user_info: payload.user_info,
        // Tokens from before sliding sessions count from their own timestamp.
        auth_time: payload.auth_time.unwrap_or(timestamp),
        sid: payload.sid,
    })
}

/// The session cap, and (CONTRACT.md "Hardening") an `auth_time` more than
/// the clock leeway ahead is a forged or broken token: it would otherwise
/// push the cap out as far as its signer liked.
fn check_session_age(session: &Session, limits: Lifetimes, now: u64) -> Result<(), AuthError> {
    if session.auth_time.saturating_sub(now) > crate::token::FUTURE_LEEWAY_SECS {
        return Err(AuthError::InvalidToken { presented: true });
    }
    if now.saturating_sub(session.auth_time) > limits.max_session_age {
        Err(AuthError::TokenExpired)
    } else {
        Ok(())
    }
}

/// The check behind every protected route: signature, token age, session age.
pub fn verify(
    keyring: &Keyring,
    token: &str,
    limits: Lifetimes,
    now: u64,
) -> Result<Session, AuthError> {
    let unsigned = keyring
        .unsign(token, limits.max_token_age, now)
        .map_err(token_error)?;
    let session = parse_payload(&unsigned.payload, unsigned.timestamp)?;
    check_session_age(&session, limits, now)?;
    Ok(session)
}

/// `/logout`'s check: the signature only, so that a token past its age can
/// still sign its session out.
pub fn read_signed(keyring: &Keyring, token: &str, now: u64) -> Result<Session, AuthError> {
    let unsigned = keyring.unsign(token, u64::MAX, now).map_err(token_error)?;
    parse_payload(&unsigned.payload, unsigned.timestamp)
}

/// What `/reauth` answers with.
#[derive(Debug)]
pub struct Renewal {
    pub session: Session,
    /// The token to hand back: the presented one while it is young, a fresh
    /// one (same `auth_time`) once it is past half its life.
    pub token: String,
    pub renewed: bool,
    /// A classic Flask token, answered with a new-format token: its session
    /// (`session.sid`, from `new_sid`) is new.
    pub upgraded: bool,
    /// The presented token's own timestamp (when it was signed).
    pub signed_at: u64,
}

/// `new_sid` gives the session id of an upgraded Flask token (`None`
/// without a store); it is only called for one.
pub fn reauth(
    keyring: &Keyring,
    token: &str,
    limits: Lifetimes,
    now: u64,
    accept_flask: bool,
    new_sid: impl FnOnce() -> Option<String>,
) -> Result<Renewal, AuthError> {
    match keyring.unsign(token, limits.max_token_age, now) {
        Ok(unsigned) => {
            let session = parse_payload(&unsigned.payload, unsigned.timestamp)?;
            check_session_age(&session, limits, now)?;
            let age = now.saturating_sub(unsigned.timestamp);
            if age > limits.max_token_age / 2 {
                // The same session: the renewed token keeps its sid.
                Ok(renewed(
                    keyring,
                    session,
                    None,
                    now,
                    false,
                    unsigned.timestamp,
                ))
            } else {
                Ok(Renewal {
                    session,
                    token: token.to_string(),
                    renewed: false,
                    upgraded: false,
                    signed_at: unsigned.timestamp,
                })
            }
        }
        Err(TokenError::BadSignature) if accept_flask => {
            // A classic Flask token: its signer differs, so only a bad
            // signature under ours sends us here.
            let unsigned = keyring
                .unsign_flask(token, limits.max_token_age, now)
                .map_err(|e| match e {
                    TokenError::BadSignature => AuthError::InvalidToken { presented: true },
                    other => token_error(other),
                })?;
            let session = Session {
                auth_time: unsigned.timestamp,
                ..parse_payload(&unsigned.payload, unsigned.timestamp)?
            };
            check_session_age(&session, limits, now)?;
            // A Flask token carries no session of ours: it starts one.
            let session = Session {
                sid: new_sid(),
                ..session
            };
            let user_info = crate::providers::minify_json(session.user_info.get());
            Ok(renewed(
                keyring,
                session,
                Some(user_info),
                now,
                true,
                unsigned.timestamp,
            ))
        }
        Err(e) => Err(token_error(e)),
    }
}

/// A freshly signed token for `session` (its `auth_time` and `sid`), with
/// its own `user_info` unless `user_info` replaces it.
fn renewed(
    keyring: &Keyring,
    session: Session,
    user_info: Option<String>,
    now: u64,
    upgraded: bool,
    signed_at: u64,
) -> Renewal {
    let token = issue(
        keyring,
        user_info.as_deref().unwrap_or(session.user_info.get()),
        session.auth_time,
        session.sid.as_deref(),
        now,
    );
    Renewal {
        session,
        token,
        renewed: true,
        upgraded,
        signed_at,
    }
}

#[cfg(test)]
mod tests;
