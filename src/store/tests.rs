use super::fake::FakeStore;
use super::object::{next_due, prune, serve, upkeep, Upkeep};
use super::protocol::{flask_key, state_key, StoreAnswer, StoreRequest};
use super::storage::{MemoryStorage, Storage};
use super::*;
use crate::testkit::block_on;

const NOW: u64 = 1_800_000_000;
const LIMITS: Limits = Limits {
    max_token_age: 1_000,
    max_session_age: 10_000,
};
const ADA: &str = "1001";
const BOB: &str = "2002";

fn id(n: u8) -> String {
    // 22 base64url characters, as new_session_id gives.
    format!("{:A>22}", n)
}

fn record(user: &str, n: u8, created_at: u64, last_seen_at: u64) -> SessionRecord {
    SessionRecord {
        id: id(n),
        user: user.into(),
        created_at,
        last_seen_at,
        user_agent: format!("agent {n}"),
    }
}

/// `/login`'s request for `r`, with a state of its own.
fn sign_in(r: SessionRecord) -> StoreRequest {
    let state = state_key(&format!("state of {}", r.id));
    StoreRequest::SignIn {
        session: r,
        state,
        state_until: NOW + 600,
    }
}

fn storage_with(records: &[SessionRecord]) -> MemoryStorage {
    let mut s = MemoryStorage::default();
    for r in records {
        s.insert_session(r).unwrap();
    }
    s.writes = 0;
    s
}

fn check(s: &mut impl Storage, user: &str, n: u8, now: u64) -> StoreAnswer {
    serve(
        s,
        StoreRequest::Check {
            user: user.into(),
            id: id(n),
        },
        now,
        LIMITS,
    )
}

fn end(s: &mut impl Storage, user: &str, n: u8, now: u64) -> StoreAnswer {
    serve(
        s,
        StoreRequest::End {
            user: user.into(),
            id: id(n),
        },
        now,
        LIMITS,
    )
}

// ------------------------------------------------------------ ids and fields

#[test]
fn new_session_id_is_128_bits_of_base64url() {
    let sid = new_session_id().unwrap();
    assert_eq!(sid.len(), 22);
    assert!(is_session_id(&sid));
    let bytes = base64::Engine::decode(&B64, &sid).unwrap();
    assert_eq!(bytes.len(), 16);
}

#[test]
fn new_session_ids_differ() {
    let ids: std::collections::HashSet<String> =
        (0..100).map(|_| new_session_id().unwrap()).collect();
    assert_eq!(ids.len(), 100);
}

#[test]
fn is_session_id_rejects_wrong_length_and_characters() {
    assert!(is_session_id(&id(1)));
    assert!(!is_session_id(""));
    assert!(!is_session_id(&format!("{}A", id(1))));
    assert!(!is_session_id(&id(1)[1..]));
    assert!(!is_session_id("AAAAAAAAAAAAAAAAAAAA/+"));
    assert!(!is_session_id("AAAAAAAAAAAAAAAAAAAAA="));
}

#[test]
fn clip_user_agent_keeps_256_characters_not_bytes() {
    let long = "é".repeat(300);
    let clipped = clip_user_agent(Some(&long));
    assert_eq!(clipped.chars().count(), 256);
    assert_eq!(clipped.len(), 512);
    assert_eq!(clip_user_agent(Some("short")), "short");
    assert_eq!(clip_user_agent(None), "");
}

// ------------------------------------------------------------ create and check

#[test]
fn created_session_is_live() {
    let mut s = MemoryStorage::default();
    let answer = serve(&mut s, sign_in(record(ADA, 1, NOW, NOW)), NOW, LIMITS);
    assert_eq!(answer, StoreAnswer::Created);
    assert_eq!(check(&mut s, ADA, 1, NOW), StoreAnswer::Live);
}

#[test]
fn create_clips_user_agent() {
    let mut s = MemoryStorage::default();
    let mut r = record(ADA, 1, NOW, NOW);
    r.user_agent = "x".repeat(1000);
    serve(&mut s, sign_in(r), NOW, LIMITS);
    assert_eq!(s.sessions[0].user_agent.len(), USER_AGENT_MAX_CHARS);
}

#[test]
fn create_refuses_malformed_id() {
    let mut s = MemoryStorage::default();
    let mut r = record(ADA, 1, NOW, NOW);
    r.id = "short".into();
    let answer = serve(&mut s, sign_in(r), NOW, LIMITS);
    assert!(matches!(answer, StoreAnswer::Failed { .. }));
    assert!(s.sessions.is_empty());
}

#[test]
fn create_refuses_duplicate_id() {
    let mut s = storage_with(&[record(ADA, 1, NOW, NOW)]);
    let answer = serve(&mut s, sign_in(record(ADA, 1, NOW, NOW)), NOW, LIMITS);
    assert!(matches!(answer, StoreAnswer::Failed { .. }));
    assert_eq!(s.sessions.len(), 1);
}

