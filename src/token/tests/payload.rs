use super::*;

#[test]
fn accepts_compressed_payload() {
    let raw = format!(r#"{{"user_info":{{"bio":"{}"}}}}"#, "la ".repeat(500));
    let token = compressed_token(SECRET, raw.as_bytes(), TS);
    assert!(token.len() < raw.len());
    assert_eq!(
        ring().unsign(&token, DAY, TS).unwrap().payload,
        raw.as_bytes()
    );
}

#[test]
fn accepts_compressed_payload_at_cap() {
    let raw = vec![b' '; MAX_INFLATED_PAYLOAD];
    let token = compressed_token(SECRET, &raw, TS);
    assert_eq!(
        ring().unsign(&token, DAY, TS).unwrap().payload.len(),
        MAX_INFLATED_PAYLOAD
    );
}

#[test]
fn rejects_compressed_payload_one_byte_over_cap() {
    let raw = vec![b' '; MAX_INFLATED_PAYLOAD + 1];
    let token = compressed_token(SECRET, &raw, TS);
    assert_eq!(ring().unsign(&token, DAY, TS), Err(TokenError::BadPayload));
}

/// Deflate at its best ratio: one zero byte, then `copies` back-references
/// "258 bytes at distance 1", each 2 bits under a hand-made dynamic
/// Huffman code (RFC 1951 3.2.7). Built directly because compressing
/// megabytes in a debug-build test is slow.
fn zlib_bomb(copies: usize) -> (Vec<u8>, usize) {
    struct Bits {
        out: Vec<u8>,
        acc: u32,
        used: u8,
    }
    impl Bits {
        /// Header fields and extra bits: least significant bit first.
        fn put(&mut self, value: u32, len: u8) {
            for i in 0..len {
                self.acc |= ((value >> i) & 1) << self.used;
                self.used += 1;
                if self.used == 8 {
                    self.out.push(self.acc as u8);
                    (self.acc, self.used) = (0, 0);
                }
            }
        }
        /// Huffman codes: most significant bit first.
        fn code(&mut self, code: u32, len: u8) {
            self.put(code.reverse_bits() >> (32 - u32::from(len)), len);
        }
    }
    let mut b = Bits {
        out: vec![0x78, 0x01],
        acc: 0,
        used: 0,
    };
    b.put(1, 1); // final block
    b.put(2, 2); // dynamic Huffman
    b.put(286 - 257, 5); // literal/length codes 0..=285
    b.put(2 - 1, 5); // distance codes 0..=1
    b.put(18 - 4, 4); // code-length code lengths given, in RFC order:
    for len in [0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 2] {
        b.put(len, 3); // 16 17 18 0 8 7 9 6 10 5 11 4 12 3 13 2 14 1
    }
    // Code-length code: 18 (a run of 11..=138 zeros) = "0", 1 = "10", 2 = "11".
    let run_of_zeros = |b: &mut Bits, n: u32| {
        b.code(0, 1);
        b.put(n - 11, 7);
    };
    b.code(0b11, 2); // literal 0: 2 bits
    run_of_zeros(&mut b, 138);
    run_of_zeros(&mut b, 117); // literals 1..=255: unused
    b.code(0b11, 2); // 256, end of block: 2 bits
    run_of_zeros(&mut b, 28); // lengths 257..=284: unused
    b.code(0b10, 2); // 285, length 258: 1 bit
    b.code(0b10, 2); // distance code 0, distance 1: 1 bit
    b.code(0b10, 2); // distance code 1: 1 bit, only to make the code complete
                     // Literal/length code: 285 = "0", 0 = "10", 256 = "11"; distance 0 = "0".
    b.code(0b10, 2);
    for _ in 0..copies {
        b.code(0, 1);
        b.code(0, 1);
    }
    b.code(0b11, 2);
    if b.used > 0 {
        b.out.push(b.acc as u8);
    }
    let size = 1 + 258 * copies;
    let adler = ((size as u32 % 65_521) << 16) | 1; // Adler-32 of zeros
    b.out.extend_from_slice(&adler.to_be_bytes());
    (b.out, size)
}

#[test]
fn rejects_zlib_bomb() {
    let (deflated, size) = zlib_bomb(16 * 1024);
    let token = sign_segments(
        SECRET,
        &format!(".{}.{}", B64.encode(&deflated), ts_segment(TS)),
    );
    assert!(
        token.len() < 8 * 1024 && size > 4 * 1024 * 1024,
        "{} -> {size}",
        token.len()
    );
    let full = miniz_oxide::inflate::decompress_to_vec_zlib(&deflated).unwrap();
    assert_eq!(full.len(), size, "the bomb itself must be valid zlib");

    assert_eq!(ring().unsign(&token, DAY, TS), Err(TokenError::BadPayload));
    // It stopped at the cap instead of inflating the 4 MiB.
    let limit = MAX_INFLATED_PAYLOAD + 1;
    match compression::inflate_payload(&deflated) {
        compression::Inflated::OverLimit { produced } => assert!(produced <= limit, "{produced}"),
        other => panic!("{:?}", other),
    }
}

#[test]
fn rejects_corrupt_zlib() {
    let token = sign_segments(
        SECRET,
        &format!(".{}.{}", B64.encode(b"not zlib"), ts_segment(TS)),
    );
    assert_eq!(ring().unsign(&token, DAY, TS), Err(TokenError::BadPayload));
}

#[test]
fn rejects_truncated_zlib() {
    let mut deflated = miniz_oxide::deflate::compress_to_vec_zlib(PAYLOAD, 6);
    deflated.truncate(deflated.len() - 4); // drop the Adler-32
    let token = sign_segments(
        SECRET,
        &format!(".{}.{}", B64.encode(deflated), ts_segment(TS)),
    );
    assert_eq!(ring().unsign(&token, DAY, TS), Err(TokenError::BadPayload));
}

#[test]
fn rejects_bad_zlib_checksum() {
    let mut deflated = miniz_oxide::deflate::compress_to_vec_zlib(PAYLOAD, 6);
    if let Some(last) = deflated.last_mut() {
        *last ^= 1;
    }
    let token = sign_segments(
        SECRET,
        &format!(".{}.{}", B64.encode(deflated), ts_segment(TS)),
    );
    assert_eq!(ring().unsign(&token, DAY, TS), Err(TokenError::BadPayload));
}

#[test]
fn rejects_zlib_trailing_bytes() {
    let mut deflated = miniz_oxide::deflate::compress_to_vec_zlib(PAYLOAD, 6);
    deflated.extend_from_slice(b"extra");
    let token = sign_segments(
        SECRET,
        &format!(".{}.{}", B64.encode(deflated), ts_segment(TS)),
    );
    assert_eq!(ring().unsign(&token, DAY, TS), Err(TokenError::BadPayload));
}

#[test]
fn rejects_bad_base64_payload_under_good_signature() {
    let token = sign_segments(SECRET, &format!("e30!.{}", ts_segment(TS)));
    assert_eq!(ring().unsign(&token, DAY, TS), Err(TokenError::BadPayload));
}

#[test]
fn rejects_dot_inside_payload_under_good_signature() {
    let token = sign_segments(SECRET, &format!("e30.e30.{}", ts_segment(TS)));
    assert_eq!(ring().unsign(&token, DAY, TS), Err(TokenError::BadPayload));
}

#[test]
fn rejects_missing_timestamp_under_good_signature() {
    let token = sign_segments(SECRET, "e30");
    assert_eq!(
        ring().unsign(&token, DAY, TS),
        Err(TokenError::BadSignature)
    );
}

#[test]
fn rejects_timestamp_wider_than_u64() {
    let token = sign_segments(SECRET, &format!("e30.{}", B64.encode([1u8; 9])));
    assert_eq!(
        ring().unsign(&token, DAY, TS),
        Err(TokenError::BadSignature)
    );
}

#[test]
fn rejects_undecodable_timestamp_under_good_signature() {
    let token = sign_segments(SECRET, "e30.A");
    assert_eq!(
        ring().unsign(&token, DAY, TS),
        Err(TokenError::BadSignature)
    );
}

#[test]
fn accepts_timestamp_with_leading_zero_bytes() {
    let token = sign_segments(SECRET, &format!("e30.{}", B64.encode(TS.to_be_bytes())));
    assert_eq!(ring().unsign(&token, DAY, TS).unwrap().timestamp, TS);
}

#[test]
fn rejects_empty() {
    assert_eq!(ring().unsign("", DAY, TS), Err(TokenError::BadSignature));
}

#[test]
fn rejects_garbage() {
    for token in [
        ".",
        "..",
        "...",
        "a.b.c",
        "a.b.c.d",
        "🔑.🔑.🔑",
        "\0",
        " ",
        "e30.ZVPxAA.",
    ] {
        assert_eq!(
            ring().unsign(token, DAY, TS),
            Err(TokenError::BadSignature),
            "{token:?}"
        );
    }
}

#[test]
fn rejects_huge_input() {
    let token = format!(
        "{}.{}.{}",
        "a".repeat(1 << 20),
        "b".repeat(1 << 10),
        "c".repeat(1 << 10)
    );
    assert_eq!(
        ring().unsign(&token, DAY, TS),
        Err(TokenError::BadSignature)
    );
    assert_eq!(
        ring().unsign_flask(&token, DAY, TS),
        Err(TokenError::BadSignature)
    );
}

#[test]
fn never_panics_on_mangled_tokens() {
    let r = ring();
    let tokens = [PY_TOKEN, PY_FLASK_TOKEN];
    let replacements = ['.', '=', 'A', '_', 'é', '\0'];
    for token in tokens {
        for (i, _) in token.char_indices() {
            let _ = r.unsign(&token[..i], DAY, TS);
            let _ = r.unsign(&token[i..], DAY, TS);
            let _ = r.unsign_flask(&token[..i], DAY, TS);
            for c in replacements {
                let mut mangled = token.to_owned();
                mangled.insert(i, c);
                let _ = r.unsign(&mangled, DAY, TS);
                let _ = r.unsign_flask(&mangled, DAY, TS);
            }
        }
    }
}
