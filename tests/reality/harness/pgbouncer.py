"""A throw-away PgBouncer 1.18 in front of the cluster, on loopback.

Guarantees:
- runs in the foreground as the postgres user (PgBouncer refuses root), as a
  direct child tracked by the Supervisor;
- listens on 127.0.0.1 only; its settings come from the scenario's
  `pgbouncer` block; the admin console (database `pgbouncer`, user
  `pgbadmin`) is open for SHOW POOLS / SHOW STATS;
- with `network.tls`, clients must use TLS (client_tls_sslmode=require) and
  PgBouncer uses TLS to PostgreSQL as well;
- `restart(down_s)` is an immediate shutdown (SIGTERM: every client
  connection ends), a pause, and a start on the same port.
"""

from __future__ import annotations

import os
import re
import signal
import time

import psycopg2

from .postgres import APP_DB, APP_PASSWORD, APP_ROLE, OTHER_ROLE, PgCluster, _chown, make_self_signed_cert
from .procs import Child, Supervisor, tail
from .util import LOOPBACK, free_port, wait_for

ADMIN_USER = "pgbadmin"


class PgBouncer:
    """Config, lifecycle and admin-console access of one PgBouncer."""

    def __init__(
        self, sup: Supervisor, root: str, cluster: PgCluster, settings: dict, *, tls: bool, auth: str, name: str = "pgbouncer"
    ):
        self.sup = sup
        self.cluster = cluster
        self.settings = settings
        self.tls = tls
        self.auth = auth
        self.name = name
        self.dir = os.path.join(root, name)
        self.ini = os.path.join(self.dir, "pgbouncer.ini")
        self.log_path = os.path.join(self.dir, "pgbouncer.log")
        self.port = 0
        self.child: Child | None = None

    def write_config(self) -> None:
        """pgbouncer.ini + userlist.txt; plain-text passwords let PgBouncer do
        SCRAM both towards the app and towards PostgreSQL."""
        os.makedirs(self.dir, exist_ok=True)
        _chown(self.dir)
        self.port = self.port or free_port()
        s = self.settings
        lines = [
            "[databases]",
            f"{APP_DB} = host={LOOPBACK} port={self.cluster.port} dbname={APP_DB}",
            "",
            "[pgbouncer]",
            f"listen_addr = {LOOPBACK}",
            f"listen_port = {self.port}",
            "unix_socket_dir =",
            f"auth_type = {'scram-sha-256' if self.auth == 'scram' else 'trust'}",
            f"auth_file = {self.dir}/userlist.txt",
            f"admin_users = {ADMIN_USER}",
            f"pool_mode = {s['pool_mode']}",
            f"max_client_conn = {s['max_client_conn']}",
            f"default_pool_size = {s['default_pool_size']}",
            f"min_pool_size = {s['min_pool_size']}",
            f"reserve_pool_size = {s['reserve_pool_size']}",
            f"reserve_pool_timeout = {s['reserve_pool_timeout']}",
            f"max_db_connections = {s['max_db_connections']}",
            f"server_idle_timeout = {s['server_idle_timeout']}",
            f"query_wait_timeout = {s['query_wait_timeout']}",
            f"logfile = {self.log_path}",
            "log_connections = 1",
            "log_disconnections = 1",
            "log_pooler_errors = 1",
            "stats_period = 1",
        ]
        if self.tls:
            crt, key = make_self_signed_cert(self.dir)
            lines += [
                "client_tls_sslmode = require",
                f"client_tls_cert_file = {crt}",
                f"client_tls_key_file = {key}",
                "server_tls_sslmode = require",
            ]
        with open(self.ini, "w") as fh:
            fh.write("\n".join(lines) + "\n")
        with open(os.path.join(self.dir, "userlist.txt"), "w") as fh:
            for user in (APP_ROLE, OTHER_ROLE, ADMIN_USER):
                fh.write(f'"{user}" "{APP_PASSWORD}"\n')
        for name in ("pgbouncer.ini", "userlist.txt"):
            _chown(os.path.join(self.dir, name))
            os.chmod(os.path.join(self.dir, name), 0o600)

    def start(self, timeout_s: float = 20) -> None:
        """Start PgBouncer and wait until its admin console answers."""
        if not os.path.exists(self.ini):
            self.write_config()
        self.child = self.sup.spawn(
            self.name,
            ["/usr/sbin/pgbouncer", self.ini],
            log_path=os.path.join(self.dir, "stdout.log"),
            user="postgres",
            stop_signal=signal.SIGTERM,  # immediate shutdown
            grace_s=10,
        )
        try:
            wait_for(self._ready, timeout_s, what="PgBouncer admin console")
        except TimeoutError as exc:
            raise RuntimeError(f"PgBouncer did not start ({exc}); log tail:\n{self.log_tail()}")

    def _ready(self) -> bool:
        if self.child and self.child.popen.poll() is not None:
            raise RuntimeError(f"pgbouncer exited with {self.child.popen.returncode}")
        conn = self.connect_admin(connect_timeout=2)
        conn.close()
        return True

    def stop(self) -> None:
        if self.child:
            self.sup.stop(self.child)
            self.child = None

    def restart(self, down_s: float) -> dict:
        """Immediate shutdown, `down_s` seconds down (from the signal), start again."""
        t0 = time.monotonic()
        self.stop()
        t_stopped = time.monotonic()
        remaining = down_s - (t_stopped - t0)
        if remaining > 0:
            time.sleep(remaining)
        self.start()
        return {"shutdown_s": round(t_stopped - t0, 3), "down_s": round(time.monotonic() - t0, 3)}

    def connect_admin(self, connect_timeout: int = 5):
        """A connection to the admin console (autocommit: it has no transactions)."""
        conn = psycopg2.connect(
            host=LOOPBACK,
            port=self.port,
            user=ADMIN_USER,
            password=APP_PASSWORD,
            dbname="pgbouncer",
            sslmode="require" if self.tls else "disable",
            connect_timeout=connect_timeout,
        )
        conn.autocommit = True
        return conn

    def dsn_params(self, role: str = APP_ROLE) -> dict:
        return {
            "host": LOOPBACK,
            "port": self.port,
            "user": role,
            "password": APP_PASSWORD,
            "dbname": APP_DB,
            "sslmode": "require" if self.tls else "disable",
        }

    def log_counts(self) -> dict:
        """Count PgBouncer's own refusals and disconnects in its log."""
        counts = {"max_client_conn": 0, "query_wait_timeout": 0, "pooler_errors": 0}
        if not os.path.exists(self.log_path):
            return counts
        with open(self.log_path, encoding="utf-8", errors="replace") as fh:
            for line in fh:
                if "pooler error:" in line:
                    counts["pooler_errors"] += 1
                    if "no more connections allowed (max_client_conn)" in line:
                        counts["max_client_conn"] += 1
                    elif re.search(r"pooler error: query_wait_timeout", line):
                        counts["query_wait_timeout"] += 1
        return counts

    def log_tail(self, lines: int = 40) -> str:
        return tail(self.log_path, lines)
