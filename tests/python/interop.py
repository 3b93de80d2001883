#!/usr/bin/env python3
"""Live itsdangerous for tests/token_interop.rs and the e2e tests
(tests/support/stack.mjs): one JSON request on stdin, one JSON answer on
stdout. The clock is the real one unless the request pins it with "now"
(epoch seconds): the e2e tests mint back-dated tokens that way.

  {"op": "dumps", "format": "urlsafe"|"flask", "secret": s, "obj": o, "now"?: n}
      -> {"token": t, "payload": exact JSON text signed}
  {"op": "loads", "format": ..., "secrets": [newest, ...older], "token": t, "max_age": n, "now"?: n}
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
        now = req.get("now")
        token = itsd.serializer(req["format"], [req["secret"]], now).dumps(req["obj"])
        payload = itsd.verdict(req["format"], [req["secret"]], token, None, now)["payload"]
        answer = {"token": token, "payload": payload}
    elif req["op"] == "loads":
        answer = itsd.verdict(
            req["format"], req["secrets"], req["token"], req["max_age"], req.get("now")
        )
    else:
        raise SystemExit(f"unknown op {req['op']!r}")
    answer["itsdangerous"] = itsd.version()
    json.dump(answer, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
