"""The focused cases in tests/reality/cases/: what each shows and the
obvious expectations a real run must meet.

The expectations are deliberately loose where the real stack is noisy (how
many requests overlap on a shared socket depends on scheduling), and strict
where the mechanism is deterministic (a pool timeout truncated to 0, a hard
connection limit). They check the run against itself, not against the
engine; the model-vs-reality comparison is a separate step.
"""

from __future__ import annotations

import os
from collections.abc import Callable

CASES_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "cases")


def _err(r, kind):
    return r["requests"]["errors"][kind]


def _raw_has(r, kind, needle):
    return any(needle in s["text"] for s in r["raw_errors"].get(kind, []))


Check = Callable[[dict], list[str]]


def expect(*conds: tuple[str, Callable[[dict], bool]]) -> Check:
    """Build a check from (description, predicate) pairs; returns the failed descriptions."""

    def check(r: dict) -> list[str]:
        failed = []
        for desc, pred in conds:
            try:
                ok = pred(r)
            except Exception as exc:
                ok, desc = False, f"{desc} (raised {type(exc).__name__}: {exc})"
            if not ok:
                failed.append(desc)
        return failed

    return check


def _no_failures(r):
    return r["requests"]["failed"] == 0


CASES: dict[str, tuple[str, Check]] = {
    "pool-timeout-too-few": (
        "8 threads share 1 pooled connection (300 ms queries, pool_timeout 1): pool timeouts",
        expect(
            ("some pool_timeout errors", lambda r: _err(r, "pool_timeout") > 0),
            ("no other error kind", lambda r: r["requests"]["failed"] == _err(r, "pool_timeout")),
            ("PostgreSQL never saw more than 1 app connection", lambda r: r["extra"]["postgres_peak_by_role"].get("app", 0) <= 1),
            (
                "text is SQLAlchemy 1.4's (sqlalche.me/e/14/3o7r)",
                lambda r: _raw_has(r, "pool_timeout", "QueuePool limit of size 1 overflow 0 reached")
                and _raw_has(r, "pool_timeout", "sqlalche.me/e/14/3o7r"),
            ),
        ),
    ),
    "pool-timeout-enough": (
        "the same load with 8 pooled connections: no pool timeouts, no waits",
        expect(
            ("no failed request", _no_failures),
            ("at most 8 connections opened", lambda r: r["pool"]["connects"] <= 8),
        ),
    ),
    "too-many-clients-two-servers": (
        "2 servers x 2 workers x (4+4) connections against max_connections 12 (3 reserved)",
        expect(
            ("some too_many_clients errors", lambda r: _err(r, "too_many_clients") > 0),
            ("app backends never above 12 - 3 = 9", lambda r: r["extra"]["postgres_peak_by_role"].get("app", 0) <= 9),
            (
                "PG 15 wording of the reserved-slot refusal",
                lambda r: _raw_has(r, "too_many_clients", "reserved for non-replication superuser connections"),
            ),
            ("PostgreSQL logged the refusals", lambda r: r["postgres"]["refused"] > 0),
        ),
    ),
    "fork-shared-no-hook": (
        "preloaded master connection inherited by 4 sync workers, no hook: desync errors",
        expect(
            ("each of the 4 workers inherited the master's connection", lambda r: r["fork"]["inherited_connections"] == 4),
            ("the inherited socket was used by workers", lambda r: r["fork"]["shared_socket_uses"] > 0),
            (
                "protocol errors or closed connections",
                lambda r: _err(r, "protocol_error") + _err(r, "connection_closed") > 0,
            ),
        ),
    ),
    "fork-shared-dispose-close-false": (
        "the same with engine.dispose(close=False) in post_fork: no errors",
        expect(
            ("each of the 4 workers inherited the master's connection", lambda r: r["fork"]["inherited_connections"] == 4),
            ("no worker used the inherited socket", lambda r: r["fork"]["shared_socket_uses"] == 0),
            ("no failed request", _no_failures),
        ),
    ),
    "fork-shared-dispose-close-true": (
        "the same with engine.dispose() in post_fork: no request fails, the master's backend dies",
        expect(
            ("no worker used the inherited socket", lambda r: r["fork"]["shared_socket_uses"] == 0),
            ("no failed request", _no_failures),
        ),
    ),
    "fork-shared-tls": (
        "shared master connection with TLS: SSL errors",
        expect(
            ("the inherited socket was used by workers", lambda r: r["fork"]["shared_socket_uses"] > 0),
            ("some ssl_error", lambda r: _err(r, "ssl_error") > 0),
            ("no protocol_error (TLS breaks before the protocol desyncs)", lambda r: _err(r, "protocol_error") == 0),
        ),
    ),
    "nullpool-connect-rate": (
        "NullPool: one new connection per checkout",
        expect(
            ("connects == checkouts", lambda r: r["pool"]["connects"] == r["pool"]["checkouts"]),
            ("one checkout per request", lambda r: r["pool"]["checkouts"] >= r["requests"]["ok"]),
            (
                "PostgreSQL started as many backends",
                lambda r: abs(r["postgres"]["connections_opened"] - r["pool"]["connects"]) <= 2,
            ),
            ("no failed request", _no_failures),
        ),
    ),
    "pgbouncer-max-client-conn": (
        "PgBouncer (transaction mode) refuses clients past max_client_conn 20; PostgreSQL stays within default_pool_size 5. "
        "The load is open, 300 requests a second: with a closed loop a refused user sends its next request at once, "
        "so the number of refusals measured how fast this 2-core machine, shared with the load generator and "
        "PgBouncer, turned failures around (194 to 265 of 400 over six runs), not the pools",
        expect(
            ("some max_client_conn errors", lambda r: _err(r, "max_client_conn") > 0),
            ("PostgreSQL app backends <= 5", lambda r: r["extra"]["postgres_peak_by_role"].get("app", 0) <= 5),
            ("PgBouncer servers_peak <= 5", lambda r: r["pgbouncer"]["servers_peak"] <= 5),
            ("PgBouncer logged the refusals", lambda r: r["pgbouncer"]["refused_max_client_conn"] > 0),
        ),
    ),
    "pgbouncer-query-wait-timeout": (
        "PgBouncer with 1 server connection and query_wait_timeout 1 s, 4 threads with 1.5 s queries",
        expect(
            ("PgBouncer logged query_wait_timeout", lambda r: r["extra"]["pgbouncer_log"]["query_wait_timeout"] > 0),
            ("some query_wait_timeout errors", lambda r: _err(r, "query_wait_timeout") > 0),
            (
                "the app saw 'server closed the connection unexpectedly'",
                lambda r: _raw_has(r, "query_wait_timeout", "server closed the connection unexpectedly"),
            ),
            ("PostgreSQL saw 1 app backend", lambda r: r["extra"]["postgres_peak_by_role"].get("app", 0) == 1),
        ),
    ),
    "pgbouncer-query-wait-timeout-tls": (
        "the same with TLS between the app and PgBouncer",
        expect(
            ("some query_wait_timeout errors", lambda r: _err(r, "query_wait_timeout") > 0),
            (
                "the app saw 'SSL connection has been closed unexpectedly'",
                lambda r: _raw_has(r, "query_wait_timeout", "SSL connection has been closed unexpectedly"),
            ),
        ),
    ),
    "fsa-pool-timeout-truncation": (
        "pool_timeout 0.2 through Flask-SQLAlchemy becomes 0: almost every queued checkout fails at once",
        expect(
            ("the pool was built with timeout 0", lambda r: float(r["extra"]["pool_as_built"]["timeout"]) == 0),
            ("at least 60% of requests failed with pool_timeout", lambda r: _err(r, "pool_timeout") >= 0.6 * r["requests"]["started"]),
            ("the message says timeout 0.00", lambda r: _raw_has(r, "pool_timeout", "timeout 0.00")),
        ),
    ),
    "create-engine-pool-timeout": (
        "the same pool_timeout 0.2 through create_engine: waits 0.2 s, fewer failures",
        expect(
            ("the pool was built with timeout 0.2", lambda r: abs(float(r["extra"]["pool_as_built"]["timeout"]) - 0.2) < 1e-9),
            ("the message says timeout 0.20", lambda r: _raw_has(r, "pool_timeout", "timeout 0.20")),
            ("fewer than 80% failed", lambda r: _err(r, "pool_timeout") < 0.8 * r["requests"]["started"]),
        ),
    ),
    "failover-no-pre-ping": (
        "all app backends terminated mid-run, no pre-ping: about one failure per worker",
        expect(
            ("the fault ran", lambda r: r["harness"]["faults_done"] and r["harness"]["faults_done"][0].get("terminated", 0) > 0),
            ("1 to 4 connection_closed", lambda r: 1 <= _err(r, "connection_closed") <= 4),
            ("nothing else failed", lambda r: r["requests"]["failed"] == _err(r, "connection_closed")),
        ),
    ),
    "failover-pre-ping": (
        "the same with pool_pre_ping: the pings find the dead connections, nothing fails",
        expect(
            ("the fault ran", lambda r: r["harness"]["faults_done"] and r["harness"]["faults_done"][0].get("terminated", 0) > 0),
            ("at most 1 failure (a request in flight at the kill)", lambda r: r["requests"]["failed"] <= 1),
        ),
    ),
    "gthread-accept-shares": (
        "4 gthread workers at 60 requests a second: how the requests spread over the workers "
        "that race to accept them",
        expect(
            ("every worker served requests", lambda r: r["extra"]["worker_checkouts"]["least"] > 0),
            ("4 workers booted", lambda r: len(r["extra"]["worker_checkouts"]["by_boot_order"]) == 4),
            ("nothing failed", _no_failures),
        ),
    ),
    "session-global": (
        "one Session shared by 8 threads: session state errors",
        expect(("some session_state errors", lambda r: _err(r, "session_state") > 0)),
    ),
    "worker-timeout-sync": (
        "sync workers with timeout 2 s and long queries: WORKER TIMEOUT kills requests",
        expect(
            ("some worker_timeout errors", lambda r: _err(r, "worker_timeout") > 0),
            ("Gunicorn logged WORKER TIMEOUT", lambda r: sum(g["worker_timeouts"] for g in r["extra"]["gunicorn"]) > 0),
        ),
    ),
    "postgres-restart": (
        "PostgreSQL fast shutdown, down 2 s: connects refused while down, then recovery",
        expect(
            ("the restart ran", lambda r: r["harness"]["faults_done"] and "error" not in r["harness"]["faults_done"][0]),
            ("some connect_refused", lambda r: _err(r, "connect_refused") > 0),
            ("requests succeed again after", lambda r: r["harness"]["faults_done"][0]["first_ok_after_end_s"] is not None),
        ),
    ),
    "pgbouncer-restart": (
        "PgBouncer immediate shutdown, down 1 s: client connections end, connects refused, then recovery",
        expect(
            ("the restart ran", lambda r: r["harness"]["faults_done"] and "error" not in r["harness"]["faults_done"][0]),
            ("some failures", lambda r: r["requests"]["failed"] > 0),
            ("requests succeed again after", lambda r: r["harness"]["faults_done"][0]["first_ok_after_end_s"] is not None),
        ),
    ),
    "idle-timeout-drop": (
        "a middlebox forgets connections idle > 2 s; the pause in the load makes every pooled one idle",
        expect(
            ("the relay dropped idle connections", lambda r: (r["harness"]["idle_proxy"] or {}).get("dropped_idle", 0) > 0),
            ("some connection_closed", lambda r: _err(r, "connection_closed") > 0),
        ),
    ),
    "other-clients-take-slots": (
        "12 connections of another client leave the app 5 of max_connections 20 - 3 reserved. "
        "The load is open, 120 requests a second: with a closed loop of 8 users the refused ones sent their next "
        "request at once, and the requests that succeeded measured how fast this 2-core machine turned the "
        "refusals around (50 to 146 of 300 over three runs), not the slots",
        expect(
            ("the other client held 12", lambda r: r["extra"]["postgres_peak_by_role"].get("other", 0) == 12),
            ("some too_many_clients", lambda r: _err(r, "too_many_clients") > 0),
            ("app backends never above 5", lambda r: r["extra"]["postgres_peak_by_role"].get("app", 0) <= 5),
        ),
    ),
    "max-requests-refork-no-hook": (
        "max_requests re-forks workers that inherit the master's connection again (no hook)",
        expect(
            ("workers were re-forked", lambda r: r["extra"]["worker_boots"] > 2),
            ("every fork inherited the master's connection", lambda r: r["fork"]["inherited_connections"] == r["extra"]["worker_boots"]),
            ("some failures from the shared connection", lambda r: r["requests"]["failed"] > 0),
        ),
    ),
}

QUICK = ["fork-shared-no-hook", "fork-shared-dispose-close-false", "fsa-pool-timeout-truncation", "pgbouncer-max-client-conn"]


def case_path(name: str) -> str:
    return os.path.join(CASES_DIR, f"{name}.json")
