//! The messages between the Worker and the `SessionStore` object: one JSON
//! request, one JSON answer, each request naming its object. One request
//! per route, so that checking the caller's session and acting on it happen
//! in one call, atomically in the object.

use super::{SessionRecord, SessionView};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Sign-in states are spread over this many objects by their hash.
pub const STATE_SHARDS: usize = 256;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
// Externally tagged (serde's default): an internally tagged enum buffers
// the whole object before choosing a variant, which costs kilobytes of wasm.
#[serde(rename_all = "snake_case")]
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

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
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
    /// user (`idFromName`), and `STATE_SHARDS` for sign-in states.
    pub fn object_name(&self) -> String {
        match self {
            StoreRequest::Create { session } => user_object(&session.user),
            StoreRequest::Check { user, .. }
            | StoreRequest::List { user, .. }
            | StoreRequest::End { user, .. }
            | StoreRequest::EndOther { user, .. }
            | StoreRequest::EndAll { user, .. } => user_object(user),
            StoreRequest::SpendState { key, .. } => {
                // The key is hex: its first two digits pick one of 256 shards.
                format!("states:{}", key.get(..2).unwrap_or("00"))
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

pub fn encode<T: Serialize>(message: &T) -> Vec<u8> {
    // Our own enums of strings and integers always serialize.
    serde_json::to_vec(message).unwrap_or_default()
}
