use super::*;

const MAX: usize = 16;
const DRAIN: usize = 64;

/// Feeds chunks until the reader says stop; how many it took, and the end.
fn read(chunks: &[&[u8]]) -> (usize, Result<Vec<u8>, BodyError>) {
    let mut body = BoundedBody::new(MAX, DRAIN);
    let mut taken = 0;
    for chunk in chunks {
        taken += 1;
        if body.push(chunk) == Next::Stop {
            break;
        }
    }
    (taken, body.finish())
}

#[test]
fn keeps_a_body_within_the_limit() {
    let (_, got) = read(&[b"{\"a\":", b"1}"]);
    assert_eq!(got, Ok(b"{\"a\":1}".to_vec()));
}

#[test]
fn keeps_a_body_of_exactly_the_limit() {
    let (_, got) = read(&[&[b'x'; MAX]]);
    assert_eq!(got.map(|b| b.len()), Ok(MAX));
}

#[test]
fn refuses_one_byte_over_the_limit() {
    let (_, got) = read(&[&[b'x'; MAX], b"y"]);
    assert_eq!(got, Err(BodyError::TooLarge));
}

#[test]
fn drains_an_oversize_body_up_to_the_drain_bound() {
    let chunk = [b'x'; 8];
    let chunks: Vec<&[u8]> = std::iter::repeat_n(&chunk[..], 20).collect();
    let (taken, got) = read(&chunks);
    // 8 chunks of 8 bytes reach the 64-byte drain bound; no more are read.
    assert_eq!(taken, DRAIN / 8);
    assert_eq!(got, Err(BodyError::TooLarge));
}

#[test]
fn reads_on_past_the_limit_while_below_the_drain_bound() {
    let mut body = BoundedBody::new(MAX, DRAIN);
    assert_eq!(body.push(&[b'x'; MAX + 1]), Next::Read);
    assert_eq!(body.push(&[b'x'; 10]), Next::Read);
    assert_eq!(body.push(&[b'x'; DRAIN]), Next::Stop);
}

#[test]
fn a_stream_broken_within_the_limit_is_unreadable() {
    let mut body = BoundedBody::new(MAX, DRAIN);
    body.push(b"{\"a\"");
    assert_eq!(body.broken(), BodyError::Unreadable);
}

#[test]
fn a_stream_broken_past_the_limit_is_too_large() {
    let mut body = BoundedBody::new(MAX, DRAIN);
    body.push(&[b'x'; MAX + 1]);
    assert_eq!(body.broken(), BodyError::TooLarge);
}

#[test]
fn an_empty_stream_is_an_empty_body() {
    assert_eq!(BoundedBody::new(MAX, DRAIN).finish(), Ok(Vec::new()));
}

#[test]
fn declared_length_within_the_limit_takes_one_read() {
    assert!(fits_in_one_read(Some("16"), MAX));
    assert!(fits_in_one_read(Some(" 0 "), MAX));
}

#[test]
fn declared_length_over_the_limit_or_odd_is_streamed() {
    for declared in [Some("17"), Some("-1"), Some("ten"), Some(""), None] {
        assert!(!fits_in_one_read(declared, MAX), "{declared:?}");
    }
}

#[test]
fn a_whole_body_longer_than_it_declared_is_still_refused() {
    assert_eq!(check_whole(vec![0; MAX + 1], MAX), Err(BodyError::TooLarge));
    assert_eq!(check_whole(vec![0; MAX], MAX).map(|b| b.len()), Ok(MAX));
}

// ------------------------------------------------------------ an upstream answer, capped

const KIB: usize = 1024;
const CAP: usize = 256 * KIB;

/// The chunks in order, until the reader says stop: how many it took, and
/// the end.
fn read_capped(chunks: &[usize]) -> (usize, Result<usize, BodyError>) {
    let mut body = BoundedBody::capped(CAP);
    let mut taken = 0;
    for &n in chunks {
        taken += 1;
        if body.push(&vec![b'x'; n]) == Next::Stop {
            break;
        }
    }
    (taken, body.finish().map(|b| b.len()))
}

#[test]
fn capped_reads_a_body_of_exactly_the_cap() {
    assert_eq!(read_capped(&[CAP]), (1, Ok(CAP)));
    assert_eq!(read_capped(&[64 * KIB; 4]), (4, Ok(CAP)));
    assert_eq!(read_capped(&[CAP - 1, 1, 0]), (3, Ok(CAP)));
}

#[test]
fn capped_refuses_one_byte_past_the_cap() {
    assert_eq!(read_capped(&[CAP + 1]).1, Err(BodyError::TooLarge));
    assert_eq!(read_capped(&[CAP, 1]).1, Err(BodyError::TooLarge));
}

#[test]
fn capped_stops_at_the_chunk_that_crosses_the_cap() {
    // The fourth chunk crosses; the fifth is never asked for.
    let chunks = [100 * KIB, 100 * KIB, 50 * KIB, 7 * KIB, KIB];
    assert_eq!(read_capped(&chunks), (4, Err(BodyError::TooLarge)));
}

#[test]
fn capped_keeps_the_bytes_in_order_and_not_the_crossing_chunk() {
    let mut body = BoundedBody::capped(5);
    assert_eq!(body.push(b"ab"), Next::Read);
    assert_eq!(body.push(b""), Next::Read);
    assert_eq!(body.push(b"cde"), Next::Read);
    assert_eq!(body.finish(), Ok(b"abcde".to_vec()));
    let mut body = BoundedBody::capped(5);
    body.push(b"abcde");
    assert_eq!(body.push(b"f"), Next::Stop);
    assert_eq!(body.broken(), BodyError::TooLarge);
}

#[test]
fn capped_empty_body_is_empty() {
    assert_eq!(BoundedBody::capped(CAP).finish(), Ok(Vec::new()));
}
