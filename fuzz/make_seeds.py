#!/usr/bin/env python3
"""Writes seed inputs into fuzz/corpus/<target>/ (gitignored): realistic
tokens, bodies and headers for libFuzzer to start from. Standard library
only. Tokens are signed with keys the fuzz keyring does NOT hold (or carry a
broken MAC), because token_unsign asserts that nothing unsigned by our keys
passes; token_signed signs its own input. Usage: make_seeds.py <corpus dir>"""

import base64, hashlib, hmac, json, os, sys, time, zlib

root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "corpus")


def b64(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def int_bytes(n):
    return n.to_bytes((n.bit_length() + 7) // 8, "big")


def sign(secret, payload_seg, ts, digest=hashlib.sha256, salt="itsdangerous"):
    key = digest((salt + "signer" + secret).encode()).digest()
    value = f"{payload_seg}.{b64(int_bytes(ts))}"
    return f"{value}.{b64(hmac.new(key, value.encode(), digest).digest())}"


def write(target, name, data):
    d = os.path.join(root, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "seed-" + name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


TS = 1_700_000_000
user = {"user_info": {"sub": "1", "email": "ada@example.com", "name": "Ada"}, "auth_time": TS}
raw = json.dumps(user, separators=(",", ":")).encode()
stranger = "correct horse battery staple"
tokens = {
    "urlsafe": sign(stranger, b64(raw), TS),
    "compressed": sign(stranger, "." + b64(zlib.compress(raw * 20)), TS),
    "flask": sign(stranger, json.dumps(user), TS, hashlib.sha1),
    "zero-ts": sign(stranger, b64(raw), 0),
    "now": sign(stranger, b64(raw), int(time.time())),
    "cookie": sign(stranger, b64(b'{"state":"s","verifier":"v"}'), TS, salt="edge-login.signin"),
    "garbage": "a.b.c",
    "dots": "...",
}
for name, t in tokens.items():
    write("token_unsign", name, t)
    write("body_json", "reauth-" + name, json.dumps({"auth_token": t}))

login = {
    "authorizationCode": "4/0AbCdEf",
    "redirectUri": "http://127.0.0.1:8787/torii/redirect.html",
    "provider": "google-oauth2",
    "state": "s" * 43,
}
write("body_json", "login", json.dumps(login))
write("body_json", "login-nulls", json.dumps({**login, "redirectUri": None, "provider": None, "state": None}))
write("body_json", "login-state-number", json.dumps({**login, "state": 7}))
write("body_json", "login-unicode", json.dumps({**login, "authorizationCode": "\u00e9\ud83d\udd11"}, ensure_ascii=True))
write("body_json", "start-empty", "")
write("body_json", "start-object", "{}")
write("body_json", "array", "[1,2,{\"a\":null}]")
write("body_json", "nested", "{\"a\":" * 40 + "1" + "}" * 40)

for name, h in {
    "json": "application/json",
    "json-charset": "Application/JSON; charset=utf-8",
    "form": "application/x-www-form-urlencoded",
    "jsonp": "application/jsonp",
    "cookie": "a=1; __Host-edge-login=" + tokens["cookie"] + "; b=2",
    "cookie-empty": "__Host-edge-login=",
    "cookie-spaces": "  __Host-edge-login =  x ;__Host-edge-login=y",
}.items():
    write("body_headers", name, h)

claims = {
    "iss": "https://accounts.google.com",
    "aud": "client-123.apps.example",
    "sub": "110169484474386276334",
    "email": "ada@example.com",
    "email_verified": True,
    "hd": "example.com",
    "iat": TS,
    "exp": TS + 3600,
}
# arbitrary's enum tag: these four bytes select Input::Claims, the rest is the JSON.
tag = b"\x00\x00\x00\x80"
write("id_token", "claims", tag + json.dumps(claims).encode())
write("id_token", "claims-aud-list", tag + json.dumps({**claims, "aud": ["x", claims["aud"]], "email_verified": "true"}).encode())
write("id_token", "claims-bare-iss", tag + json.dumps({**claims, "iss": "accounts.google.com"}).encode())
write("id_token", "raw-jws", b"\x00\x00\x00\x00" + ("e30." + b64(json.dumps(claims).encode()) + ".c2ln").encode())
print(f"seeds written under {root}")
