#!/usr/bin/env python3
"""Writes seed inputs into fuzz/corpus/<target>/ (gitignored): realistic
tokens, bodies and headers for libFuzzer to start from. Standard library
only. Tokens are signed with keys the fuzz keyring does NOT hold (or carry a
broken MAC), because token_unsign asserts that nothing unsigned by our keys
passes; token_signed signs its own input. Usage: make_seeds.py <corpus dir>"""

import base64, hashlib, hmac, json, os, struct, sys, time, zlib

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
    "cookie-nbsp": "\u00a0__Host-edge-login=planted; __Host-edge-login=mine",
}.items():
    write("body_headers", name, h)

# cookie: Input::Raw (the third of three variants: tag 0xffffffff), the rest
# is the Cookie header; the structured variants start from fuzzer bytes.
OURS = "__Host-edge-login"
for name, h in {
    "alone": f"{OURS}=" + tokens["cookie"],
    "among": f"theme=dark; {OURS}=" + tokens["cookie"] + "; lang=en",
    "tabs": f"a=1;\t{OURS}\t=\tv\t;b=2",
    "no-space": f"a=1;{OURS}=v;b=2",
    "planted-nbsp": f"\u00a0{OURS}=planted; {OURS}=mine",
    "planted-ideographic": f"\u3000{OURS}=planted; {OURS}=mine",
    "planted-bom": f"\ufeff{OURS}=planted; {OURS}=mine",
    "planted-after": f"{OURS}\u2003=planted; {OURS}=mine",
    "two": f"{OURS}=old; {OURS}=new",
    "equals-in-value": f"{OURS}=a=b==",
    "empty": f"{OURS}=",
    "bare-names": f"{OURS}; =x; {OURS}=v",
    "lowercase": "__host-edge-login=v",
}.items():
    write("cookie", name, b"\xff\xff\xff\xff" + h.encode())


# client_key: Input::Raw(x, y) (second of two variants): x's length is the
# last byte (arbitrary takes lengths from the end), y is the rest.
def raw_pair(x, y):
    xb, yb = x.encode(), y.encode()
    return b"\x00\x00\x00\x80" + xb + yb + bytes([len(xb)])


for name, (x, y) in {
    "v6-same-64": ("2001:db8:1:2::1", "2001:db8:1:2:ffff:ffff:ffff:ffff"),
    "v6-next-64": ("2001:db8:1:2::1", "2001:db8:1:3::1"),
    "v6-notations": ("2001:0DB8:0000:0000:0001:0002:0003:0004", "2001:db8::1:2:3:4"),
    "v6-dotted-tail": ("2001:db8::ffff:1.2.3.4", "[2001:db8::5]"),
    "mapped": ("::ffff:203.0.113.7", "203.0.113.7"),
    "mapped-hex": ("::FFFF:cb00:7107", "0:0:0:0:0:ffff:203.0.113.7"),
    "compatible": ("::203.0.113.7", "203.0.113.7"),
    "v4-neighbours": ("203.0.113.7", "203.0.113.8"),
    "unknown": ("garbage", ""),
    "zone-and-octal": ("fe80::1%eth0", "01.2.3.4"),
    "spaces": (" 203.0.113.7\t", "\n2001:db8::1"),
}.items():
    write("client_key", name, raw_pair(x, y))

# client_key: Input::Two with addresses the fuzzer then varies. Tags: Addr
# V4 0x00000000, V6 0x60000000, Mapped 0xffffffff; Notation n of 6 at
# n * 0x2aaaaaab; then b_near_a.
def variant(i, n):
    return struct.pack("<I", (i * (1 << 32) + n - 1) // n)
def two(a, a_as, b, b_as, near):
    def addr(kind, v):
        return variant(kind, 3) + (struct.pack("<I", v) if kind != 1 else v.to_bytes(16, "little"))
    return variant(0, 2) + addr(*a) + variant(a_as, 6) + addr(*b) + variant(b_as, 6) + bytes([near])
V6A = 0x2001_0db8_0001_0002_0000_0000_0000_0001
write("client_key", "two-v6-near", two((1, V6A), 0, (1, 0xFFFF), 4, 1))
write("client_key", "two-v6-far", two((1, V6A), 1, (1, V6A ^ (1 << 64)), 3, 0))
write("client_key", "two-mapped-v4", two((2, 0xCB007107), 5, (0, 0xCB007107), 0, 0))
write("client_key", "two-v4-v4", two((0, 0xCB007107), 0, (0, 0xCB007108), 0, 1))

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
write("id_token", "claims-aud-list", tag + json.dumps({**claims, "aud": ["x", claims["aud"]], "azp": claims["aud"], "email_verified": "true"}).encode())
write("id_token", "claims-aud-list-no-azp", tag + json.dumps({**claims, "aud": ["x", claims["aud"]]}).encode())
write("id_token", "claims-wrong-azp", tag + json.dumps({**claims, "azp": "other-client"}).encode())
write("id_token", "claims-azp", tag + json.dumps({**claims, "azp": claims["aud"]}).encode())
write("id_token", "claims-expired", tag + json.dumps({**claims, "exp": TS - 61}).encode())
write("id_token", "claims-exp-leeway", tag + json.dumps({**claims, "exp": TS - 60}).encode())
write("id_token", "claims-exp-fraction", tag + json.dumps({**claims, "exp": TS - 59.5}).encode())
write("id_token", "claims-exp-string", tag + json.dumps({**claims, "exp": str(TS + 3600)}).encode())
write("id_token", "claims-no-exp", tag + json.dumps({k: v for k, v in claims.items() if k != "exp"}).encode())
write("id_token", "claims-bare-iss", tag + json.dumps({**claims, "iss": "accounts.google.com"}).encode())
write("id_token", "raw-jws", b"\x00\x00\x00\x00" + ("e30." + b64(json.dumps(claims).encode()) + ".c2ln").encode())
print(f"seeds written under {root}")
