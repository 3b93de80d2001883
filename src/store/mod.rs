//! The session store (CONTRACT.md "Sessions"), as plain Rust: the records,
//! what the Durable Object does with them (`object`), the messages the Worker
//! and the object exchange (`protocol`), and the Worker's typed client
//! (`client`). Storage comes in through `storage::Storage`, so everything here
//! runs on the host against an in-memory storage; `edge::session_store`
//! supplies the SQL storage, the object's clock and the stub transport.

pub mod client;
pub mod error;
pub mod object;
pub mod protocol;
pub mod sql;
pub mod storage;

#[cfg(any(test, feature = "testkit"))]
pub mod fake;
#[cfg(test)]
mod tests;

pub use client::{Checked, Client, Transport};
pub use error::StoreError;

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;

/// How long the Worker waits for the object before answering
/// `503 store_unavailable`.
pub const STORE_TIMEOUT_SECS: u64 = 5;

/// `last_seen_at` is written only once it is this much behind, so most
/// checks of a busy session read and do not write ("to the minute").
pub const TOUCH_INTERVAL_SECS: u64 = 60;

/// Every token of a session is signed at its sign-in (`last_seen_at` then)
/// or at a renewal, which writes `last_seen_at` whatever the touch interval
/// (`StoreRequest::Renew`): no token is younger than the `last_seen_at` the
/// store holds, but for the difference between the Worker's clock and the
/// object's. A session is kept this much past `last_seen_at + MAX_TOKEN_AGE`
/// for that difference, and no more: a session not renewed within
/// `MAX_TOKEN_AGE` is gone seconds later.
pub const CLOCK_SLACK_SECS: u64 = 5;

/// The user agent kept with a session: its first 256 characters.
pub const USER_AGENT_MAX_CHARS: usize = 256;

/// Random bytes in a session id (at least 128 bits, CONTRACT.md "Sessions").
pub const SESSION_ID_BYTES: usize = 16;

/// Live sessions a user may hold; a sign-in past it ends the least recently
/// seen one.
pub const MAX_SESSIONS_PER_USER: u32 = 100;

/// What can make a session unusable; the Worker's own limits
/// (`MAX_TOKEN_AGE`, `MAX_SESSION_AGE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub max_token_age: u64,
    pub max_session_age: u64,
}

impl Limits {
    /// The rule "can this session still be used", in its two forms: the
    /// last second some token of a session created at `created_at` and last
    /// seen at `last_seen_at` can pass the Worker's checks...
    pub fn usable_until(&self, created_at: u64, last_seen_at: u64) -> u64 {
        let by_age = created_at.saturating_add(self.max_session_age);
        let by_use = last_seen_at
            .saturating_add(self.max_token_age)
            .saturating_add(CLOCK_SLACK_SECS);
        by_age.min(by_use)
    }

    /// ...and, for the SQL that deletes by indexed columns, the same rule
    /// as bounds: a row is past use at `now` exactly when its `created_at`
    /// or its `last_seen_at` is below these (a test holds the two forms
    /// together).
    pub fn cutoff(&self, now: u64) -> storage::Cutoff {
        storage::Cutoff {
            created_before: now.saturating_sub(self.max_session_age),
            seen_before: now
                .saturating_sub(self.max_token_age)
                .saturating_sub(CLOCK_SLACK_SECS),
        }
    }

    /// Until when a classic Flask token signed at `signed_at` can pass
    /// `/reauth` (its `auth_time` is its timestamp, which may be up to the
    /// clock leeway ahead): how long its spent signature, or a sign-out
    /// everywhere that refuses it, must be remembered.
    pub fn flask_usable_until(&self, signed_at: u64) -> u64 {
        signed_at
            .saturating_add(self.max_token_age.min(self.max_session_age))
            .saturating_add(crate::token::FUTURE_LEEWAY_SECS)
    }
}

/// One session as the store holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub id: String,
    /// The id_token's `sub`.
    pub user: String,
    /// The Google sign-in (`auth_time`), epoch seconds.
    pub created_at: u64,
    pub last_seen_at: u64,
    pub user_agent: String,
}

impl SessionRecord {
    /// The last second at which some token of this session can still pass
    /// the Worker's checks.
    pub fn usable_until(&self, limits: Limits) -> u64 {
        limits.usable_until(self.created_at, self.last_seen_at)
    }

    pub fn is_usable(&self, limits: Limits, now: u64) -> bool {
        now <= self.usable_until(limits)
    }

    pub fn view(&self) -> SessionView {
        SessionView {
            id: self.id.clone(),
            created_at: self.created_at,
            last_seen_at: self.last_seen_at,
            user_agent: self.user_agent.clone(),
        }
    }
}

/// A session as `GET /auth/sessions` lists it (the Worker adds `current`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionView {
    pub id: String,
    pub created_at: u64,
    pub last_seen_at: u64,
    pub user_agent: String,
}

/// A new session id: 128 bits from the platform's CSPRNG
/// (`crypto.getRandomValues` on Workers), base64url without padding.
pub fn new_session_id() -> Result<String, StoreError> {
    let mut bytes = [0u8; SESSION_ID_BYTES];
    getrandom::getrandom(&mut bytes)
        .map_err(|_| StoreError::Storage("the platform has no CSPRNG".into()))?;
    Ok(base64::Engine::encode(&B64, bytes))
}

/// Whether `id` has the shape `new_session_id` gives; anything else cannot
/// be a session, whoever sent it.
pub fn is_session_id(id: &str) -> bool {
    id.len() == (SESSION_ID_BYTES * 8).div_ceil(6)
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The first `USER_AGENT_MAX_CHARS` characters of a `User-Agent` header.
pub fn clip_user_agent(user_agent: Option<&str>) -> String {
    user_agent
        .unwrap_or_default()
        .chars()
        .take(USER_AGENT_MAX_CHARS)
        .collect()
}
