"""Per-process event log of the app (master and every Gunicorn worker).

Each process appends one line per event to `<events_dir>/ev-<pid>.log`:

    <kind> <monotonic seconds> [fields...]

with O_APPEND writes of a whole line at a time, so threads never interleave
partial lines, and a worker killed by SIGKILL loses nothing already written.
time.monotonic() is CLOCK_MONOTONIC, one clock for every process on the
machine, so the harness can merge the files on a single time line.

Kinds (written by poolapp.py and pl_hooks.py):
    B  worker booted (post_worker_init)         fields: ppid
    H  connections inherited at fork            fields: n
    C  pool connect (new DBAPI connection)      fields: connect_ms
    o  pool checkout event                      fields: shared(0/1) owner_pid conn
    i  pool checkin event                       fields: conn
    v  connection invalidated                   fields: soft(0/1)
    W  app-level checkout timing                fields: total_ms connect_ms waited(0/1) ok(0/1)
    E  worker exiting (worker_exit hook)

With run.py --trace-statements, also (thread = threading.get_ident()):
    Rb request begins                           fields: thread
    Re request ends                             fields: thread ok|failed
    Qb statement sent (before_cursor_execute)   fields: thread conn verb
    Qa statement done (after_cursor_execute)    fields: thread conn verb

conn is id() of the DBAPI connection: equal values are one connection while it
lives (Python may reuse the id of a closed one).
"""

from __future__ import annotations

import os
import threading
import time

_lock = threading.Lock()
_state = {"pid": None, "fd": None, "dir": None}


def configure(events_dir: str) -> None:
    """Set the directory; files are opened lazily, per process."""
    _state["dir"] = events_dir


def write(kind: str, *fields) -> None:
    """Append one event line for the current process. Never raises."""
    try:
        pid = os.getpid()
        if _state["pid"] != pid:
            # First event in this process, or first after a fork: the fd we
            # inherited belongs to the parent's file; open our own.
            with _lock:
                if _state["pid"] != pid:
                    path = os.path.join(_state["dir"], f"ev-{pid}.log")
                    _state["fd"] = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
                    _state["pid"] = pid
        parts = [kind, f"{time.monotonic():.6f}"] + [str(f) for f in fields]
        os.write(_state["fd"], (" ".join(parts) + "\n").encode())
    except Exception:
        pass
