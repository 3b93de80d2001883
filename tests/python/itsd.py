"""Shared by make_vectors.py and interop.py: the two itsdangerous serializers
edge-login speaks, built exactly as the contract names them."""

from __future__ import annotations

import hashlib
import sys

try:
    import itsdangerous
    from itsdangerous import (
        BadPayload,
        BadSignature,
        BadTimeSignature,
        SignatureExpired,
        TimedSerializer,
        TimestampSigner,
        URLSafeTimedSerializer,
    )
except ImportError as e:  # The venv must have it; say so instead of a traceback.
    sys.stderr.write(
        f"itsdangerous is not importable by {sys.executable} ({e}); "
        "use the project venv: `bash scripts/python-env.sh`, then .venv/bin/python\n"
    )
    sys.exit(3)


def version() -> str:
    from importlib.metadata import version as v

    return v("itsdangerous")


class _RawBytes:
    """A serializer whose loads returns the payload bytes untouched: exactly
    what edge-login's unsign must return. (Passing it as load_payload's
    `serializer=` does not work: URLSafeSerializerMixin drops that argument.)"""

    @staticmethod
    def loads(payload):
        return payload

    @staticmethod
    def dumps(obj):
        return b""


def serializer(
    fmt: str,
    secrets: list[str],
    now: int | None = None,
    raw: bool = False,
    salt: str = "itsdangerous",
):
    """`secrets` newest first, as edge-login's Keyring; itsdangerous wants them
    oldest first and signs with the last. `now` pins get_timestamp, which
    itsdangerous uses both to stamp and to judge age. `raw` makes loads return
    the JSON bytes instead of the object."""
    signer = TimestampSigner
    if now is not None:

        class FixedClock(TimestampSigner):
            def get_timestamp(self) -> int:
                return now

        signer = FixedClock
    keys = list(reversed(secrets))
    extra = {"salt": salt}
    if raw:
        extra["serializer"] = _RawBytes
    if fmt == "urlsafe":
        return URLSafeTimedSerializer(
            keys, signer=signer, signer_kwargs={"digest_method": hashlib.sha256}, **extra
        )
    if fmt == "flask":
        return TimedSerializer(keys, signer=signer, **extra)
    raise ValueError(f"unknown format {fmt!r}")


def verdict(
    fmt: str,
    secrets: list[str],
    token: str,
    max_age: int | None,
    now: int | None,
    salt: str = "itsdangerous",
) -> dict:
    """What itsdangerous makes of `token` at `now` (no age check without max_age)."""
    s = serializer(fmt, secrets, now, salt=salt)
    try:
        obj, stamped = s.loads(token, max_age=max_age, return_timestamp=True)
    except SignatureExpired as e:
        return {"result": "SignatureExpired", "timestamp": int(e.date_signed.timestamp())}
    except BadTimeSignature:
        return {"result": "BadTimeSignature"}
    except BadSignature:
        return {"result": "BadSignature"}
    except BadPayload:
        return {"result": "BadPayload"}
    raw = serializer(fmt, secrets, now, raw=True, salt=salt).loads(token, max_age=max_age)
    return {
        "result": "ok",
        "obj": obj,
        "payload": raw.decode("utf-8"),
        "timestamp": int(stamped.timestamp()),
    }
