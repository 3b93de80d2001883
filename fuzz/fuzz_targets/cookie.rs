//! `http::cookie::find`, the `Cookie` header reader (CONTRACT.md
//! "Hardening", RFC 6265 §5.2/§5.4), by its properties:
//! - our cookie is found, with its value, wherever it sits among other
//!   cookies, whatever spaces and tabs are around its name, its value and
//!   the separators, unless an earlier pair carries the same name;
//! - a name that differs from ours by any other character before or after it
//!   (a Unicode space included) is another cookie: ours is then not found;
//! - on any header: no panic, and a value found is a piece of the header
//!   with no `;` and no space or tab at its ends.

#![no_main]

use edge_login::auth::signin::COOKIE_NAME;
use edge_login::http::cookie::find;
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
struct Pair {
    name: String,
    value: String,
}

/// Spaces and tabs, as many as the fuzzer likes (at most 7).
#[derive(Arbitrary, Debug, Clone, Copy)]
struct Wsp(u8);

impl Wsp {
    fn text(self) -> String {
        (0..self.0 & 7)
            .map(|i| {
                if self.0 >> (3 + i % 5) & 1 == 1 {
                    '\t'
                } else {
                    ' '
                }
            })
            .collect()
    }
}

#[derive(Arbitrary, Debug)]
enum Input {
    /// Ours among `others` at `at`, padded.
    Among {
        others: Vec<Pair>,
        at: u8,
        value: String,
        pads: [Wsp; 4],
        separators: Vec<Wsp>,
    },
    /// Ours with `before`/`after` stuck to its name.
    Lookalike {
        others: Vec<Pair>,
        at: u8,
        before: char,
        after: char,
        value: String,
    },
    Raw(String),
}

fn is_wsp(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// A pair that is valid cookie text but not named ours: `;` and (in the
/// name) `=` would change the pairing, so they go, and a name that is ours
/// once its spaces and tabs are stripped gets a letter in front.
fn other(p: &Pair) -> (String, String) {
    let mut name: String = p.name.chars().filter(|&c| c != ';' && c != '=').collect();
    if name.trim_matches(is_wsp) == COOKIE_NAME {
        name.insert(0, 'x');
    }
    let value = p.value.replace(';', "");
    (name, value)
}

fn join(pairs: &[String], separators: &[Wsp]) -> String {
    let mut header = String::new();
    for (i, pair) in pairs.iter().enumerate() {
        if i > 0 {
            header.push(';');
            let pad = separators.get(i).copied().unwrap_or(Wsp(1));
            header.push_str(&pad.text());
        }
        header.push_str(pair);
    }
    header
}

fuzz_target!(|input: Input| match input {
    Input::Among {
        others,
        at,
        value,
        pads,
        separators,
    } => {
        // What a browser would send as ours: no `;`, no WSP at the ends.
        let value = value.replace(';', "");
        let value = value.trim_matches(is_wsp);
        let mut pairs: Vec<String> = others
            .iter()
            .map(other)
            .map(|(n, v)| format!("{n}={v}"))
            .collect();
        let at = usize::from(at) % (pairs.len() + 1);
        let [a, b, c, d] = pads.map(Wsp::text);
        pairs.insert(at, format!("{a}{COOKIE_NAME}{b}={c}{value}{d}"));
        let header = join(&pairs, &separators);
        assert_eq!(find(&header, COOKIE_NAME), Some(value), "{header:?}");
    }
    Input::Lookalike {
        others,
        at,
        before,
        after,
        value,
    } => {
        let mut pairs: Vec<String> = others
            .iter()
            .map(other)
            .map(|(n, v)| format!("{n}={v}"))
            .collect();
        let value = value.replace(';', "");
        let stuck = |c: char| !is_wsp(c) && c != ';' && c != '=';
        let at = usize::from(at) % (pairs.len() + 1);
        let name = match (stuck(before), stuck(after)) {
            (true, true) => format!("{before}{COOKIE_NAME}{after}"),
            (true, false) => format!("{before}{COOKIE_NAME}"),
            (false, true) => format!("{COOKIE_NAME}{after}"),
            (false, false) => return,
        };
        pairs.insert(at, format!("{name}={value}"));
        let header = pairs.join("; ");
        assert_eq!(find(&header, COOKIE_NAME), None, "{header:?}");
    }
    Input::Raw(header) => {
        let found = find(&header, COOKIE_NAME);
        if let Some(v) = found {
            assert!(!v.contains(';'), "{header:?}");
            assert!(!v.starts_with(is_wsp) && !v.ends_with(is_wsp), "{header:?}");
            assert!(header.contains(v));
            assert!(header.contains(COOKIE_NAME));
        }
    }
});