#[test]
fn check_of_unknown_id_is_ended() {
    let mut s = storage_with(&[record(ADA, 1, NOW, NOW)]);
    assert_eq!(check(&mut s, ADA, 2, NOW), StoreAnswer::SessionEnded);
}

#[test]
fn check_of_malformed_id_is_ended() {
    let mut s = storage_with(&[record(ADA, 1, NOW, NOW)]);
    let answer = serve(
        &mut s,
        StoreRequest::Check {
            user: ADA.into(),
            id: "' OR 1=1 --".into(),
        },
        NOW,
        LIMITS,
    );
    assert_eq!(answer, StoreAnswer::SessionEnded);
}

#[test]
fn check_of_another_users_session_is_ended() {
    let mut s = storage_with(&[record(BOB, 1, NOW, NOW)]);
    assert_eq!(check(&mut s, ADA, 1, NOW), StoreAnswer::SessionEnded);
}

#[test]
fn check_within_the_minute_does_not_write() {
    let mut s = storage_with(&[record(ADA, 1, NOW, NOW)]);
    for t in 0..TOUCH_INTERVAL_SECS {
        assert_eq!(check(&mut s, ADA, 1, NOW + t), StoreAnswer::Live);
    }
    assert_eq!(s.writes, 0);
    assert_eq!(s.sessions[0].last_seen_at, NOW);
}

#[test]
fn check_a_minute_later_writes_last_seen() {
    let mut s = storage_with(&[record(ADA, 1, NOW, NOW)]);
    check(&mut s, ADA, 1, NOW + TOUCH_INTERVAL_SECS);
    assert_eq!(s.writes, 1);
    assert_eq!(s.sessions[0].last_seen_at, NOW + TOUCH_INTERVAL_SECS);
}

#[test]
fn check_past_max_session_age_is_ended() {
    let mut s = storage_with(&[record(ADA, 1, NOW - 10_001, NOW - 10)]);
    assert_eq!(check(&mut s, ADA, 1, NOW), StoreAnswer::SessionEnded);
}

#[test]
fn check_at_max_session_age_is_live() {
    let mut s = storage_with(&[record(ADA, 1, NOW - 10_000, NOW - 10)]);
    assert_eq!(check(&mut s, ADA, 1, NOW), StoreAnswer::Live);
}

#[test]
fn check_unseen_past_max_token_age_and_slack_is_ended() {
    let seen = NOW - 1_000 - CLOCK_SLACK_SECS - 1;
    let mut s = storage_with(&[record(ADA, 1, seen, seen)]);
    assert_eq!(check(&mut s, ADA, 1, NOW), StoreAnswer::SessionEnded);
}

#[test]
fn check_unseen_within_max_token_age_and_slack_is_live() {
    // A token issued up to a minute after the last write may still be valid.
    let seen = NOW - 1_000 - CLOCK_SLACK_SECS;
    let mut s = storage_with(&[record(ADA, 1, seen, seen)]);
    assert_eq!(check(&mut s, ADA, 1, NOW), StoreAnswer::Live);
}

// ------------------------------------------------------------ ending

#[test]
fn end_of_live_session_answers_one() {
    let mut s = storage_with(&[record(ADA, 1, NOW, NOW)]);
    assert_eq!(end(&mut s, ADA, 1, NOW), StoreAnswer::Ended { count: 1 });
}

#[test]
fn ended_session_is_not_live() {
    let mut s = storage_with(&[record(ADA, 1, NOW, NOW)]);
    end(&mut s, ADA, 1, NOW);
    assert_eq!(check(&mut s, ADA, 1, NOW), StoreAnswer::SessionEnded);
}

#[test]
fn second_end_answers_zero() {
    let mut s = storage_with(&[record(ADA, 1, NOW, NOW)]);
    end(&mut s, ADA, 1, NOW);
    assert_eq!(end(&mut s, ADA, 1, NOW), StoreAnswer::Ended { count: 0 });
}

#[test]
fn end_of_unusable_row_answers_zero_and_deletes_it() {
    let mut s = storage_with(&[record(ADA, 1, NOW - 20_000, NOW - 20_000)]);
    assert_eq!(end(&mut s, ADA, 1, NOW), StoreAnswer::Ended { count: 0 });
    assert!(s.sessions.is_empty());
}

#[test]
fn end_does_not_touch_another_users_session() {
    let mut s = storage_with(&[record(BOB, 1, NOW, NOW)]);
    assert_eq!(end(&mut s, ADA, 1, NOW), StoreAnswer::Ended { count: 0 });
    assert_eq!(check(&mut s, BOB, 1, NOW), StoreAnswer::Live);
}

#[test]
fn end_all_counts_the_live_sessions_and_ends_them() {
    let mut s = storage_with(&[
        record(ADA, 1, NOW, NOW),
        record(ADA, 2, NOW, NOW),
        record(ADA, 3, NOW - 20_000, NOW - 20_000),
    ]);
    let answer = serve(
        &mut s,
        StoreRequest::EndAll {
            user: ADA.into(),
            id: id(1),
            flask_until: None,
        },
        NOW,
        LIMITS,
    );
    assert_eq!(answer, StoreAnswer::Ended { count: 2 });
    assert!(s.sessions.is_empty());
}

