#!/usr/bin/env python3
"""Times Python's itsdangerous on the token benches/token.rs made, in the same
run: TimestampSigner.unsign (signature + age, as Keyring::unsign) and
URLSafeTimedSerializer.loads (that plus base64 + JSON, as session::verify).

usage: itsdangerous_bench.py SECRET TOKEN NOW MAX_AGE  -> JSON on stdout
"""
import hashlib
import json
import sys
import timeit

import itsdangerous
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

secret, token, now, max_age = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
# itsdangerous reads the clock through get_timestamp: pin it to the bench's "now".
TimestampSigner.get_timestamp = lambda self: now

serializer = URLSafeTimedSerializer(secret, signer_kwargs={"digest_method": hashlib.sha256})
signer = serializer.make_signer()
loaded = serializer.loads(token, max_age=max_age)  # must verify, or we time the failure path
assert "user_info" in loaded, loaded


def per_call_ns(fn, target_s=0.2, repeats=7):
    """Median over `repeats` runs of the per-call time, each run ~target_s long."""
    n = 1
    while timeit.timeit(fn, number=n) < 0.02:
        n *= 2
    n = max(1, int(n * target_s / 0.02))
    runs = sorted(timeit.repeat(fn, number=n, repeat=repeats))
    return runs[len(runs) // 2] / n * 1e9


print(json.dumps({
    "itsdangerous": itsdangerous.__version__ if hasattr(itsdangerous, "__version__") else None,
    "python": sys.version.split()[0],
    "unsign_ns": per_call_ns(lambda: signer.unsign(token, max_age=max_age)),
    "loads_ns": per_call_ns(lambda: serializer.loads(token, max_age=max_age)),
}))
