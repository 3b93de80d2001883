//! What the `SessionStore` object does with a request, over any `Storage`.
//! The object runs one request at a time and these calls do not await, so
//! each request is atomic: once an `End*` has answered, no later `Check`
//! finds the session.

use super::protocol::{StoreAnswer, StoreRequest};
use super::storage::{Cutoff, Storage};
use super::{clip_user_agent, is_session_id, Limits, SessionRecord, StoreError};
use super::{SEEN_SLACK_SECS, TOUCH_INTERVAL_SECS};

/// Answers one request at `now` (the object's clock, epoch seconds).
pub fn serve<S: Storage>(
    storage: &mut S,
    request: StoreRequest,
    now: u64,
    limits: Limits,
) -> StoreAnswer {
    run(storage, request, now, limits).unwrap_or_else(|err| StoreAnswer::Failed {
        detail: err.to_string(),
    })
}

fn run<S: Storage>(
    storage: &mut S,
    request: StoreRequest,
    now: u64,
    limits: Limits,
) -> Result<StoreAnswer, StoreError> {
    match request {
        StoreRequest::Create { session } => {
            if !is_session_id(&session.id) || session.user.is_empty() {
                return Err(StoreError::Storage("not a session id or user".into()));
            }
            let record = SessionRecord {
                user_agent: clip_user_agent(Some(&session.user_agent)),
                ..session
            };
            storage.insert_session(&record)?;
            Ok(StoreAnswer::Created)
        }
        StoreRequest::Check { user, id } => Ok(match live(storage, &user, &id, now, limits)? {
            true => StoreAnswer::Live,
            false => StoreAnswer::SessionEnded,
        }),
        StoreRequest::List { user, id } => {
            if !live(storage, &user, &id, now, limits)? {
                return Ok(StoreAnswer::SessionEnded);
            }
            let mut sessions: Vec<SessionRecord> = storage
                .user_sessions(&user)?
                .into_iter()
                .filter(|r| r.is_usable(limits, now))
                .collect();
            // Most recently seen first; ties by id, so the order is stable.
            // An insertion sort: a user has a handful of sessions, and the
            // standard sorts cost 1 KB of gzipped wasm.
            for i in 1..sessions.len() {
                let mut j = i;
                while j > 0 && later(&sessions[j], &sessions[j - 1]) {
                    sessions.swap(j, j - 1);
                    j -= 1;
                }
            }
            Ok(StoreAnswer::Sessions {
                sessions: sessions.iter().map(SessionRecord::view).collect(),
            })
        }
        StoreRequest::End { user, id } => {
            let count = end(storage, &user, &id, now, limits)?;
            Ok(StoreAnswer::Ended { count })
        }
        StoreRequest::EndOther { user, id, target } => {
            if !live(storage, &user, &id, now, limits)? {
                return Ok(StoreAnswer::SessionEnded);
            }
            Ok(match end(storage, &user, &target, now, limits)? {
                0 => StoreAnswer::NotFound,
                count => StoreAnswer::Ended { count },
            })
        }
        StoreRequest::EndAll { user, id } => {
            if !live(storage, &user, &id, now, limits)? {
                return Ok(StoreAnswer::SessionEnded);
            }
            // What could no longer be used was not a session to end.
            storage.delete_sessions_before(cutoff(now, limits))?;
            let count = storage.delete_user_sessions(&user)?;
            Ok(StoreAnswer::Ended { count })
        }
        StoreRequest::SpendState { key, expires_at } => {
            if key.is_empty() {
                return Err(StoreError::Storage("empty state key".into()));
            }
            Ok(match storage.insert_state(&key, expires_at)? {
                true => StoreAnswer::StateFresh,
                false => StoreAnswer::StateSpent,
            })
        }
    }
}

fn later(a: &SessionRecord, b: &SessionRecord) -> bool {
    (a.last_seen_at, std::cmp::Reverse(&a.id)) > (b.last_seen_at, std::cmp::Reverse(&b.id))
}

/// Whether `id` is a usable session of `user`; keeps `last_seen_at` to the
/// minute, so a session used many times a minute is written once.
fn live<S: Storage>(
    storage: &mut S,
    user: &str,
    id: &str,
    now: u64,
    limits: Limits,
) -> Result<bool, StoreError> {
    if !is_session_id(id) {
        return Ok(false);
    }
    let Some(record) = storage.session(user, id)? else {
        return Ok(false);
    };
    if !record.is_usable(limits, now) {
        return Ok(false);
    }
    if now >= record.last_seen_at.saturating_add(TOUCH_INTERVAL_SECS) {
        storage.set_last_seen(user, id, now)?;
    }
    Ok(true)
}

/// Ends `id`: 1 when it was live, 0 when it was not (a row too old to use
/// goes as well, but was not a session any more).
fn end<S: Storage>(
    storage: &mut S,
    user: &str,
    id: &str,
    now: u64,
    limits: Limits,
) -> Result<u32, StoreError> {
    if !is_session_id(id) {
        return Ok(0);
    }
    let was_live = storage
        .session(user, id)?
        .is_some_and(|r| r.is_usable(limits, now));
    let deleted = storage.delete_session(user, id)?;
    Ok(u32::from(was_live && deleted > 0))
}

fn cutoff(now: u64, limits: Limits) -> Cutoff {
    Cutoff {
        created_before: now.saturating_sub(limits.max_session_age),
        seen_before: now
            .saturating_sub(limits.max_token_age)
            .saturating_sub(SEEN_SLACK_SECS),
    }
}

/// Deletes what can no longer be used: sessions past `MAX_SESSION_AGE` or
/// unseen for `MAX_TOKEN_AGE`, and spent states whose cookie has expired.
/// Answers how many rows went.
pub fn prune<S: Storage>(storage: &mut S, now: u64, limits: Limits) -> Result<u32, StoreError> {
    let sessions = storage.delete_sessions_before(cutoff(now, limits))?;
    let states = storage.delete_states_before(now)?;
    Ok(sessions + states)
}

/// Whether the row `request` adds needs the alarm set again. Not when an
/// alarm this object set (`armed_at`) is due no later than one second after
/// the new row becomes unusable: it prunes the row in its turn, and setting
/// it again would cost a storage write on every sign-in.
pub fn needs_alarm(armed_at: Option<u64>, request: &StoreRequest, limits: Limits) -> bool {
    let due = match request {
        StoreRequest::Create { session } => session.usable_until(limits),
        StoreRequest::SpendState { expires_at, .. } => *expires_at,
        _ => return false,
    }
    .saturating_add(1);
    armed_at.is_none_or(|at| at > due)
}

/// When the alarm should next run (epoch seconds): one second after the
/// first row becomes unusable, or `None` when nothing is held. After
/// `prune(now)` every row is usable at `now`, so this is always later than
/// `now`, and the alarm never fires in a loop.
pub fn next_alarm<S: Storage>(storage: &mut S, limits: Limits) -> Result<Option<u64>, StoreError> {
    let sessions = storage.earliest_session()?.map(|(created, seen)| {
        let by_age = created.saturating_add(limits.max_session_age);
        let by_use = seen
            .saturating_add(limits.max_token_age)
            .saturating_add(SEEN_SLACK_SECS);
        by_age.min(by_use)
    });
    let states = storage.earliest_state_expiry()?;
    let first = match (sessions, states) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    Ok(first.map(|t| t.saturating_add(1)))
}
