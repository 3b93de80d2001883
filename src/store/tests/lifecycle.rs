use super::*;

// ------------------------------------------------------------ listing

fn list(s: &mut MemoryStorage, user: &str, caller: u8, now: u64) -> StoreAnswer {
    serve(
        s,
        StoreRequest::List {
            user: user.into(),
            id: id(caller),
        },
        now,
        LIMITS,
    )
}

fn listed_ids(answer: StoreAnswer) -> Vec<String> {
    match answer {
        StoreAnswer::Sessions { sessions } => sessions.into_iter().map(|v| v.id).collect(),
        other => panic!("not a listing: {other:?}"),
    }
}

#[test]
fn list_is_most_recently_seen_first() {
    let mut s = storage_with(&[
        record(ADA, 1, NOW - 500, NOW - 300),
        record(ADA, 2, NOW - 500, NOW - 100),
        record(ADA, 3, NOW - 500, NOW - 200),
    ]);
    // The caller's own check touches it (it was seen more than a minute ago).
    assert_eq!(
        listed_ids(list(&mut s, ADA, 1, NOW)),
        vec![id(1), id(2), id(3)]
    );
}

#[test]
fn list_leaves_out_unusable_and_other_users_sessions() {
    let mut s = storage_with(&[
        record(ADA, 1, NOW, NOW),
        record(ADA, 2, NOW - 20_000, NOW - 20_000),
        record(BOB, 3, NOW, NOW),
    ]);
    assert_eq!(listed_ids(list(&mut s, ADA, 1, NOW)), vec![id(1)]);
}

#[test]
fn list_carries_the_recorded_fields() {
    let mut s = storage_with(&[record(ADA, 1, NOW - 50, NOW - 10)]);
    match list(&mut s, ADA, 1, NOW) {
        StoreAnswer::Sessions { sessions } => assert_eq!(
            sessions,
            vec![SessionView {
                id: id(1),
                created_at: NOW - 50,
                last_seen_at: NOW - 10,
                user_agent: "agent 1".into(),
            }]
        ),
        other => panic!("not a listing: {other:?}"),
    }
}

#[test]
fn list_needs_a_live_caller() {
    let mut s = storage_with(&[record(ADA, 2, NOW, NOW)]);
    assert_eq!(list(&mut s, ADA, 1, NOW), StoreAnswer::SessionEnded);
}

// ------------------------------------------------------------ sign-in states

fn sign_in_with(s: &mut MemoryStorage, n: u8, state: &str, now: u64) -> StoreAnswer {
    serve(
        s,
        StoreRequest::SignIn {
            session: record(ADA, n, now, now),
            state: state_key(state),
            state_until: now + 600,
        },
        now,
        LIMITS,
    )
}

#[test]
fn sign_in_with_a_fresh_state_creates_the_session() {
    let mut s = MemoryStorage::default();
    assert_eq!(sign_in_with(&mut s, 1, "abc", NOW), StoreAnswer::Created);
    assert_eq!(check(&mut s, ADA, 1, NOW), StoreAnswer::Live);
}

#[test]
fn sign_in_with_a_spent_state_creates_nothing() {
    let mut s = MemoryStorage::default();
    sign_in_with(&mut s, 1, "abc", NOW);
    assert_eq!(
        sign_in_with(&mut s, 2, "abc", NOW + 1),
        StoreAnswer::StateSpent
    );
    assert_eq!(s.sessions.len(), 1);
    assert_eq!(check(&mut s, ADA, 2, NOW + 1), StoreAnswer::SessionEnded);
}

#[test]
fn another_state_signs_in_again() {
    let mut s = MemoryStorage::default();
    sign_in_with(&mut s, 1, "abc", NOW);
    assert_eq!(sign_in_with(&mut s, 2, "abd", NOW), StoreAnswer::Created);
}

