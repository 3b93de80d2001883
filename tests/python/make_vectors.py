#!/usr/bin/env python3
"""Regenerates tests/vectors/itsdangerous.json with the real itsdangerous.

    bash scripts/python-env.sh          # the project venv, .venv/
    .venv/bin/python tests/python/make_vectors.py

Every token is minted by itsdangerous at a fixed timestamp, then judged by
itsdangerous itself at the vector's `now` ("python"), with the keyring's
secrets and the vector's `salt` (default "itsdangerous"). "expect" is what
edge-login must answer; where the two differ, "why" says why.
"""

from __future__ import annotations

import json
import pathlib
import string

import itsd

TS = 1_700_000_000
DAY = 86_400
CURRENT = "correct horse battery staple"
FALLBACKS = ["old-secret", "ключ-🔑"]
STRANGER = "nobody's key"
SALT = "edge-login.signin"  # edge-login's sign-in cookie
KEYRING = [CURRENT, *FALLBACKS]

GOOGLE_USER = {
    "user_info": {
        "sub": "110169484474386276334",
        "name": "Jane Doe",
        "given_name": "Jane",
        "family_name": "Doe",
        "picture": "https://lh3.googleusercontent.com/a/ACg8ocJ1Y2Z3=s96-c",
        "email": "jane.doe@example.com",
        "email_verified": True,
        "hd": "example.com",
    },
    "auth_time": TS - 3600,
}
# Short enough that zlib does not shrink it, so itsdangerous does not compress
# it and edge-login's sign must produce the very same string.
SHORT_USER = {"user_info": {"sub": "1", "email": "jane@example.com"}}
SHORT_NON_ASCII_USER = {"user_info": {"name": "Zoë 東京 🎉", "q": "\"\\\u2028"}}
NON_ASCII_USER = {
    "user_info": {
        "sub": "42",
        "name": "Jürgen Müller 東京 🎉",
        "email": "jürgen@bücher.example",
        "quote": 'a "quoted" \\ back\u2028slash',
    }
}
REPETITIVE_USER = {  # compresses well, so itsdangerous compresses it
    "user_info": {
        "sub": "7",
        "email": "groups@example.com",
        "groups": [f"team-{i % 4}@example.com" for i in range(60)],
    }
}
DOTTY_USER = {
    "user_info": {"email": "a.b.c@d.e.example", "version": 1.5, "x.y": "..."}
}
BOMB = {"user_info": {"bio": "a" * (100 * 1024)}}

ALPHABET = string.ascii_uppercase + string.ascii_lowercase + string.digits + "-_"


def mint(fmt: str, secret: str, obj, salt: str = "itsdangerous") -> str:
    return itsd.serializer(fmt, [secret], now=TS, salt=salt).dumps(obj)


def flip(token: str, index: int) -> str:
    c = token[index]
    return token[:index] + ("B" if c == "A" else "A") + token[index + 1 :]


def sig_start(token: str) -> int:
    return token.rindex(".") + 1


def spare_bits_flipped(token: str) -> str:
    """Same 256-bit tag, other spelling: the last of 43 characters has 2 bits
    that do not belong to the tag, and Python's decoder ignores them."""
    last = ALPHABET.index(token[-1])
    return token[:-1] + ALPHABET[last ^ 1]


