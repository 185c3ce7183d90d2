#!/usr/bin/env python3
"""Print the tables of README.md that come from saved results: the calibration
(results/calibration.json) and the focused cases (results/<case>.json).

    /usr/bin/python3 tests/reality/readme_tables.py

test_harness.py checks that README.md holds exactly these tables, so that the
figures there are never typed by hand.
"""

from __future__ import annotations

import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
RESULTS = os.path.join(HERE, "results")

CALIBRATION_ROWS = [
    ("connect, TCP, trust", "connect_ms", "tcp_trust"),
    ("connect, TCP, trust, TLS", "connect_ms", "tcp_trust_tls"),
    ("connect, TCP, SCRAM", "connect_ms", "tcp_scram"),
    ("connect, TCP, SCRAM + TLS", "connect_ms", "tcp_scram_tls"),
    ("connect, Unix socket, trust", "connect_ms", "unix_socket_trust"),
    ("PgBouncer client connect, trust", "connect_ms", "pgbouncer_trust"),
    ("PgBouncer client connect, SCRAM", "connect_ms", "pgbouncer_scram"),
    ("PgBouncer client connect, SCRAM + TLS", "connect_ms", "pgbouncer_scram_tls"),
    ("`SELECT 1` round trip, direct", "select1_rtt_ms", "direct"),
    ("same, TLS", "select1_rtt_ms", "direct_tls"),
    ("same, via PgBouncer", "select1_rtt_ms", "pgbouncer"),
    ("HTTP request, `app_ms` 0, no query", "http_path_ms", "no_query"),
    ("HTTP request, one `pg_sleep(0)`", "http_path_ms", "one_pg_sleep_0"),
    ("same request on NullPool", "http_path_ms", "one_pg_sleep_0_nullpool"),
]


def calibration_table() -> str:
    with open(os.path.join(RESULTS, "calibration.json")) as fh:
        cal = json.load(fh)
    lines = ["| what | median (p90) |", "|---|---|"]
    sleeps = sorted(cal.get("pg_sleep_excess_ms", {}), key=float)
    rows = CALIBRATION_ROWS + [(f"`pg_sleep` of {ms} ms: later than {ms} ms + a round trip", "pg_sleep_excess_ms", ms) for ms in sleeps]
    for label, table, key in rows:
        row = cal.get(table, {}).get(key)
        if row:
            digits = 3 if row["median"] < 1 else 2
            lines.append(f"| {label} | {row['median']:.{digits}f} ({row['p90']:.{digits}f}) ms |")
    return "\n".join(lines)


def case_table() -> str:
    import sys

    sys.path.insert(0, HERE)
    from harness.cases import CASES  # noqa: E402

    lines = [
        "| case | ok/started | errors | connects | checkouts | waited | PG peak | opened | refused | inh/shared | p50 ms |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name in CASES:
        path = os.path.join(RESULTS, f"{name}.json")
        if not os.path.exists(path):
            continue
        with open(path) as fh:
            r = json.load(fh)
        req = r["requests"]
        errors = ", ".join(f"{k} {v}" for k, v in sorted(req["errors"].items()) if v) or "—"
        pool, pg, fork = r["pool"], r["postgres"], r["fork"]
        p50 = r["latency_ms"].get("p50")
        lines.append(
            f"| `{name}` | {req['ok']}/{req['started']} | {errors} | {pool['connects']} | {pool['checkouts']} | "
            f"{pool['waited']} | {pg['connections_peak']} | {pg['connections_opened']} | {pg['refused']} | "
            f"{fork['inherited_connections']}/{fork['shared_socket_uses']} | {round(p50) if p50 is not None else '—'} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    print(calibration_table())
    print()
    print(case_table())