#[test]
fn state_key_is_its_sha256_not_the_state() {
    let key = state_key("my-state");
    assert!(!key.contains("my-state"));
    assert_eq!(
        state_key("abc"),
        "state:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
}

#[test]
fn flask_key_is_the_sha256_of_the_signature_only() {
    // SHA-256("sig") as coreutils' sha256sum gives it.
    assert_eq!(
        flask_key("payload.ts.sig"),
        "flask:a543997d84f12798350c09bdef2cdb171bf41ed3e4a5f808af2feb0c56263009"
    );
    assert_eq!(flask_key("other.ts.sig"), flask_key("payload.ts.sig"));
    assert_ne!(flask_key("payload.ts.sih"), flask_key("payload.ts.sig"));
}

// ------------------------------------------------------------ pruning and the alarm

#[test]
fn prune_deletes_sessions_past_max_session_age() {
    let mut s = storage_with(&[record(ADA, 1, NOW - 10_001, NOW)]);
    assert_eq!(prune(&mut s, NOW, LIMITS).unwrap(), 1);
    assert!(s.sessions.is_empty());
}

#[test]
fn prune_deletes_sessions_unseen_past_max_token_age() {
    let seen = NOW - 1_000 - CLOCK_SLACK_SECS - 1;
    let mut s = storage_with(&[record(ADA, 1, seen, seen)]);
    assert_eq!(prune(&mut s, NOW, LIMITS).unwrap(), 1);
}

#[test]
fn prune_keeps_what_can_still_be_used() {
    let seen = NOW - 1_000 - CLOCK_SLACK_SECS;
    let mut s = storage_with(&[
        record(ADA, 1, NOW - 10_000, NOW),
        record(ADA, 2, seen, seen),
    ]);
    assert_eq!(prune(&mut s, NOW, LIMITS).unwrap(), 0);
    assert_eq!(s.sessions.len(), 2);
}

#[test]
fn prune_keeps_exactly_the_sessions_check_finds_usable() {
    // The SQL delete and the check's test must draw the same line.
    let mut records = Vec::new();
    let backs = [0u64, 999, 1_000, 1_119, 1_120, 1_121, 9_999, 10_000, 10_001];
    for (n, back) in backs.into_iter().enumerate() {
        records.push(record(ADA, n as u8, NOW - back, NOW - back.min(1_200)));
    }
    let usable: Vec<String> = records
        .iter()
        .filter(|r| r.is_usable(LIMITS, NOW))
        .map(|r| r.id.clone())
        .collect();
    let mut s = storage_with(&records);
    prune(&mut s, NOW, LIMITS).unwrap();
    let kept: Vec<String> = s.sessions.iter().map(|r| r.id.clone()).collect();
    assert_eq!(kept, usable);
    assert!(!kept.is_empty() && kept.len() < records.len());
}

#[test]
fn the_rule_and_its_cutoff_agree_everywhere_near_the_edges() {
    // `Limits::usable_until` and `Limits::cutoff` are the one rule in two
    // forms: for every row and every moment, "usable" and "not deleted" agree.
    for created_back in (0..12_000u64).step_by(97).chain([9_999, 10_000, 10_001]) {
        for seen_back in [0u64, 1_119, 1_120, 1_121, 5_000] {
            let r = record(
                ADA,
                1,
                NOW - created_back,
                NOW - seen_back.min(created_back),
            );
            let cut = LIMITS.cutoff(NOW);
            let deleted = r.created_at < cut.created_before || r.last_seen_at < cut.seen_before;
            assert_eq!(r.is_usable(LIMITS, NOW), !deleted, "{r:?}");
        }
    }
}

#[test]
fn prune_deletes_expired_spent_keys_only() {
    let mut s = MemoryStorage::default();
    sign_in_with(&mut s, 1, "old", NOW - 700);
    sign_in_with(&mut s, 2, "new", NOW - 100);
    assert_eq!(prune(&mut s, NOW, LIMITS).unwrap(), 1);
    assert_eq!(sign_in_with(&mut s, 3, "new", NOW), StoreAnswer::StateSpent);
    assert_eq!(sign_in_with(&mut s, 4, "old", NOW), StoreAnswer::Created);
}

#[test]
fn nothing_due_when_nothing_is_held() {
    let mut s = MemoryStorage::default();
    assert_eq!(next_due(&mut s, LIMITS).unwrap(), None);
}

#[test]
fn due_a_second_after_the_first_session_becomes_unusable() {
    let mut s = storage_with(&[
        record(ADA, 1, NOW - 9_000, NOW),     // age: until NOW + 1000
        record(ADA, 2, NOW - 100, NOW - 500), // use: until NOW + 500 + slack
    ]);
    assert_eq!(
        next_due(&mut s, LIMITS).unwrap(),
        Some(NOW + 500 + CLOCK_SLACK_SECS + 1)
    );
}

#[test]
fn due_for_a_spent_state_too() {
    let mut s = MemoryStorage::default();
    s.spend(&state_key("abc"), NOW + 600).unwrap();
    assert_eq!(next_due(&mut s, LIMITS).unwrap(), Some(NOW + 601));
}

#[test]
fn due_after_prune_is_later_than_now() {
    let mut s = storage_with(&[
        record(ADA, 1, NOW - 10_000, NOW),
        record(ADA, 2, NOW - 10_001, NOW),
    ]);
    s.spend(&state_key("abc"), NOW - 1).unwrap();
    prune(&mut s, NOW, LIMITS).unwrap();
    assert_eq!(next_due(&mut s, LIMITS).unwrap(), Some(NOW + 1));
}

#[test]
fn upkeep_sets_the_alarm_of_a_fresh_instance() {
    let mut s = storage_with(&[record(ADA, 1, NOW, NOW)]);
    let due = LIMITS.usable_until(NOW, NOW) + 1;
    assert_eq!(
        upkeep(&mut s, NOW, LIMITS, None).unwrap(),
        Upkeep::Alarm(due)
    );
}

#[test]
fn upkeep_keeps_an_alarm_that_comes_first() {
    let mut s = storage_with(&[record(ADA, 1, NOW, NOW)]);
    s.spend(&state_key("abc"), NOW + 600).unwrap();
    assert_eq!(
        upkeep(&mut s, NOW, LIMITS, Some(NOW + 601)).unwrap(),
        Upkeep::Keep
    );
    assert_eq!(
        upkeep(&mut s, NOW, LIMITS, Some(NOW + 500)).unwrap(),
        Upkeep::Keep
    );
}

#[test]
fn upkeep_moves_an_alarm_that_comes_later_or_has_passed() {
    let mut s = MemoryStorage::default();
    s.spend(&state_key("abc"), NOW + 600).unwrap();
    assert_eq!(
        upkeep(&mut s, NOW, LIMITS, Some(NOW + 700)).unwrap(),
        Upkeep::Alarm(NOW + 601)
    );
    assert_eq!(
        upkeep(&mut s, NOW, LIMITS, Some(NOW)).unwrap(),
        Upkeep::Alarm(NOW + 601)
    );
}

#[test]
fn upkeep_deletes_all_when_nothing_live_is_left() {
    let mut s = storage_with(&[record(ADA, 1, NOW - 20_000, NOW - 20_000)]);
    s.spend(&state_key("abc"), NOW - 1).unwrap();
    assert_eq!(
        upkeep(&mut s, NOW, LIMITS, Some(NOW + 5)).unwrap(),
        Upkeep::DeleteAll
    );
    assert!(s.is_empty());
}

#[test]
fn upkeep_keeps_storage_while_a_spent_state_could_be_replayed() {
    let mut s = MemoryStorage::default();
    sign_in_with(&mut s, 1, "abc", NOW);
    end(&mut s, ADA, 1, NOW);
    assert_ne!(
        upkeep(&mut s, NOW, LIMITS, None).unwrap(),
        Upkeep::DeleteAll
    );
    assert_eq!(
        upkeep(&mut s, NOW + 601, LIMITS, None).unwrap(),
        Upkeep::DeleteAll
    );
}

#[test]
fn only_requests_that_change_rows_need_upkeep() {
    let (user, id) = (ADA.to_string(), id(1));
    assert!(!StoreRequest::Check {
        user: user.clone(),
        id: id.clone()
    }
    .changes_rows());
    assert!(!StoreRequest::List {
        user: user.clone(),
        id: id.clone()
    }
    .changes_rows());
    assert!(StoreRequest::End { user, id }.changes_rows());
    assert!(sign_in(record(ADA, 1, NOW, NOW)).changes_rows());
}

#[test]
fn broken_storage_answers_failed() {
    let mut s = storage_with(&[record(ADA, 1, NOW, NOW)]);
    s.broken = true;
    assert!(matches!(
        check(&mut s, ADA, 1, NOW),
        StoreAnswer::Failed { .. }
    ));
}
