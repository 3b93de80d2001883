#!/usr/bin/env python3
"""Live itsdangerous for tests/token_interop.rs: one JSON request on stdin,
one JSON answer on stdout, real clock.

  {"op": "dumps", "format": "urlsafe"|"flask", "secret": s, "obj": o}
      -> {"token": t, "payload": exact JSON text signed}
  {"op": "loads", "format": ..., "secrets": [newest, ...older], "token": t, "max_age": n}
      -> {"result": "ok", "obj": o, "payload": ..., "timestamp": n}
       | {"result": "SignatureExpired" | "BadSignature" | ...}

Exits 3 when itsdangerous is missing (see itsd.py).
"""

from __future__ import annotations

import json
import sys

import itsd


def main() -> None:
    req = json.load(sys.stdin)
    if req["op"] == "dumps":
        token = itsd.serializer(req["format"], [req["secret"]]).dumps(req["obj"])
        payload = itsd.verdict(req["format"], [req["secret"]], token, None, None)["payload"]
        answer = {"token": token, "payload": payload}
    elif req["op"] == "loads":
        answer = itsd.verdict(req["format"], req["secrets"], req["token"], req["max_age"], None)
    else:
        raise SystemExit(f"unknown op {req['op']!r}")
    answer["itsdangerous"] = itsd.version()
    json.dump(answer, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