def vectors():
    plain = mint("urlsafe", CURRENT, GOOGLE_USER)
    flask = mint("flask", CURRENT, GOOGLE_USER)

    def v(name, fmt, token, expect, signed_with=None, now=None, max_age=DAY, why=None):
        out = {
            "name": name,
            "format": fmt,
            "token": token,
            "now": TS + 60 if now is None else now,
            "max_age": max_age,
            "expect": expect,
        }
        if signed_with is not None:
            out["signed_with"] = signed_with
        if why:
            out["why"] = why
        return out

    yield v("plain", "urlsafe", plain, "ok", CURRENT)  # a Google userinfo: compressed
    yield v("short", "urlsafe", mint("urlsafe", CURRENT, SHORT_USER), "ok", CURRENT)
    yield v("short_non_ascii", "urlsafe", mint("urlsafe", CURRENT, SHORT_NON_ASCII_USER), "ok", CURRENT)
    yield v("short_fallback_key", "urlsafe", mint("urlsafe", FALLBACKS[1], SHORT_USER), "ok", FALLBACKS[1])
    yield v("short_zero_timestamp", "urlsafe", itsd.serializer("urlsafe", [CURRENT], now=0).dumps(SHORT_USER), "ok", CURRENT, now=0)
    yield v("non_ascii_payload", "urlsafe", mint("urlsafe", CURRENT, NON_ASCII_USER), "ok", CURRENT)
    yield v("compressed", "urlsafe", mint("urlsafe", CURRENT, REPETITIVE_USER), "ok", CURRENT)
    yield v("fallback_key", "urlsafe", mint("urlsafe", FALLBACKS[0], GOOGLE_USER), "ok", FALLBACKS[0])
    yield v("non_ascii_fallback_key", "urlsafe", mint("urlsafe", FALLBACKS[1], NON_ASCII_USER), "ok", FALLBACKS[1])
    yield v("dots_in_json", "urlsafe", mint("urlsafe", CURRENT, DOTTY_USER), "ok", CURRENT)
    yield v("at_exact_max_age", "urlsafe", plain, "ok", CURRENT, now=TS + DAY)
    yield v("expired", "urlsafe", plain, "SignatureExpired", CURRENT, now=TS + DAY + 1)
    yield v(
        "future_within_leeway", "urlsafe", plain, "ok", CURRENT, now=TS - 60,
        why="itsdangerous refuses any age < 0; edge-login allows 60 s of clock skew",
    )
    yield v(
        "future_beyond_leeway", "urlsafe", plain, "FutureTimestamp", CURRENT, now=TS - 61,
        why="itsdangerous calls it SignatureExpired (age < 0); the contract says invalid_token",
    )
    yield v("unknown_key", "urlsafe", mint("urlsafe", STRANGER, GOOGLE_USER), "BadSignature")
    yield v("tampered_signature", "urlsafe", flip(plain, sig_start(plain) + 5), "BadSignature")
    yield v("tampered_payload", "urlsafe", flip(plain, 20), "BadSignature")
    yield v("tampered_timestamp", "urlsafe", flip(plain, sig_start(plain) - 3), "BadSignature")
    yield v("truncated", "urlsafe", plain[:-1], "BadSignature")
    yield v(
        "signature_spare_bits_flipped", "urlsafe", spare_bits_flipped(plain), "BadSignature",
        why="itsdangerous ignores base64 padding bits; edge-login accepts only the spelling itsdangerous writes",
    )
    yield v(
        "signature_padded", "urlsafe", plain + "=", "BadSignature",
        why="itsdangerous accepts '=' padding it never writes",
    )
    yield v(
        "signature_with_junk", "urlsafe", plain[:-4] + "!!" + plain[-4:], "BadSignature",
        why="Python's base64 decoder drops characters outside the alphabet",
    )
    yield v(
        "zlib_bomb", "urlsafe", mint("urlsafe", CURRENT, BOMB), "BadPayload", CURRENT,
        why="inflates past edge-login's 64 KiB cap; itsdangerous has no cap",
    )
    salted = v("salted", "urlsafe", mint("urlsafe", CURRENT, SHORT_USER, SALT), "ok", CURRENT)
    yield {**salted, "salt": SALT}
    yield v("salted_token_to_default_salt", "urlsafe", salted["token"], "BadSignature")
    yield {**v("default_salt_token_to_salted", "urlsafe", plain, "BadSignature"), "salt": SALT}
    yield v("flask_token_to_urlsafe", "urlsafe", flask, "BadSignature")

    yield v("flask_plain", "flask", flask, "ok", CURRENT)
    yield v("flask_dots_in_json", "flask", mint("flask", CURRENT, DOTTY_USER), "ok", CURRENT)
    yield v("flask_non_ascii", "flask", mint("flask", CURRENT, NON_ASCII_USER), "ok", CURRENT)
    yield v("flask_fallback_key", "flask", mint("flask", FALLBACKS[1], GOOGLE_USER), "ok", FALLBACKS[1])
    yield v("flask_at_exact_max_age", "flask", flask, "ok", CURRENT, now=TS + DAY)
    yield v("flask_future_within_leeway", "flask", flask, "ok", CURRENT, now=TS - 60, why="as future_within_leeway")
    yield v("flask_expired", "flask", flask, "SignatureExpired", CURRENT, now=TS + DAY + 1)
    yield v(
        "flask_future_beyond_leeway", "flask", flask, "FutureTimestamp", CURRENT, now=TS - 61,
        why="itsdangerous calls it SignatureExpired (age < 0)",
    )
    yield v("flask_unknown_key", "flask", mint("flask", STRANGER, GOOGLE_USER), "BadSignature")
    yield v("flask_tampered_signature", "flask", flip(flask, sig_start(flask) + 5), "BadSignature")
    yield v("flask_tampered_payload", "flask", flask.replace("Jane", "John", 1), "BadSignature")
    yield v("urlsafe_token_to_flask", "flask", plain, "BadSignature")


def main() -> None:
    out = []
    for vec in vectors():
        salt = vec.get("salt", "itsdangerous")
        judged = itsd.verdict(vec["format"], KEYRING, vec["token"], vec["max_age"], vec["now"], salt)
        vec["python"] = judged["result"]
        if vec["expect"] in ("ok", "SignatureExpired"):
            vec["timestamp"] = judged["timestamp"]
        if vec["expect"] == "ok":
            if judged["result"] != "ok":  # refused by age alone: read it ageless
                judged = itsd.verdict(vec["format"], KEYRING, vec["token"], None, None, salt)
            vec["payload"] = judged["payload"]
            vec["compressed"] = vec["format"] == "urlsafe" and vec["token"].startswith(".")
        agrees = vec["python"] == vec["expect"] or (
            vec["python"] == "BadTimeSignature" and vec["expect"] == "BadSignature"
        )
        if not agrees and "why" not in vec:
            raise SystemExit(f"{vec['name']}: python says {vec['python']}, expected {vec['expect']}")
        out.append(vec)

    doc = {
        "generator": "tests/python/make_vectors.py",
        "itsdangerous": itsd.version(),
        "keyring": {"current": CURRENT, "fallbacks": FALLBACKS},
        "vectors": out,
    }
    path = pathlib.Path(__file__).resolve().parent.parent / "vectors" / "itsdangerous.json"
    path.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {len(out)} vectors to {path}")


if __name__ == "__main__":
    main()
