"""Classifying each failed request into the engine's error kinds.

Input is what the client saw: the app's JSON error body (exception class and
raw message), or an HTTP-level failure (no response at all, a timeout). The
rules are ordered: the first match wins. The raw texts are kept by the caller,
so a rule can always be checked against what really happened.

Engine kinds (SCENARIO.md): pool_timeout, too_many_clients, protocol_error,
ssl_error, connection_closed, max_client_conn, query_wait_timeout,
worker_timeout, session_state, connect_refused.
Harness-only kinds (reported apart, under requests.other_errors):
client_timeout, http_refused, generator_saturated, unclassified.
"""

from __future__ import annotations

import json
import re

ENGINE_KINDS = (
    "pool_timeout",
    "too_many_clients",
    "protocol_error",
    "ssl_error",
    "connection_closed",
    "max_client_conn",
    "query_wait_timeout",
    "worker_timeout",
    "session_state",
    "connect_refused",
)
OTHER_KINDS = ("client_timeout", "http_refused", "generator_saturated", "unclassified")

# (kind, regex over "<class>: <message>"), first match wins.
RULES: list[tuple[str, re.Pattern]] = [
    ("pool_timeout", re.compile(r"QueuePool limit of size \d+ overflow -?\d+ reached")),
    ("max_client_conn", re.compile(r"no more connections allowed \(max_client_conn\)")),
    ("query_wait_timeout", re.compile(r"query_wait_timeout")),
    (
        "too_many_clients",
        re.compile(r"remaining connection slots are reserved|sorry, too many clients already"),
    ),
    (
        "connect_refused",
        re.compile(
            r"Connection refused|the database system is (shutting down|starting up|not yet accepting)"
            r"|database system is in recovery mode|could not connect to server"
        ),
    ),
    # Two processes (or threads) interleaving on one socket: replies meant for
    # another statement, or a protocol state libpq cannot follow.
    (
        "protocol_error",
        re.compile(
            r"no message from the libpq|This result object does not return rows|lost synchronization with server"
            r"|insufficient data in \"?\w\"? message|unexpected response from server|another command is already in progress"
            r"|no results to fetch|error with status PGRES_|unexpected field count|server sent data \(\"D\" message\)"
        ),
    ),
    # TLS state of the socket lives in the other process's memory.
    ("ssl_error", re.compile(r"decryption failed or bad record mac|SSL error|sslv3 alert|wrong version number")),
    # The Session shared by threads: state machine errors of the ORM, and
    # psycopg2 finding its connection closed under it by another thread
    # ("connection pointer is NULL", "unknown error").
    (
        "session_state",
        re.compile(
            r"^(builtins\.AttributeError|sqlalchemy\.exc\.InvalidRequestError|sqlalchemy\.exc\.IllegalStateChangeError"
            r"|sqlalchemy\.exc\.ResourceClosedError)"
            r"|connection pointer is NULL|\(psycopg2\.OperationalError\) unknown error"
            r"|This session is in '\w+' state|This transaction is inactive"
            r"|This Connection is closed|Can't reconnect until invalid transaction is rolled back"
            r"|is already in progress|concurrent operations are not permitted|has no attribute"
        ),
    ),
    (
        "connection_closed",
        re.compile(
            r"server closed the connection unexpectedly|connection already closed|SSL SYSCALL error: EOF detected"
            r"|terminating connection due to administrator command|could not receive data from server"
            r"|SSL connection has been closed unexpectedly|Connection reset by peer|could not send data to server"
            r"|server conn crashed|SSL SYSCALL error"
        ),
    ),
]


def classify_text(text: str) -> str:
    """Kind for an exception text ("<module.Class>: <message>")."""
    for kind, rx in RULES:
        if rx.search(text):
            return kind
    return "unclassified"


def error_text(body: str) -> str:
    """The raw "<class>: <message>" of an app error body (or the body itself)."""
    try:
        err = json.loads(body)["error"]
        return f"{err['class']}: {err['message']}"
    except Exception:
        return body.strip()[:2000]


def classify_outcome(status: str, http_status: int, body: str) -> tuple[str, str]:
    """(kind, raw text) for one failed request, from what the client saw."""
    if status == "dropped":
        # The worker process died with the request (Gunicorn WORKER TIMEOUT:
        # SIGABRT, then SIGKILL): the client's connection closes with no reply.
        return "worker_timeout", body or "connection closed by the server with no HTTP response"
    if status in ("client_timeout", "http_refused", "generator_saturated"):
        return status, status
    if status == "http_error":
        if http_status in (502, 504):
            return "worker_timeout", f"HTTP {http_status}"
        text = error_text(body)
        return classify_text(text), text
    return "unclassified", f"{status} {http_status} {body[:500]}"
