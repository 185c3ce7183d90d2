#!/usr/bin/python3
"""Measure this machine's connection costs and round trip, for the simulator.

    /usr/bin/python3 tests/reality/calibrate.py [--connects 200] [--queries 2000]
                                                [--http 300] [--sleep-budget 1]
                                                [--out calibration.json]

Against a temporary PostgreSQL 15 cluster (TLS on, self-signed) and PgBouncer
1.18 on 127.0.0.1, it times:
- new connections (psycopg2.connect, median and p90 over --connects):
  Unix socket; TCP with trust and with SCRAM, each without and with TLS;
  through PgBouncer (transaction mode, server connection already pooled);
- the round trip of `SELECT 1` on an open connection (direct, TLS, PgBouncer);
- how late the harness's stand-in query ends: `SELECT pg_sleep(s)` beyond s
  and a round trip, for s from 1 to 200 ms (PostgreSQL waits in whole
  milliseconds, so it wakes a little late);
- the HTTP path: sequential requests to one sync Gunicorn worker of the
  harness app with app_ms 0 and no query, and with one `pg_sleep(0)`.

It prints JSON whose "network" block maps the figures onto the scenario's
network.connect_ms, network.rtt_ms, network.pgbouncer_connect_ms and a TLS
connect cost, for the harness's default authentication (trust), and in
"network_scram" for SCRAM-SHA-256 (run.py --auth scram). Everything it
starts is stopped and removed on exit, on errors and on Ctrl-C.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import sys
import tempfile
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import psycopg2  # noqa: E402

from harness.gunicorn_app import GunicornServer, db_url, start_all  # noqa: E402
from harness.pgbouncer import PgBouncer  # noqa: E402
from harness.postgres import APP_DB, PG_USER, PgCluster  # noqa: E402
from harness.procs import Supervisor, install_signal_handlers  # noqa: E402
from harness.scenario import normalise  # noqa: E402
from harness.util import LOOPBACK, percentile  # noqa: E402
from harness.versions import machine, versions  # noqa: E402

TRUST_ROLE = "calib_trust"


def stats_ms(samples: list[float]) -> dict:
    s = sorted(samples)
    return {
        "median": round(statistics.median(s), 3),
        "p90": round(percentile(s, 90), 3),
        "min": round(s[0], 3),
        "n": len(s),
    }


def time_connects(params: dict, n: int) -> dict:
    """Median/p90 of psycopg2.connect() (close not included), in ms."""
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        conn = psycopg2.connect(**params)
        out.append((time.perf_counter() - t0) * 1000)
        conn.close()
    return stats_ms(out)


def time_queries(params: dict, n: int) -> dict:
    """Median/p90 of one `SELECT 1` round trip on an open connection, in ms."""
    conn = psycopg2.connect(**params)
    conn.autocommit = True
    cur = conn.cursor()
    for _ in range(20):  # warm up
        cur.execute("SELECT 1")
        cur.fetchone()
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        cur.execute("SELECT 1")
        cur.fetchone()
        out.append((time.perf_counter() - t0) * 1000)
    conn.close()
    return stats_ms(out)


#: The pg_sleep durations timed, in ms: the comparison interpolates between them.
PG_SLEEP_GRID_MS = (1, 2, 5, 10, 20, 50, 100, 200)


def time_pg_sleep(params: dict, budget_s: float) -> dict:
    """How much longer `SELECT pg_sleep(s)` takes than s plus a `SELECT 1` round trip, in
    ms, for each s of PG_SLEEP_GRID_MS, each timed for about `budget_s` seconds.
    PostgreSQL's pg_sleep (src/backend/utils/adt/misc.c) waits in whole milliseconds,
    ceil(delay * 1000), and loops while time is left, so the harness's queries end late."""
    conn = psycopg2.connect(**params)
    conn.autocommit = True
    cur = conn.cursor()
    out = {}
    for ms in PG_SLEEP_GRID_MS:
        samples = []
        for _ in range(max(10, min(60, int(budget_s * 1000 / ms)))):
            t0 = time.perf_counter()
            cur.execute("SELECT 1")
            cur.fetchone()
            t1 = time.perf_counter()
            cur.execute("SELECT pg_sleep(%s)", (ms / 1000,))
            cur.fetchone()
            t2 = time.perf_counter()
            samples.append((t2 - t1 - (t1 - t0)) * 1000 - ms)
        out[str(ms)] = stats_ms(samples)
    conn.close()
    return out


