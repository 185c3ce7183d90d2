"""Summing the app processes' event logs (see app/pl_events.py) into the
report's `pool` and `fork` blocks.

- connects: C events (new DBAPI connections, every process incl. the master);
- checkouts: o events (pool checkout events);
- waited: W events flagged waited (no idle connection and no room to open
  one when the checkout began, or a pool timeout);
- wait_ms: per checkout, the time spent in the pool minus the time spent
  opening a new connection (so it is the queueing wait, ~0 when a connection
  was free), over successful and timed-out checkouts;
- checked_out_peak: the peak, over one merged time line of all processes, of
  connections checked out at once (a process's count is dropped when it exits);
- inherited_connections: per forked worker, the live connections in the
  master's pool that it inherited (H events, counted before any hook acts);
- shared_socket_uses: checkouts of a connection opened by another process
  (SQLAlchemy's pid-check recipe, counting instead of preventing).
"""

from __future__ import annotations

import glob
import os

from .util import summary_ms


def read_events(events_dirs: list[str]) -> list[tuple]:
    """Every event of every process: (t, pid, kind, fields), sorted by time."""
    out = []
    for d in events_dirs:
        for path in glob.glob(os.path.join(d, "ev-*.log")):
            pid = int(os.path.basename(path)[3:-4])
            with open(path, encoding="utf-8", errors="replace") as fh:
                for line in fh:
                    parts = line.split()
                    if len(parts) < 2:
                        continue
                    try:
                        t = float(parts[1])
                    except ValueError:
                        continue
                    out.append((t, pid, parts[0], parts[2:]))
    out.sort(key=lambda e: e[0])
    return out


def pool_summary(events: list[tuple]) -> dict:
    """The report's `pool` and `fork` figures, plus per-process extras."""
    connects = checkouts = waited = shared = inherited = invalidations = 0
    wait_ms: list[float] = []
    checkout_ms: list[float] = []
    connect_ms: list[float] = []
    timeouts = 0
    out_by_pid: dict[int, int] = {}
    current = peak = 0
    pool_info = None
    pids = set()
    boots = 0
    booted: list[int] = []  # worker pids, in boot order
    checkouts_by_pid: dict[int, int] = {}
    for t, pid, kind, fields in events:
        pids.add(pid)
        if kind == "C":
            connects += 1
            connect_ms.append(float(fields[0]))
        elif kind == "o":
            checkouts += 1
            shared += int(fields[0]) if fields else 0
            out_by_pid[pid] = out_by_pid.get(pid, 0) + 1
            checkouts_by_pid[pid] = checkouts_by_pid.get(pid, 0) + 1
            current += 1
            peak = max(peak, current)
        elif kind == "i":
            if out_by_pid.get(pid, 0) > 0:
                out_by_pid[pid] -= 1
                current -= 1
        elif kind == "E":
            current -= out_by_pid.pop(pid, 0)
        elif kind == "W":
            total, conn, was_waiting, result = float(fields[0]), float(fields[1]), int(fields[2]), fields[3]
            if result in ("ok", "timeout"):
                wait_ms.append(max(0.0, total - conn))
                checkout_ms.append(total)
            waited += was_waiting
            timeouts += result == "timeout"
        elif kind == "H":
            inherited += int(fields[0])
        elif kind == "v":
            invalidations += 1
        elif kind == "B":
            boots += 1
            booted.append(pid)
        elif kind == "P" and pool_info is None:
            pool_info = {
                "class": fields[0],
                "timeout": fields[1],
                "size": fields[2],
                "max_overflow": fields[3],
                "recycle": fields[4],
            }
    return {
        "pool": {
            "checkouts": checkouts,
            "waited": waited,
            "wait_ms": summary_ms(wait_ms, ("mean", "p50", "p95", "p99", "max")),
            "connects": connects,
            "checked_out_peak": peak,
        },
        "fork": {"inherited_connections": inherited, "shared_socket_uses": shared},
        "extra": {
            "pool_timeouts_at_checkout": timeouts,
            "checkout_ms_incl_connect": summary_ms(checkout_ms, ("mean", "p50", "p95", "p99", "max")),
            "connect_ms": summary_ms(connect_ms, ("mean", "p50", "p90", "max")),
            "invalidations": invalidations,
            "app_processes": len(pids),
            "worker_boots": boots,
            "worker_checkouts": worker_checkouts(booted, checkouts_by_pid),
            "pool_as_built": pool_info,
        },
    }


def worker_checkouts(booted: list[int], by_pid: dict[int, int]) -> dict:
    """How the requests spread over the workers: each worker's pool checkouts (one per
    request with hold=request), in boot order, with the most and the least."""
    counts = [by_pid.get(pid, 0) for pid in booted]
    return {
        "by_boot_order": counts,
        "most": max(counts, default=0),
        "least": min(counts, default=0),
    }


def statement_summary(events: list[tuple]) -> dict | None:
    """Where each request's time went, from run.py --trace-statements (Rb/Re and Qb/Qa
    events; None without them). Per outcome (ok, failed): the requests, their latency
    inside the worker, the statements each ran, and each statement's time split by
    whether another thread of the process had a statement in progress on the same
    connection when it was sent (psycopg2 runs one command at a time per connection,
    so such a statement waits its turn). For successful requests also the time from
    the end of their last statement to the end of the request (the commit or the
    session's removal, and the rest of app_ms)."""
    if not any(kind == "Rb" for _, _, kind, _ in events):
        return None
    open_req: dict[tuple, dict] = {}
    running: dict[int, dict[str, str]] = {}  # pid -> thread -> connection of its statement in progress
    out: dict[str, dict[str, list[float]]] = {}
    for t, pid, kind, fields in events:
        if kind not in ("Rb", "Re", "Qb", "Qa") or not fields:
            continue
        key = (pid, fields[0])
        if kind == "Rb":
            open_req[key] = {"t0": t, "stmts": [], "last_end": None}
            continue
        req = open_req.get(key)
        if req is None:
            continue
        if kind == "Qb" and len(fields) >= 3:
            others = running.setdefault(pid, {})
            shared = any(th != fields[0] and conn == fields[1] for th, conn in others.items())
            others[fields[0]] = fields[1]
            req["stmts"].append([t, None, fields[2], shared])
        elif kind == "Qa":
            running.get(pid, {}).pop(fields[0], None)
            for stmt in reversed(req["stmts"]):
                if stmt[1] is None:
                    stmt[1] = t
                    req["last_end"] = t
                    break
        elif kind == "Re":
            running.get(pid, {}).pop(fields[0], None)
            del open_req[key]
            outcome = fields[1] if len(fields) > 1 else "failed"
            acc = out.setdefault(outcome, {})

            def add(name: str, value: float) -> None:
                acc.setdefault(name, []).append(value)

            add("latency_ms", (t - req["t0"]) * 1000)
            done = [s for s in req["stmts"] if s[1] is not None]
            add("statements", float(len(done)))
            for start, end, _verb, shared in done:
                add("statement_ms_shared_connection" if shared else "statement_ms_alone", (end - start) * 1000)
            if outcome == "ok" and req["last_end"] is not None:
                add("after_last_statement_ms", (t - req["last_end"]) * 1000)
    result: dict = {}
    for outcome, acc in sorted(out.items()):
        block: dict = {"requests": len(acc["latency_ms"])}
        for name, values in sorted(acc.items()):
            if name == "statements":
                block["statements_per_request"] = summary_ms(values, ("mean", "p50", "max"))
            else:
                block[name] = dict(summary_ms(values, ("mean", "p50", "p90", "max")), n=len(values))
        result[outcome] = block
    return result
