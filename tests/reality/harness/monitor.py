"""Samplers: PostgreSQL's pg_stat_activity and PgBouncer's SHOW POOLS.

One background thread samples every `interval_s` (50 ms) while the load runs:
- PostgreSQL, through one superuser connection over the Unix socket: client
  backends per role, excluding the sampler itself. That connection takes one
  slot of max_connections; the harness starts the cluster with one slot more
  than the scenario asks, so the app sees exactly the scenario's limit.
- PgBouncer, through one admin-console connection (it counts against
  max_client_conn in 1.18; the harness adds one there too): SHOW POOLS for
  the app database.

The same superuser connection serves fault injection (`admin_execute`) under
a lock, so faults take no extra slot. While a server is down (a restart
fault), sampling errors are counted and the connection is re-opened.
"""

from __future__ import annotations

import threading
import time

from .pgbouncer import PgBouncer
from .postgres import APP_DB, APP_ROLE, PgCluster


class Monitor:
    """Peak tracking for PostgreSQL backends and PgBouncer pools."""

    def __init__(self, cluster: PgCluster, bouncer: PgBouncer | None, interval_s: float = 0.05):
        self.cluster = cluster
        self.bouncer = bouncer
        self.interval_s = interval_s
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._pg = None
        self._pgb = None
        self.samples = 0
        self.errors = 0
        self.pg_peak_by_role: dict[str, int] = {}
        self.pg_peak_total = 0
        self.pgb = {"clients_peak": 0, "servers_peak": 0, "waiting_peak": 0, "maxwait_ms": 0.0}
        self.series: list[tuple[float, int, int]] = []  # (t, app backends, pgbouncer waiting)

    # -- connections -------------------------------------------------------

    def open(self) -> None:
        """Open the sampling connections (before the load, so they take their
        slots first)."""
        self._pg = self.cluster.connect_superuser(dbname=APP_DB)
        if self.bouncer:
            self._pgb = self.bouncer.connect_admin()

    def _reopen_pg(self) -> None:
        try:
            if self._pg is not None:
                self._pg.close()
        except Exception:
            pass
        self._pg = None
        self._pg = self.cluster.connect_superuser(dbname=APP_DB, connect_timeout=1)

    def _reopen_pgb(self) -> None:
        try:
            if self._pgb is not None:
                self._pgb.close()
        except Exception:
            pass
        self._pgb = None
        self._pgb = self.bouncer.connect_admin(connect_timeout=1)

    def admin_execute(self, sql: str) -> list:
        """Run one statement as superuser on the sampler's connection."""
        with self._lock:
            if self._pg is None or self._pg.closed:
                self._reopen_pg()
            cur = self._pg.cursor()
            cur.execute(sql)
            return cur.fetchall() if cur.description else []

    # -- sampling ----------------------------------------------------------

    def _sample_pg(self, t: float) -> int:
        rows = self.admin_execute(
            "SELECT usename, count(*) FROM pg_stat_activity "
            "WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() GROUP BY usename"
        )
        total, app = 0, 0
        for role, n in rows:
            role = role or "?"
            total += n
            if role == APP_ROLE:
                app = n
            if n > self.pg_peak_by_role.get(role, 0):
                self.pg_peak_by_role[role] = n
        self.pg_peak_total = max(self.pg_peak_total, total)
        return app

    def _sample_pgb(self) -> int:
        if self._pgb is None or self._pgb.closed:
            self._reopen_pgb()
        cur = self._pgb.cursor()
        cur.execute("SHOW POOLS")
        cols = [d[0] for d in cur.description]
        waiting = 0
        for row in cur.fetchall():
            r = dict(zip(cols, row))
            if r["database"] != APP_DB:
                continue
            clients = r["cl_active"] + r["cl_waiting"]
            servers = sum(r.get(k, 0) for k in ("sv_active", "sv_idle", "sv_used", "sv_tested", "sv_login"))
            waiting += r["cl_waiting"]
            maxwait_ms = r["maxwait"] * 1000.0 + r.get("maxwait_us", 0) / 1000.0
            p = self.pgb
            p["clients_peak"] = max(p["clients_peak"], clients)
            p["servers_peak"] = max(p["servers_peak"], servers)
            p["waiting_peak"] = max(p["waiting_peak"], r["cl_waiting"])
            p["maxwait_ms"] = max(p["maxwait_ms"], maxwait_ms)
        return waiting

    def pgbouncer_stats(self) -> dict:
        """SHOW STATS totals for the app database (wait time, transactions)."""
        if not self.bouncer:
            return {}
        try:
            self._reopen_pgb()
            cur = self._pgb.cursor()
            cur.execute("SHOW STATS")
            cols = [d[0] for d in cur.description]
            for row in cur.fetchall():
                r = dict(zip(cols, row))
                if r["database"] == APP_DB:
                    return {k: int(v) for k, v in r.items() if k != "database"}
        except Exception as exc:
            return {"error": str(exc)}
        return {}

    def _loop(self) -> None:
        t0 = time.monotonic()
        while not self._stop.is_set():
            t = time.monotonic() - t0
            app, waiting = 0, 0
            try:
                app = self._sample_pg(t)
            except Exception:
                self.errors += 1
                try:
                    with self._lock:
                        self._reopen_pg()
                except Exception:
                    pass  # server down: try again next tick
            if self.bouncer:
                try:
                    waiting = self._sample_pgb()
                except Exception:
                    self.errors += 1
                    try:
                        self._reopen_pgb()
                    except Exception:
                        pass
            self.samples += 1
            if len(self.series) < 20000:
                self.series.append((round(t, 3), app, waiting))
            self._stop.wait(self.interval_s)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="monitor", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop sampling and close the connections. Never raises."""
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=5)
        for conn in (self._pg, self._pgb):
            try:
                if conn is not None:
                    conn.close()
            except Exception:
                pass
