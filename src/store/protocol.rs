//! The messages between the Worker and the `SessionStore` object: one
//! request, one answer, each request naming its object. One request per
//! route, so that checking the caller's session and acting on it happen in
//! one call, atomically in the object.
//!
//! On the wire a message is its fields, one per line (`\` and newlines in
//! a field escaped as `\\` and `\n`), the first naming the kind: a line
//! protocol written by hand rather than JSON derived with serde, whose code
//! for these two enums, on both sides of the stub, cost 12 KB of the gzipped
//! wasm.

use super::{SessionRecord, SessionView};
use sha2::{Digest, Sha256};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreRequest {
    /// `/login`: spend the sign-in state (`state` is its key, never the
    /// state) and, when it was fresh, create the session; one call, in the
    /// user's object.
    SignIn {
        session: SessionRecord,
        state: String,
        state_until: u64,
    },
    /// `/reauth` with a classic Flask token: spend its signature (`token` is
    /// its key) and start a session, unless it was spent already or the user
    /// signed out everywhere since `signed_at`.
    Upgrade {
        session: SessionRecord,
        token: String,
        signed_at: u64,
        token_until: u64,
    },
    /// Every route that takes a token: is `id` live? (touches `last_seen_at`)
    Check { user: String, id: String },
    /// `/reauth` answering a renewed token: `Check`, and `last_seen_at`
    /// written now, so that the store knows its youngest token.
    Renew { user: String, id: String },
    /// `GET /auth/sessions`: the caller's check, then the user's live sessions.
    List { user: String, id: String },
    /// `POST /logout`: end `id`, live or not; no check of the caller.
    End { user: String, id: String },
    /// `DELETE /auth/sessions/{target}`: the caller's check, then end `target`.
    EndOther {
        user: String,
        id: String,
        target: String,
    },
    /// `DELETE /auth/sessions`: the caller's check, then end them all; with
    /// `flask_until`, remember the moment until then, so that no Flask token
    /// signed before it is upgraded.
    EndAll {
        user: String,
        id: String,
        flask_until: Option<u64>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreAnswer {
    Created,
    Live,
    /// The caller's session is not live: signed out, ended, never created;
    /// or a Flask token that was upgraded already.
    SessionEnded,
    Ended {
        count: u32,
    },
    /// `EndOther`'s target is not a live session of this user.
    NotFound,
    Sessions {
        sessions: Vec<SessionView>,
    },
    /// `SignIn`'s state was spent already: nothing was created.
    StateSpent,
    /// The object could not do it; the detail is for the log.
    Failed {
        detail: String,
    },
}

impl StoreRequest {
    /// The name of the object that holds what this request is about: the
    /// user's own (`idFromName`), for every request; no object is shared by
    /// users, so the store scales with them.
    pub fn object_name(&self) -> String {
        user_object(self.user())
    }

    pub fn user(&self) -> &str {
        match self {
            StoreRequest::SignIn { session, .. } | StoreRequest::Upgrade { session, .. } => {
                &session.user
            }
            StoreRequest::Check { user, .. }
            | StoreRequest::Renew { user, .. }
            | StoreRequest::List { user, .. }
            | StoreRequest::End { user, .. }
            | StoreRequest::EndOther { user, .. }
            | StoreRequest::EndAll { user, .. } => user,
        }
    }

    /// Whether the request may add or end rows, so that the object looks
    /// at its alarm and at whether anything is left afterwards; a check or
    /// a listing does neither.
    pub fn changes_rows(&self) -> bool {
        !matches!(self, StoreRequest::Check { .. } | StoreRequest::List { .. })
    }
}

pub fn user_object(user: &str) -> String {
    format!("user:{user}")
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// What the store keeps of a sign-in state: its SHA-256, in hex.
pub fn state_key(state: &str) -> String {
    format!("state:{}", sha256_hex(state.as_bytes()))
}

/// What the store keeps of an upgraded Flask token: its signature's
/// SHA-256 (the signature is what makes it that token), in hex.
pub fn flask_key(token: &str) -> String {
    let signature = token.rsplit_once('.').map_or(token, |(_, sig)| sig);
    format!("flask:{}", sha256_hex(signature.as_bytes()))
}

/// Why bytes are not a message; the detail is for the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Malformed(pub &'static str);

fn push(out: &mut String, field: &str) {
    if !out.is_empty() {
        out.push('\n');
    }
    for c in field.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
}

fn unescape(field: &str) -> Result<String, Malformed> {
    let mut out = String::with_capacity(field.len());
    let mut chars = field.chars();
    while let Some(c) = chars.next() {
        out.push(match c {
            '\\' => match chars.next() {
                Some('\\') => '\\',
                Some('n') => '\n',
                _ => return Err(Malformed("a bad escape")),
            },
            c => c,
        });
    }
    Ok(out)
}

/// The fields of a message, unescaped.
fn fields(bytes: &[u8]) -> Result<Vec<String>, Malformed> {
    let text = std::str::from_utf8(bytes).map_err(|_| Malformed("not UTF-8"))?;
    let mut fields = Vec::new();
    for field in text.split('\n') {
        fields.push(unescape(field)?);
    }
    Ok(fields)
}

fn number(field: &str) -> Result<u64, Malformed> {
    field.parse().map_err(|_| Malformed("not a number"))
}

fn message(parts: &[&str]) -> Vec<u8> {
    let mut out = String::new();
    for part in parts {
        push(&mut out, part);
    }
    out.into_bytes()
}

fn session_fields(s: &SessionRecord) -> [String; 5] {
    [
        s.id.clone(),
        s.user.clone(),
        s.created_at.to_string(),
        s.last_seen_at.to_string(),
        s.user_agent.clone(),
    ]
}

fn session_of(f: &[&str]) -> Result<SessionRecord, Malformed> {
    match f {
        [id, user, created_at, last_seen_at, user_agent] => Ok(SessionRecord {
            id: id.to_string(),
            user: user.to_string(),
            created_at: number(created_at)?,
            last_seen_at: number(last_seen_at)?,
            user_agent: user_agent.to_string(),
        }),
        _ => Err(Malformed("not a session")),
    }
}

impl StoreRequest {
    pub fn encode(&self) -> Vec<u8> {
        match self {
            StoreRequest::SignIn {
                session,
                state,
                state_until,
            } => {
                let [a, b, c, d, e] = session_fields(session);
                message(&[
                    "sign_in",
                    &a,
                    &b,
                    &c,
                    &d,
                    &e,
                    state,
                    &state_until.to_string(),
                ])
            }
            StoreRequest::Upgrade {
                session,
                token,
                signed_at,
                token_until,
            } => {
                let [a, b, c, d, e] = session_fields(session);
                message(&[
                    "upgrade",
                    &a,
                    &b,
                    &c,
                    &d,
                    &e,
                    token,
                    &signed_at.to_string(),
                    &token_until.to_string(),
                ])
            }
            StoreRequest::Check { user, id } => message(&["check", user, id]),
            StoreRequest::Renew { user, id } => message(&["renew", user, id]),
            StoreRequest::List { user, id } => message(&["list", user, id]),
            StoreRequest::End { user, id } => message(&["end", user, id]),
            StoreRequest::EndOther { user, id, target } => {
                message(&["end_other", user, id, target])
            }
            StoreRequest::EndAll {
                user,
                id,
                flask_until,
            } => {
                // An empty field: nothing to remember.
                let until = flask_until.map(|t| t.to_string()).unwrap_or_default();
                message(&["end_all", user, id, &until])
            }
        }
    }

    pub fn decode(bytes: &[u8]) -> Result<Self, Malformed> {
        let f = fields(bytes)?;
        let f: Vec<&str> = f.iter().map(String::as_str).collect();
        let (user, id) = match f.as_slice() {
            [_, user, id, ..] => (user.to_string(), id.to_string()),
            _ => (String::new(), String::new()),
        };
        Ok(match f.as_slice() {
            ["sign_in", session @ .., state, state_until] => StoreRequest::SignIn {
                session: session_of(session)?,
                state: state.to_string(),
                state_until: number(state_until)?,
            },
            ["upgrade", session @ .., token, signed_at, token_until] => StoreRequest::Upgrade {
                session: session_of(session)?,
                token: token.to_string(),
                signed_at: number(signed_at)?,
                token_until: number(token_until)?,
            },
            ["check", _, _] => StoreRequest::Check { user, id },
            ["renew", _, _] => StoreRequest::Renew { user, id },
            ["list", _, _] => StoreRequest::List { user, id },
            ["end", _, _] => StoreRequest::End { user, id },
            ["end_all", _, _, until] => StoreRequest::EndAll {
                user,
                id,
                flask_until: match *until {
                    "" => None,
                    t => Some(number(t)?),
                },
            },
            ["end_other", _, _, target] => StoreRequest::EndOther {
                user,
                id,
                target: target.to_string(),
            },
            _ => return Err(Malformed("not a store request")),
        })
    }
}

impl StoreAnswer {
    pub fn encode(&self) -> Vec<u8> {
        match self {
            StoreAnswer::Created => message(&["created"]),
            StoreAnswer::Live => message(&["live"]),
            StoreAnswer::SessionEnded => message(&["session_ended"]),
            StoreAnswer::Ended { count } => message(&["ended", &count.to_string()]),
            StoreAnswer::NotFound => message(&["not_found"]),
            StoreAnswer::Sessions { sessions } => {
                let mut out = String::new();
                push(&mut out, "sessions");
                for v in sessions {
                    push(&mut out, &v.id);
                    push(&mut out, &v.created_at.to_string());
                    push(&mut out, &v.last_seen_at.to_string());
                    push(&mut out, &v.user_agent);
                }
                out.into_bytes()
            }
            StoreAnswer::StateSpent => message(&["state_spent"]),
            StoreAnswer::Failed { detail } => message(&["failed", detail]),
        }
    }

    pub fn decode(bytes: &[u8]) -> Result<Self, Malformed> {
        let f = fields(bytes)?;
        let f: Vec<&str> = f.iter().map(String::as_str).collect();
        Ok(match f.as_slice() {
            ["created"] => StoreAnswer::Created,
            ["live"] => StoreAnswer::Live,
            ["session_ended"] => StoreAnswer::SessionEnded,
            ["ended", count] => StoreAnswer::Ended {
                count: u32::try_from(number(count)?).map_err(|_| Malformed("a count too large"))?,
            },
            ["not_found"] => StoreAnswer::NotFound,
            ["sessions", rest @ ..] if rest.len() % 4 == 0 => {
                // Loops rather than collecting into a Result: fewer bytes of wasm.
                let mut sessions = Vec::with_capacity(rest.len() / 4);
                for v in rest.chunks(4) {
                    sessions.push(SessionView {
                        id: v[0].to_string(),
                        created_at: number(v[1])?,
                        last_seen_at: number(v[2])?,
                        user_agent: v[3].to_string(),
                    });
                }
                StoreAnswer::Sessions { sessions }
            }
            ["state_spent"] => StoreAnswer::StateSpent,
            ["failed", detail] => StoreAnswer::Failed {
                detail: detail.to_string(),
            },
            _ => return Err(Malformed("not a store answer")),
        })
    }
}
