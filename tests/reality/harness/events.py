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
    for t, pid, kind, fields in events:
        pids.add(pid)
        if kind == "C":
            connects += 1
            connect_ms.append(float(fields[0]))
        elif kind == "o":
            checkouts += 1
            shared += int(fields[0]) if fields else 0
            out_by_pid[pid] = out_by_pid.get(pid, 0) + 1
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
            "pool_as_built": pool_info,
        },
    }
