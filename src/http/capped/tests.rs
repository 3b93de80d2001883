use super::*;

const KIB: usize = 1024;
const CAP: usize = 256 * KIB;

/// The chunks in order, stopping at the first refused; what was kept.
fn feed(chunks: &[usize]) -> (Result<(), OverCap>, usize, usize) {
    let mut body = CappedBody::new(CAP);
    for (i, &n) in chunks.iter().enumerate() {
        if let Err(e) = body.push(&vec![b'x'; n]) {
            return (Err(e), i, body.len());
        }
    }
    (Ok(()), chunks.len(), body.len())
}

#[test]
fn reads_body_of_exactly_the_cap() {
    assert_eq!(feed(&[CAP]), (Ok(()), 1, CAP));
    assert_eq!(feed(&[64 * KIB; 4]), (Ok(()), 4, CAP));
    assert_eq!(feed(&[CAP - 1, 1, 0]), (Ok(()), 3, CAP));
}

#[test]
fn refuses_one_byte_past_the_cap() {
    assert_eq!(feed(&[CAP + 1]).0, Err(OverCap));
    assert_eq!(feed(&[CAP, 1]).0, Err(OverCap));
}

#[test]
fn stops_at_the_chunk_that_crosses_the_cap() {
    // The fourth chunk crosses; the fifth is never asked for.
    let (result, refused_at, kept) = feed(&[100 * KIB, 100 * KIB, 50 * KIB, 7 * KIB, KIB]);
    assert_eq!(result, Err(OverCap));
    assert_eq!(refused_at, 3);
    assert_eq!(kept, 250 * KIB);
}

#[test]
fn keeps_the_bytes_in_order() {
    let mut body = CappedBody::new(5);
    body.push(b"ab").unwrap();
    body.push(b"").unwrap();
    body.push(b"cde").unwrap();
    assert_eq!(body.push(b"f"), Err(OverCap));
    assert_eq!(body.into_bytes(), b"abcde");
}

#[test]
fn empty_body_is_empty() {
    let body = CappedBody::new(CAP);
    assert!(body.is_empty());
    assert_eq!(body.into_bytes(), Vec::<u8>::new());
}
