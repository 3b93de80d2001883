use super::*;

// ------------------------------------------------------------ protocol

#[test]
fn request_is_one_field_per_line() {
    let r = StoreRequest::Check {
        user: ADA.into(),
        id: id(1),
    };
    assert_eq!(r.encode(), format!("check\n{ADA}\n{}", id(1)).into_bytes());
}

#[test]
fn newlines_and_backslashes_in_a_field_survive_the_wire() {
    let mut session = record(ADA, 1, NOW, NOW);
    session.user_agent = "a\nb\\n\\\nc\r".into();
    session.user = "odd\\user\n".into();
    let r = sign_in(session);
    assert_eq!(StoreRequest::decode(&r.encode()), Ok(r));
}

#[test]
fn malformed_requests_are_refused() {
    for bytes in [
        &b""[..],
        b"check\n1001",
        b"check\n1001\nid\nextra",
        b"drop_table\n1001\nid",
        b"sign_in\nid\nuser\n1\n2\nua\nkey\nsoon",
        b"sign_in\nid\nuser\n1\n-2\nua\nkey\n3",
        b"sign_in\nid\nuser\n1\n2\nkey\n3",
        b"upgrade\nid\nuser\n1\n2\nua\nkey\n3",
        b"end_all\n1001\nid\nsoon",
        b"end_all\n1001\nid",
        b"check\n10\\x01\nid",
        b"check\n\xff\nid",
    ] {
        assert!(StoreRequest::decode(bytes).is_err(), "{bytes:?}");
    }
}

#[test]
fn malformed_answers_are_refused() {
    for bytes in [
        &b"<html>oops</html>"[..],
        b"ended",
        b"ended\n-1",
        b"ended\n99999999999",
        b"sessions\nid\n1\n2",
        b"live\n",
    ] {
        assert!(StoreAnswer::decode(bytes).is_err(), "{bytes:?}");
    }
}

#[test]
fn every_request_survives_the_wire() {
    let requests = vec![
        sign_in(record(ADA, 1, NOW, NOW)),
        StoreRequest::Upgrade {
            session: record(ADA, 2, NOW - 5, NOW),
            token: flask_key("a.b.c"),
            signed_at: NOW - 5,
            token_until: NOW + 100,
        },
        StoreRequest::Check {
            user: ADA.into(),
            id: id(1),
        },
        StoreRequest::Renew {
            user: ADA.into(),
            id: id(1),
        },
        StoreRequest::List {
            user: ADA.into(),
            id: id(1),
        },
        StoreRequest::End {
            user: ADA.into(),
            id: id(1),
        },
        StoreRequest::EndOther {
            user: ADA.into(),
            id: id(1),
            target: id(2),
        },
        StoreRequest::EndAll {
            user: ADA.into(),
            id: id(1),
            flask_until: None,
        },
        StoreRequest::EndAll {
            user: ADA.into(),
            id: id(1),
            flask_until: Some(NOW + 7),
        },
    ];
    for r in requests {
        assert_eq!(StoreRequest::decode(&r.encode()), Ok(r));
    }
}

#[test]
fn every_answer_survives_the_wire() {
    let answers = vec![
        StoreAnswer::Created,
        StoreAnswer::Live,
        StoreAnswer::SessionEnded,
        StoreAnswer::Ended { count: 3 },
        StoreAnswer::NotFound,
        StoreAnswer::Sessions {
            sessions: vec![record(ADA, 1, NOW, NOW).view(), record(ADA, 2, 5, 6).view()],
        },
        StoreAnswer::Sessions { sessions: vec![] },
        StoreAnswer::StateSpent,
        StoreAnswer::Failed { detail: "x".into() },
    ];
    for a in answers {
        assert_eq!(StoreAnswer::decode(&a.encode()), Ok(a));
    }
}

#[test]
fn every_request_goes_to_its_users_object() {
    let requests = [
        StoreRequest::EndAll {
            user: ADA.into(),
            id: id(1),
            flask_until: None,
        },
        sign_in(record(ADA, 1, NOW, NOW)),
        StoreRequest::Upgrade {
            session: record(ADA, 2, NOW, NOW),
            token: flask_key("a.b.c"),
            signed_at: NOW,
            token_until: NOW,
        },
        StoreRequest::Check {
            user: ADA.into(),
            id: id(1),
        },
    ];
    for r in requests {
        assert_eq!(r.object_name(), "user:1001", "{r:?}");
    }
}

#[test]
fn sign_ins_of_two_users_share_no_object() {
    let ada = sign_in(record(ADA, 1, NOW, NOW));
    let bob = sign_in(record(BOB, 2, NOW, NOW));
    assert_ne!(ada.object_name(), bob.object_name());
}

// ------------------------------------------------------------ client over the fake

fn store() -> FakeStore {
    FakeStore::new(NOW, LIMITS)
}

fn signed_in(store: &FakeStore, user: &str, n: u8) {
    let state = format!("state {user} {n}");
    let created =
        block_on(Client::new(store).sign_in(record(user, n, NOW, NOW), &state, NOW + 600));
    assert_eq!(created, Ok(true));
}