def http_get(port: int, path: str, timeout: float = 10) -> tuple[int, bytes]:
    """One HTTP/1.0 request on a fresh connection (like ab); (status, body)."""
    with socket.create_connection((LOOPBACK, port), timeout=timeout) as s:
        s.sendall(f"GET {path} HTTP/1.0\r\nHost: {LOOPBACK}\r\n\r\n".encode())
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


def time_http(port: int, path: str, n: int) -> dict:
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        status, body = http_get(port, path)
        out.append((time.perf_counter() - t0) * 1000)
        if status != 200:
            raise RuntimeError(f"HTTP {status}: {body[:300]!r}")
    return stats_ms(out)


def calibrate(args) -> dict:
    sup = Supervisor(verbose=not args.quiet)
    machine_at_start = machine()
    root = tempfile.mkdtemp(prefix="poollab-calibrate-")
    os.chmod(root, 0o755)
    try:
        cluster = PgCluster(
            sup, root, max_connections=50, superuser_reserved_connections=3, tls=True, auth="scram",
            extra_hba=[f"host all {TRUST_ROLE} {LOOPBACK}/32 trust"],
        )  # fmt: skip
        cluster.init()
        cluster.start()
        cluster.bootstrap()
        conn = cluster.connect_superuser()
        conn.cursor().execute(f"CREATE ROLE {TRUST_ROLE} LOGIN; GRANT ALL ON DATABASE {APP_DB} TO {TRUST_ROLE}")
        conn.close()
        base = cluster.dsn_params()
        scram = dict(base, sslmode="disable")
        scram_tls = dict(base, sslmode="require")
        trust = dict(scram, user=TRUST_ROLE, password="")
        trust_tls = dict(trust, sslmode="require")
        unix = {"host": cluster.sock, "port": cluster.port, "user": PG_USER, "dbname": APP_DB}
        pgb_settings = {
            "pool_mode": "transaction", "max_client_conn": 100, "default_pool_size": 5, "min_pool_size": 0,
            "reserve_pool_size": 0, "reserve_pool_timeout": 5, "max_db_connections": 0,
            "server_idle_timeout": 600, "query_wait_timeout": 120,
        }  # fmt: skip
        bouncers = {}
        for name, tls, auth in (("pgb_scram", False, "scram"), ("pgb_trust", False, "trust"), ("pgb_tls", True, "scram")):
            b = PgBouncer(sup, root, cluster, pgb_settings, tls=tls, auth=auth, name=name)
            b.write_config()
            b.start()
            bouncers[name] = b
        for b in bouncers.values():  # the server connection is pooled before timing clients
            time_queries(b.dsn_params(), 5)
        n, q = args.connects, args.queries
        connect = {
            "unix_socket_trust": time_connects(unix, n),
            "tcp_trust": time_connects(trust, n),
            "tcp_scram": time_connects(scram, n),
            "tcp_trust_tls": time_connects(trust_tls, n),
            "tcp_scram_tls": time_connects(scram_tls, n),
            "pgbouncer_scram": time_connects(bouncers["pgb_scram"].dsn_params(), n),
            "pgbouncer_trust": time_connects(bouncers["pgb_trust"].dsn_params(), n),
            "pgbouncer_scram_tls": time_connects(bouncers["pgb_tls"].dsn_params(), n),
        }
        rtt = {
            "direct": time_queries(scram, q),
            "direct_tls": time_queries(scram_tls, q),
            "pgbouncer": time_queries(bouncers["pgb_scram"].dsn_params(), q),
        }
        scn = normalise({"app": {"workers": 1, "threads": 1}})
        srv = GunicornServer(sup, root, 0, scn, db_url(scram))
        start_all([srv])
        http_get(srv.port, "/r?a=0&q=0")  # the worker's first connect is not timed
        http = {
            "no_query": time_http(srv.port, "/r?a=0&q=", args.http),
            "one_pg_sleep_0": time_http(srv.port, "/r?a=0&q=0", args.http),
        }
        srv.stop()
        pg_sleep = time_pg_sleep(trust, args.sleep_budget)
        # The same request on NullPool, trust over TCP as the harness's app connects: a new
        # connection per request, as SQLAlchemy pays for it (psycopg2.connect, the dialect's
        # on-connect queries, the new backend's first query, and the close on return).
        null_scn = normalise({"app": {"workers": 1, "threads": 1}, "pool": {"class": "NullPool"}})
        null_srv = GunicornServer(sup, root, 1, null_scn, db_url(trust))
        start_all([null_srv])
        http_get(null_srv.port, "/r?a=0&q=0")  # the engine's first connect (dialect initialise) is not timed
        http["one_pg_sleep_0_nullpool"] = time_http(null_srv.port, "/r?a=0&q=0", args.http)
        null_srv.stop()
        return {
            "network": {
                "connect_ms": connect["tcp_trust"]["median"],
                "rtt_ms": rtt["direct"]["median"],
                "pgbouncer_connect_ms": connect["pgbouncer_trust"]["median"],
                "tls_connect_ms": connect["tcp_trust_tls"]["median"],
                "basis": "medians; TCP loopback, trust (the harness default auth, run.py --auth trust), psycopg2.connect",
            },
            "network_scram": {
                "connect_ms": connect["tcp_scram"]["median"],
                "rtt_ms": rtt["direct"]["median"],
                "pgbouncer_connect_ms": connect["pgbouncer_scram"]["median"],
                "tls_connect_ms": connect["tcp_scram_tls"]["median"],
                "basis": "medians; TCP loopback, SCRAM-SHA-256 (run.py --auth scram), psycopg2.connect",
            },
            "connect_ms": connect,
            "select1_rtt_ms": rtt,
            "pg_sleep_excess_ms": pg_sleep,
            "http_path_ms": http,
            "http_note": (
                "sequential HTTP/1.0 requests, one TCP connection each, one sync Gunicorn worker; "
                "no_query = Flask + Gunicorn + TCP; one_pg_sleep_0 adds a pooled checkout, one query and the "
                "rollback on return; one_pg_sleep_0_nullpool is the same request on NullPool (trust over TCP): "
                "a new connection, the dialect's on-connect queries, the first query of a new backend, the close"
            ),
            "pg_sleep_note": (
                "pg_sleep_excess_ms: SELECT pg_sleep(s) on an open connection (trust over TCP, autocommit) minus s "
                "and minus the SELECT 1 timed just before it, keyed by s in ms"
            ),
            "versions": versions(cluster.version),
            "machine": dict(machine_at_start, loadavg_at_end=machine()["loadavg_at_start"]),
            "noise_note": (
                "the machine is shared: connect costs move with its load (tcp_trust median 2.6 ms on a quiet "
                "machine, 6 ms with another process using one of the 2 cores); compare loadavg, rerun if needed"
            ),
        }
    finally:
        sup.stop_all()
        shutil.rmtree(root, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description="Measure connect cost and round trip on this machine.")
    parser.add_argument("--connects", type=int, default=200)
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--http", type=int, default=300)
    parser.add_argument("--sleep-budget", type=float, default=1.0, help="seconds per pg_sleep duration timed")
    parser.add_argument("--out")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args()
    if os.geteuid() != 0:
        print("calibrate.py needs root (it starts PostgreSQL as the postgres user)", file=sys.stderr)
        return 1
    install_signal_handlers()
    try:
        result = calibrate(args)
    except KeyboardInterrupt:
        return 130
    text = json.dumps(result, indent=2)
    if args.out:
        with open(args.out, "w") as fh:
            fh.write(text + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
