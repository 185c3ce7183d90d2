"""Small helpers shared by the harness modules."""

from __future__ import annotations

import math
import socket
import time

LOOPBACK = "127.0.0.1"


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now (the kernel picks it).

    There is a window between closing this probe and the server binding the
    port; callers retry a failed start on a new port.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


def wait_for(predicate, timeout_s: float, interval_s: float = 0.05, what: str = "condition"):
    """Poll `predicate()` until it returns a truthy value; return that value.

    Raises TimeoutError naming `what` after `timeout_s`. Exceptions raised by
    the predicate count as "not yet".
    """
    deadline = time.monotonic() + timeout_s
    last_exc = None
    while time.monotonic() < deadline:
        try:
            value = predicate()
            if value:
                return value
        except Exception as exc:  # not ready yet
            last_exc = exc
        time.sleep(interval_s)
    raise TimeoutError(f"timed out after {timeout_s}s waiting for {what}" + (f": {last_exc}" if last_exc else ""))


def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of an already sorted list; 0 if empty."""
    if not sorted_values:
        return 0.0
    rank = max(1, math.ceil(q / 100.0 * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def summary_ms(values: list[float], keys=("mean", "p50", "p90", "p95", "p99", "max")) -> dict:
    """mean/percentiles/max of a list of milliseconds, rounded to 0.001 ms."""
    vals = sorted(values)
    out = {}
    for key in keys:
        if key == "mean":
            v = sum(vals) / len(vals) if vals else 0.0
        elif key == "max":
            v = vals[-1] if vals else 0.0
        else:
            v = percentile(vals, float(key[1:]))
        out[key] = round(v, 3)
    return out
