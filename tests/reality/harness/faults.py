"""Carrying out the scenario's timed faults for real.

- terminate_backends: pg_terminate_backend() of every backend of the app role
  (what a failover or an admin kill does to the app's connections);
- postgres_restart: fast shutdown of the postmaster (every backend ends), a
  pause so that the server is down `down_s` seconds in all, start again;
- pgbouncer_restart: immediate shutdown of PgBouncer (every client connection
  ends), a pause, start again on the same port;
- idle_timeout is not timed: it is a relay in the connection path (see
  idle_proxy.py), set up by the runner.

A FaultRunner thread waits for each fault's `at_s` (from load start) and
records what it did and how long it took. It never raises into the load:
a failure is recorded in the log of faults.
"""

from __future__ import annotations

import threading
import time

from .postgres import APP_ROLE


class FaultRunner:
    """Runs the timed faults of one scenario in a background thread."""

    def __init__(self, faults: list[dict], *, cluster, bouncer, monitor, after_pg_restart=None, log=print):
        self.faults = sorted((f for f in faults if "at_s" in f), key=lambda f: f["at_s"])
        self.cluster = cluster
        self.bouncer = bouncer
        self.monitor = monitor
        self.after_pg_restart = after_pg_restart
        self.log = log
        self.done: list[dict] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.t0 = 0.0

    def start(self, t0: float) -> None:
        """Schedule the faults relative to `t0` (time.monotonic() at load start)."""
        self.t0 = t0
        if self.faults:
            self._thread = threading.Thread(target=self._run, name="faults", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        for fault in self.faults:
            delay = self.t0 + fault["at_s"] - time.monotonic()
            if delay > 0 and self._stop.wait(delay):
                return
            record = {"kind": fault["kind"], "at_s": fault["at_s"], "started_s": round(time.monotonic() - self.t0, 3)}
            try:
                record.update(self._do(fault))
            except Exception as exc:
                record["error"] = f"{type(exc).__name__}: {exc}"
            record["ended_s"] = round(time.monotonic() - self.t0, 3)
            self.log(f"fault {record}")
            self.done.append(record)

    def _do(self, fault: dict) -> dict:
        kind = fault["kind"]
        if kind == "terminate_backends":
            rows = self.monitor.admin_execute(
                "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity "
                f"WHERE usename = '{APP_ROLE}' AND backend_type = 'client backend'"
            )
            return {"terminated": int(rows[0][0]) if rows else 0}
        if kind == "postgres_restart":
            times = self.cluster.restart(fault["down_s"])
            if self.after_pg_restart:
                self.after_pg_restart()
            return times
        if kind == "pgbouncer_restart":
            if not self.bouncer:
                return {"skipped": "the scenario has no PgBouncer"}
            return self.bouncer.restart(fault["down_s"])
        return {"skipped": f"{kind} is not a timed fault"}

    def stop(self) -> None:
        """Cancel faults not yet started; wait for one in progress (bounded)."""
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=60)