#[test]
fn client_round_trip_create_check_end() {
    let fake = store();
    let client = Client::new(&fake);
    signed_in(&fake, ADA, 1);
    assert_eq!(
        block_on(client.check(ADA, &id(1), false)),
        Ok(Checked::Live(()))
    );
    assert_eq!(block_on(client.end(ADA, &id(1))), Ok(1));
    assert_eq!(
        block_on(client.check(ADA, &id(1), false)),
        Ok(Checked::Ended)
    );
    assert_eq!(block_on(client.end(ADA, &id(1))), Ok(0));
}

#[test]
fn client_keeps_users_in_their_own_objects() {
    let fake = store();
    signed_in(&fake, ADA, 1);
    signed_in(&fake, BOB, 2);
    let client = Client::new(&fake);
    assert_eq!(
        block_on(client.end_other(ADA, &id(1), &id(2))),
        Ok(Checked::Live(false))
    );
    assert_eq!(
        block_on(client.check(BOB, &id(2), false)),
        Ok(Checked::Live(()))
    );
    assert_eq!(fake.objects.borrow().len(), 2);
}

#[test]
fn client_lists_and_ends_all() {
    let fake = store();
    signed_in(&fake, ADA, 1);
    signed_in(&fake, ADA, 2);
    let client = Client::new(&fake);
    match block_on(client.list(ADA, &id(1))).unwrap() {
        Checked::Live(sessions) => assert_eq!(sessions.len(), 2),
        Checked::Ended => panic!("caller is live"),
    }
    assert_eq!(
        block_on(client.end_all(ADA, &id(2), None)),
        Ok(Checked::Live(2))
    );
    assert_eq!(fake.session_count(), 0);
    assert_eq!(block_on(client.list(ADA, &id(1))), Ok(Checked::Ended));
}

#[test]
fn client_checks_of_a_busy_session_write_once_a_minute() {
    let fake = store();
    signed_in(&fake, ADA, 1);
    let written = fake.writes();
    let client = Client::new(&fake);
    for t in 0..120 {
        fake.now.set(NOW + t);
        assert_eq!(
            block_on(client.check(ADA, &id(1), false)),
            Ok(Checked::Live(()))
        );
    }
    assert_eq!(fake.writes() - written, 1);
}

#[test]
fn client_signs_in_with_a_state_once() {
    let fake = store();
    let client = Client::new(&fake);
    let first = block_on(client.sign_in(record(ADA, 1, NOW, NOW), "st", NOW + 600));
    let again = block_on(client.sign_in(record(ADA, 2, NOW, NOW), "st", NOW + 600));
    assert_eq!((first, again), (Ok(true), Ok(false)));
    assert_eq!(fake.session_count(), 1);
}

#[test]
fn client_sign_in_is_one_call() {
    let fake = store();
    block_on(Client::new(&fake).sign_in(record(ADA, 1, NOW, NOW), "st", NOW + 600)).unwrap();
    assert_eq!(*fake.calls.borrow(), vec!["user:1001".to_string()]);
}

#[test]
fn client_passes_on_a_transport_timeout() {
    let fake = store();
    fake.fail_with(StoreError::Timeout);
    let client = Client::new(&fake);
    assert_eq!(
        block_on(client.check(ADA, &id(1), false)),
        Err(StoreError::Timeout)
    );
}

#[test]
fn client_turns_a_failed_answer_into_a_storage_error() {
    let fake = store();
    fake.objects
        .borrow_mut()
        .entry("user:1001".into())
        .or_default()
        .broken = true;
    let client = Client::new(&fake);
    assert!(matches!(
        block_on(client.check(ADA, &id(1), false)),
        Err(StoreError::Storage(_))
    ));
}

struct Canned(&'static str);

impl Transport for Canned {
    async fn send(&self, _object: &str, _body: Vec<u8>) -> Result<Vec<u8>, StoreError> {
        Ok(self.0.as_bytes().to_vec())
    }
}

#[test]
fn client_refuses_an_answer_that_is_not_json() {
    let client = Client::new(Canned("<html>oops</html>"));
    assert!(matches!(
        block_on(client.check(ADA, &id(1), false)),
        Err(StoreError::BadAnswer(_))
    ));
}

/// A canned answer that is the protocol, only not this request's.
fn valid(wire: &'static str) -> Canned {
    assert!(StoreAnswer::decode(wire.as_bytes()).is_ok(), "{wire}");
    Canned(wire)
}

#[test]
fn client_refuses_the_answer_to_another_request() {
    let client = Client::new(valid("state_spent"));
    assert!(matches!(
        block_on(client.check(ADA, &id(1), false)),
        Err(StoreError::BadAnswer(_))
    ));
}

#[test]
fn client_never_reads_a_listing_as_live_for_end() {
    let client = Client::new(valid("sessions\nAAAAAAAAAAAAAAAAAAAAAA\n1\n1\n"));
    match block_on(client.end(ADA, &id(1))) {
        Err(StoreError::BadAnswer(detail)) => assert!(!detail.contains("AAAAAAAA")),
        other => panic!("expected a bad answer, got {other:?}"),
    }
}
