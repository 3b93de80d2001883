//! What the `SessionStore` object does with a request, over any `Storage`.
//! The object runs one request at a time and these calls do not await, so
//! each request is atomic (the runtime commits its writes together): once an
//! `End*` has answered, no later `Check` finds the session, and a sign-in
//! state is spent and its session created in one step.

use super::protocol::{StoreAnswer, StoreRequest};
use super::storage::Storage;
use super::{clip_user_agent, is_session_id, Limits, SessionRecord, StoreError};
use super::{MAX_SESSIONS_PER_USER, TOUCH_INTERVAL_SECS};

/// Answers one request at `now` (the object's clock, epoch seconds).
pub fn serve<S: Storage + ?Sized>(
    storage: &mut S,
    request: StoreRequest,
    now: u64,
    limits: Limits,
) -> StoreAnswer {
    run(storage, request, now, limits).unwrap_or_else(|err| StoreAnswer::Failed {
        detail: err.to_string(),
    })
}

fn run<S: Storage + ?Sized>(
    storage: &mut S,
    request: StoreRequest,
    now: u64,
    limits: Limits,
) -> Result<StoreAnswer, StoreError> {
    match request {
        StoreRequest::SignIn {
            session,
            state,
            state_until,
        } => {
            check_new(&session, &state)?;
            if !storage.spend(&state, state_until)? {
                return Ok(StoreAnswer::StateSpent);
            }
            create(storage, session, now, limits)
        }
        StoreRequest::Upgrade {
            session,
            token,
            signed_at,
            token_until,
        } => {
            check_new(&session, &token)?;
            let signed_out = storage.signed_out_at(now)?;
            if signed_out.is_some_and(|at| signed_at <= at)
                || !storage.spend(&token, token_until)?
            {
                return Ok(StoreAnswer::SessionEnded);
            }
            create(storage, session, now, limits)
        }
        StoreRequest::Check { user, id } => Ok(match live(storage, &user, &id, now, limits)? {
            true => StoreAnswer::Live,
            false => StoreAnswer::SessionEnded,
        }),
        StoreRequest::Renew { user, id } => {
            if !live(storage, &user, &id, now, limits)? {
                return Ok(StoreAnswer::SessionEnded);
            }
            // The renewed token is signed now: the session is seen now.
            storage.set_last_seen(&user, &id, now)?;
            Ok(StoreAnswer::Live)
        }
        StoreRequest::List { user, id } => {
            if !live(storage, &user, &id, now, limits)? {
                return Ok(StoreAnswer::SessionEnded);
            }
            // What can no longer be used is not listed: it goes first. The
            // storage answers in the listing's order (SQLite sorts).
            storage.delete_sessions_before(limits.cutoff(now))?;
            let sessions = storage.user_sessions(&user)?;
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
        StoreRequest::EndAll {
            user,
            id,
            flask_until,
        } => {
            if !live(storage, &user, &id, now, limits)? {
                return Ok(StoreAnswer::SessionEnded);
            }
            // What could no longer be used was not a session to end.
            storage.delete_sessions_before(limits.cutoff(now))?;
            let count = storage.delete_user_sessions(&user)?;
            if let Some(until) = flask_until {
                storage.set_signed_out(now, until)?;
            }
            Ok(StoreAnswer::Ended { count })
        }
    }
}

fn check_new(session: &SessionRecord, key: &str) -> Result<(), StoreError> {
    if !is_session_id(&session.id) || session.user.is_empty() || key.is_empty() {
        return Err(StoreError::Storage(
            "not a session id, user or spent key".into(),
        ));
    }
    Ok(())
}

/// Adds a session, ending the least recently seen ones past
/// `MAX_SESSIONS_PER_USER` (the new one, seen now, is never among them).
fn create<S: Storage + ?Sized>(
    storage: &mut S,
    session: SessionRecord,
    now: u64,
    limits: Limits,
) -> Result<StoreAnswer, StoreError> {
    let record = SessionRecord {
        user_agent: clip_user_agent(Some(&session.user_agent)),
        ..session
    };
    // Rows past use do not count against the cap, nor make it end a live one.
    storage.delete_sessions_before(limits.cutoff(now))?;
    storage.keep_most_recent(&record.user, MAX_SESSIONS_PER_USER - 1)?;
    storage.insert_session(&record)?;
    Ok(StoreAnswer::Created)
}

/// Whether `id` is a usable session of `user`; keeps `last_seen_at` to the
/// minute, so a session used many times a minute is written once.
fn live<S: Storage + ?Sized>(
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
fn end<S: Storage + ?Sized>(
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

/// Deletes what can no longer be used: sessions past `MAX_SESSION_AGE` or
/// unseen for `MAX_TOKEN_AGE`, spent keys and the sign-out mark past their
/// time. Answers how many rows went.
pub fn prune<S: Storage + ?Sized>(
    storage: &mut S,
    now: u64,
    limits: Limits,
) -> Result<u32, StoreError> {
    let sessions = storage.delete_sessions_before(limits.cutoff(now))?;
    let spent = storage.delete_spent_before(now)?;
    let mark = storage.delete_signed_out_before(now)?;
    Ok(sessions + spent + mark)
}

/// When the alarm should next run (epoch seconds): one second after the
/// first row becomes unusable, or `None` when nothing is held. After
/// `prune(now)` every row is usable at `now`, so this is always later than
/// `now`, and the alarm never fires in a loop.
pub fn next_due<S: Storage + ?Sized>(
    storage: &mut S,
    limits: Limits,
) -> Result<Option<u64>, StoreError> {
    // The minimum of min(a + x, b + y) over rows is min(min a + x, min b + y):
    // the rule applied to the two smallest columns is exact.
    let sessions = storage
        .earliest_session()?
        .map(|(created, seen)| limits.usable_until(created, seen));
    let others = storage.earliest_expiry()?;
    let first = match (sessions, others) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    Ok(first.map(|t| t.saturating_add(1)))
}

/// What the object does with its storage after a request that changed rows,
/// or when its alarm fires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Upkeep {
    /// Nothing live is left: `deleteAll()`, which takes the alarm too.
    DeleteAll,
    /// Set the alarm for then (epoch seconds).
    Alarm(u64),
    /// The alarm already set comes first: nothing to write.
    Keep,
}

/// Prunes, then: nothing held → `DeleteAll`; else the alarm for the first
/// row to become unusable, unless the one set (`armed_at`, as far as this
/// instance knows) comes no later, so that most sign-ins write no alarm.
pub fn upkeep<S: Storage + ?Sized>(
    storage: &mut S,
    now: u64,
    limits: Limits,
    armed_at: Option<u64>,
) -> Result<Upkeep, StoreError> {
    prune(storage, now, limits)?;
    Ok(match next_due(storage, limits)? {
        None => Upkeep::DeleteAll,
        Some(due) if armed_at.is_some_and(|at| at <= due && at > now) => Upkeep::Keep,
        Some(due) => Upkeep::Alarm(due),
    })
}