#[test]
fn end_all_needs_a_live_caller() {
    let mut s = storage_with(&[record(ADA, 2, NOW, NOW)]);
    let answer = serve(
        &mut s,
        StoreRequest::EndAll {
            user: ADA.into(),
            id: id(1),
            flask_until: None,
        },
        NOW,
        LIMITS,
    );
    assert_eq!(answer, StoreAnswer::SessionEnded);
    assert_eq!(s.sessions.len(), 1);
}

fn end_other(s: &mut MemoryStorage, user: &str, caller: u8, target: &str) -> StoreAnswer {
    serve(
        s,
        StoreRequest::EndOther {
            user: user.into(),
            id: id(caller),
            target: target.into(),
        },
        NOW,
        LIMITS,
    )
}

#[test]
fn end_other_ends_the_target_and_keeps_the_caller() {
    let mut s = storage_with(&[record(ADA, 1, NOW, NOW), record(ADA, 2, NOW, NOW)]);
    assert_eq!(
        end_other(&mut s, ADA, 1, &id(2)),
        StoreAnswer::Ended { count: 1 }
    );
    assert_eq!(check(&mut s, ADA, 2, NOW), StoreAnswer::SessionEnded);
    assert_eq!(check(&mut s, ADA, 1, NOW), StoreAnswer::Live);
}

#[test]
fn end_other_may_end_the_callers_own_session() {
    let mut s = storage_with(&[record(ADA, 1, NOW, NOW)]);
    assert_eq!(
        end_other(&mut s, ADA, 1, &id(1)),
        StoreAnswer::Ended { count: 1 }
    );
    assert_eq!(check(&mut s, ADA, 1, NOW), StoreAnswer::SessionEnded);
}

#[test]
fn end_other_of_unknown_target_is_not_found() {
    let mut s = storage_with(&[record(ADA, 1, NOW, NOW)]);
    assert_eq!(end_other(&mut s, ADA, 1, &id(9)), StoreAnswer::NotFound);
    assert_eq!(end_other(&mut s, ADA, 1, "../etc"), StoreAnswer::NotFound);
}

#[test]
fn end_other_of_another_users_session_is_not_found_and_it_survives() {
    let mut s = storage_with(&[record(ADA, 1, NOW, NOW), record(BOB, 2, NOW, NOW)]);
    assert_eq!(end_other(&mut s, ADA, 1, &id(2)), StoreAnswer::NotFound);
    assert_eq!(check(&mut s, BOB, 2, NOW), StoreAnswer::Live);
}

#[test]
fn end_other_needs_a_live_caller() {
    let mut s = storage_with(&[record(ADA, 2, NOW, NOW)]);
    assert_eq!(end_other(&mut s, ADA, 1, &id(2)), StoreAnswer::SessionEnded);
    assert_eq!(s.sessions.len(), 1);
}

// Listing, sign-in states, pruning and the alarm; the wire protocol.
mod lifecycle;
mod sqlite;
mod wire;

#[test]
fn renew_writes_last_seen_now_within_the_minute() {
    let mut s = storage_with(&[record(ADA, 1, NOW, NOW)]);
    let renew = StoreRequest::Renew {
        user: ADA.into(),
        id: id(1),
    };
    assert_eq!(serve(&mut s, renew, NOW + 10, LIMITS), StoreAnswer::Live);
    assert_eq!(s.sessions[0].last_seen_at, NOW + 10);
}

#[test]
fn renew_of_an_ended_session_is_ended_and_writes_nothing() {
    let mut s = storage_with(&[record(ADA, 2, NOW, NOW)]);
    let renew = StoreRequest::Renew {
        user: ADA.into(),
        id: id(1),
    };
    assert_eq!(
        serve(&mut s, renew, NOW + 10, LIMITS),
        StoreAnswer::SessionEnded
    );
    assert_eq!(s.writes, 0);
}

#[test]
fn a_thrown_error_marked_overloaded_is_overloaded() {
    let e = StoreError::thrown("Durable Object is overloaded".into(), true);
    assert!(matches!(e, StoreError::Overloaded(_)));
    assert!(e.clone().during_sign_in().is_overloaded());
}

#[test]
fn a_thrown_error_not_marked_is_unavailable() {
    let e = StoreError::thrown("network lost".into(), false);
    assert!(matches!(e, StoreError::Unavailable(_)));
    assert!(!e.during_sign_in().is_overloaded());
}

#[test]
fn a_failure_during_a_sign_in_is_wrapped_once() {
    let twice = StoreError::Timeout.during_sign_in().during_sign_in();
    assert_eq!(twice, StoreError::SignInLost(Box::new(StoreError::Timeout)));
}
