//! The messages between the Worker and the `SessionStore` object: one
//! request, one answer, each request naming its object. One request per
//! route, so that checking the caller's session and acting on it happen in
//! one call, atomically in the object.
//!
//! On the wire a message is its fields, one per line (`\` and newlines in
//! a field escaped as `\\` and `\n`), the first naming the kind. Written by
//! hand rather than derived with serde: the derived JSON code for these two
//! enums, on both sides of the stub, cost 12 KB of the gzipped wasm.

use super::{SessionRecord, SessionView};
use sha2::{Digest, Sha256};

/// Sign-in states live in objects by the window their spending ends in
/// (`STATE_WINDOW_SECS`), each window spread over `STATE_SHARDS` objects by
/// the state's hash. Every use of one state names the same object (its end
/// comes from the signed sign-in cookie), the objects of the current window
/// stay warm (a cold object costs a few ms to open), and a window's objects
/// empty themselves once its states are past use.
pub const STATE_SHARDS: usize = 4;
pub const STATE_WINDOW_SECS: u64 = 600;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreRequest {
    /// `/login`: a new session.
    Create { session: SessionRecord },
    /// Every route that takes a token: is `id` live? (touches `last_seen_at`)
    Check { user: String, id: String },
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
    /// `DELETE /auth/sessions`: the caller's check, then end them all.
    EndAll { user: String, id: String },
    /// `/login`: spend a sign-in state (`key` is its hash, never the state).
    SpendState { key: String, expires_at: u64 },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreAnswer {
    Created,
    Live,
    /// The caller's session is not live: signed out, ended, never created.
    SessionEnded,
    Ended {
        count: u32,
    },
    /// `EndOther`'s target is not a live session of this user.
    NotFound,
    Sessions {
        sessions: Vec<SessionView>,
    },
    StateFresh,
    StateSpent,
    /// The object could not do it; the detail is for the log.
    Failed {
        detail: String,
    },
}

impl StoreRequest {
    /// The name of the object that holds what this request is about: one per
    /// user (`idFromName`), and `STATE_SHARDS` per window for sign-in states.
    pub fn object_name(&self) -> String {
        match self {
            StoreRequest::Create { session } => user_object(&session.user),
            StoreRequest::Check { user, .. }
            | StoreRequest::List { user, .. }
            | StoreRequest::End { user, .. }
            | StoreRequest::EndOther { user, .. }
            | StoreRequest::EndAll { user, .. } => user_object(user),
            StoreRequest::SpendState { key, expires_at } => {
                // The key is hex: its first digit picks the shard.
                let digit = key
                    .get(..1)
                    .and_then(|d| usize::from_str_radix(d, 16).ok())
                    .unwrap_or(0);
                format!(
                    "states:{}:{}",
                    expires_at / STATE_WINDOW_SECS,
                    digit % STATE_SHARDS
                )
            }
        }
    }
}

pub fn user_object(user: &str) -> String {
    format!("user:{user}")
}

/// What the store keeps of a sign-in state: its SHA-256, in hex.
pub fn state_key(state: &str) -> String {
    Sha256::digest(state.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
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

impl StoreRequest {
    pub fn encode(&self) -> Vec<u8> {
        match self {
            StoreRequest::Create { session: s } => message(&[
                "create",
                &s.id,
                &s.user,
                &s.created_at.to_string(),
                &s.last_seen_at.to_string(),
                &s.user_agent,
            ]),
            StoreRequest::Check { user, id } => message(&["check", user, id]),
            StoreRequest::List { user, id } => message(&["list", user, id]),
            StoreRequest::End { user, id } => message(&["end", user, id]),
            StoreRequest::EndOther { user, id, target } => {
                message(&["end_other", user, id, target])
            }
            StoreRequest::EndAll { user, id } => message(&["end_all", user, id]),
            StoreRequest::SpendState { key, expires_at } => {
                message(&["spend_state", key, &expires_at.to_string()])
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
            ["create", id, user, created_at, last_seen_at, user_agent] => StoreRequest::Create {
                session: SessionRecord {
                    id: id.to_string(),
                    user: user.to_string(),
                    created_at: number(created_at)?,
                    last_seen_at: number(last_seen_at)?,
                    user_agent: user_agent.to_string(),
                },
            },
            ["check", _, _] => StoreRequest::Check { user, id },
            ["list", _, _] => StoreRequest::List { user, id },
            ["end", _, _] => StoreRequest::End { user, id },
            ["end_all", _, _] => StoreRequest::EndAll { user, id },
            ["end_other", _, _, target] => StoreRequest::EndOther {
                user,
                id,
                target: target.to_string(),
            },
            ["spend_state", key, expires_at] => StoreRequest::SpendState {
                key: key.to_string(),
                expires_at: number(expires_at)?,
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
            StoreAnswer::StateFresh => message(&["state_fresh"]),
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
            ["state_fresh"] => StoreAnswer::StateFresh,
            ["state_spent"] => StoreAnswer::StateSpent,
            ["failed", detail] => StoreAnswer::Failed {
                detail: detail.to_string(),
            },
            _ => return Err(Malformed("not a store answer")),
        })
    }
}
