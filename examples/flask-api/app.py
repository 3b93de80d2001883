"""The app's own API behind edge-login: a notes API for the signed-in user.

edge-login (the Worker) checks the session token, the allow-lists and the
session store, then forwards every /api/... request that is not its own here,
with the user's identity in a signed `Edge-Login-Assertion` (ES256, a JWT).
This app never sees a session token: it verifies the assertion against the
Worker's JWKS and trusts nothing else (X-Auth-Request-* are plain headers that
anyone who reaches this server directly could send).

    EDGE_LOGIN_URL=http://127.0.0.1:8787 .venv/bin/python examples/flask-api/app.py --port 5001

Settings (environment):
    EDGE_LOGIN_URL       the Worker's origin: the assertion's issuer, and where
                         its JWKS is (/.well-known/jwks.json)
    ASSERTION_AUDIENCE   the `aud` to expect (the Worker's ASSERTION_AUDIENCE);
                         default EDGE_LOGIN_URL
    NOTES_DB             an SQLite file for the notes; default: in memory
    FLASK_API_TEST_HOOKS 1: also serve the tests' endpoints (what it received,
                         an echo, a redirect, verifying a given assertion);
                         never in production
"""

import argparse
import hashlib
import os
import sqlite3
import threading

import jwt
from flask import Flask, abort, g, jsonify, request

EDGE_LOGIN_URL = os.environ.get("EDGE_LOGIN_URL", "http://127.0.0.1:8787").rstrip("/")
AUDIENCE = os.environ.get("ASSERTION_AUDIENCE", EDGE_LOGIN_URL)
TEST_HOOKS = os.environ.get("FLASK_API_TEST_HOOKS") == "1"

app = Flask(__name__)

# ---------------------------------------------------------------- who is asking
# The part to copy into your own app: edge-login's assertion, verified.
# PyJWKClient caches the keys and fetches them again for a kid it has not
# seen (after a key rotation).
jwks = jwt.PyJWKClient(f"{EDGE_LOGIN_URL}/.well-known/jwks.json", lifespan=300)


def verify(assertion):
    """The assertion's claims, or jwt.PyJWTError."""
    key = jwks.get_signing_key_from_jwt(assertion)
    return jwt.decode(
        assertion,
        key.key,
        algorithms=["ES256"],
        audience=AUDIENCE,
        issuer=EDGE_LOGIN_URL,
        options={"require": ["sub", "iat", "exp", "jti"]},
    )


def current_user():
    """The verified claims of this request's assertion; else 401."""
    try:
        return verify(request.headers.get("Edge-Login-Assertion", ""))
    except jwt.PyJWTError as e:
        abort(401, description=f"no valid Edge-Login-Assertion: {e}")


# ---------------------------------------------------------------- the notes
# SQLite, in memory unless NOTES_DB names a file; one connection, one lock
# (the development server answers on threads).
db = sqlite3.connect(os.environ.get("NOTES_DB", ":memory:"), check_same_thread=False)
db.execute(
    "CREATE TABLE IF NOT EXISTS notes ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT, user TEXT NOT NULL, text TEXT NOT NULL)"
)
db_lock = threading.Lock()


def note(row):
    return {"id": row[0], "text": row[1]}


@app.get("/api/notes")
def list_notes():
    user = current_user()["sub"]
    with db_lock:
        rows = db.execute("SELECT id, text FROM notes WHERE user = ? ORDER BY id", (user,))
        return jsonify(notes=[note(r) for r in rows.fetchall()])


@app.post("/api/notes")
def add_note():
    user = current_user()["sub"]
    body = request.get_json(silent=True)
    text = body.get("text") if isinstance(body, dict) else None
    if not isinstance(text, str) or not text.strip() or len(text) > 1000:
        return jsonify(error="invalid_request", message="A note is {\"text\": \"...\"}, 1 to 1000 characters."), 400
    with db_lock:
        cur = db.execute("INSERT INTO notes (user, text) VALUES (?, ?)", (user, text.strip()))
        db.commit()
        return jsonify(note={"id": cur.lastrowid, "text": text.strip()}), 201


@app.delete("/api/notes/<int:note_id>")
def delete_note(note_id):
    user = current_user()["sub"]
    with db_lock:
        cur = db.execute("DELETE FROM notes WHERE id = ? AND user = ?", (note_id, user))
        db.commit()
    if cur.rowcount == 0:
        return jsonify(error="not_found", message="There is no such note of yours."), 404
    return "", 204


@app.errorhandler(401)
def unauthorized(e):
    return jsonify(error="unauthorized", message=e.description), 401


# ---------------------------------------------------------------- test hooks
# What the end-to-end tests ask of a backend: how many requests reached it
# (a refused request must never arrive), what arrived, and bodies echoed.
received = []
received_lock = threading.Lock()

if TEST_HOOKS:

    @app.before_request
    def count():
        if request.path.startswith("/__"):
            return
        with received_lock:
            received.append(
                {
                    "method": request.method,
                    "path": request.full_path if request.query_string else request.path,
                    "headers": {k.lower(): v for k, v in request.headers.items()},
                }
            )

    @app.get("/__received")
    def what_was_received():
        with received_lock:
            return jsonify(count=len(received), requests=received)

    @app.delete("/__received")
    def forget_received():
        with received_lock:
            received.clear()
        return "", 204

    @app.post("/__verify")
    def verify_given():
        try:
            return jsonify(claims=verify(request.get_data(as_text=True)))
        except jwt.PyJWTError as e:
            return jsonify(error=str(e)), 401

    @app.route("/api/whoami", methods=["GET", "POST"])
    def whoami():
        claims = current_user()
        return jsonify(
            claims=claims,
            assertion=request.headers.get("Edge-Login-Assertion"),
            headers={k.lower(): v for k, v in request.headers.items()},
        )

    @app.route("/api/echo", methods=["POST", "PUT"])
    def echo():
        current_user()
        data = request.get_data()
        response = app.response_class(data, status=200)
        response.headers["Content-Type"] = request.headers.get("Content-Type", "application/octet-stream")
        response.headers["X-Body-Sha256"] = hashlib.sha256(data).hexdigest()
        response.headers["X-Body-Length"] = str(len(data))
        return response

    @app.get("/api/redirect")
    def redirect_elsewhere():
        current_user()
        return "", 302, {"Location": "/api/notes", "Content-Security-Policy": "default-src 'none'"}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5001)
    args = parser.parse_args()
    app.run(host=args.host, port=args.port, threaded=True)
