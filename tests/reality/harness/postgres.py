"""A throw-away PostgreSQL 15 cluster on loopback.

Guarantees:
- the cluster lives under `<root>/pg` (data, socket, log, certificate), owned by
  the `postgres` system user, because initdb and postgres refuse to run as root;
- it listens on 127.0.0.1 only, on a free port, plus a Unix socket in that dir;
- the postmaster is a direct child of the harness (no pg_ctl daemon), tracked
  by the Supervisor, so it can be stopped by PID on any exit path;
- `restart(down_s)` really stops the server (fast shutdown: every backend
  ends) and starts it again after the down time, on the same port.
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import signal
import time

import psycopg2

from .procs import Child, Supervisor, run_checked, tail
from .util import LOOPBACK, free_port, wait_for

PG_BIN = "/usr/lib/postgresql/15/bin"
PG_USER = "postgres"
APP_ROLE = "app"
OTHER_ROLE = "other"
APP_DB = "appdb"
APP_PASSWORD = "poollab-app"  # loopback-only throw-away cluster

# Every connection is logged with its role, so the harness can count what the
# app opened and what PostgreSQL refused, per role.
LOG_LINE_PREFIX = "%m [%p] %u@%d "


def _chown(path: str, user: str = PG_USER) -> None:
    pw = pwd.getpwnam(user)
    os.chown(path, pw.pw_uid, pw.pw_gid)


def make_self_signed_cert(directory: str, owner: str = PG_USER) -> tuple[str, str]:
    """Write server.crt / server.key (RSA-2048, CN 127.0.0.1) readable by `owner` only."""
    crt = os.path.join(directory, "server.crt")
    key = os.path.join(directory, "server.key")
    run_checked(
        [
            "openssl", "req", "-new", "-x509", "-days", "2", "-nodes",
            "-newkey", "rsa:2048", "-keyout", key, "-out", crt,
            "-subj", "/CN=127.0.0.1",
        ]
    )  # fmt: skip
    for path in (crt, key):
        _chown(path, owner)
    os.chmod(key, 0o600)
    return crt, key


class PgCluster:
    """One PostgreSQL cluster: init, start, stop, restart, DSNs, log access."""

    def __init__(
        self,
        sup: Supervisor,
        root: str,
        *,
        max_connections: int,
        superuser_reserved_connections: int,
        tls: bool = False,
        auth: str = "scram",
        extra_hba: list[str] | None = None,
    ):
        """`max_connections` is what the postmaster gets (the caller adds the
        harness's own monitoring slot); `auth` is "scram" or "trust" for TCP;
        `extra_hba` lines go before the catch-all TCP line."""
        self.sup = sup
        self.dir = os.path.join(root, "pg")
        self.data = os.path.join(self.dir, "data")
        self.sock = os.path.join(self.dir, "sock")
        self.log_path = os.path.join(self.dir, "postgres.log")
        self.max_connections = max_connections
        self.reserved = superuser_reserved_connections
        self.tls = tls
        self.auth = auth
        self.port = 0
        self.child: Child | None = None
        self.version = ""
        self.extra_hba = extra_hba or []

    # -- lifecycle ---------------------------------------------------------

    def init(self) -> None:
        """initdb as the postgres user, then write postgresql.conf and pg_hba.conf."""
        os.makedirs(self.sock, exist_ok=True)
        for path in (self.dir, self.sock):
            _chown(path)
        os.chmod(self.dir, 0o755)
        run_checked(
            [f"{PG_BIN}/initdb", "-D", self.data, "-U", PG_USER, "-A", "trust", "-E", "UTF8", "--no-sync", "--locale=C"],
            user=PG_USER,
            timeout=120,
        )
        conf = {
            "listen_addresses": f"'{LOOPBACK}'",
            "unix_socket_directories": f"'{self.sock}'",
            "max_connections": self.max_connections,
            "superuser_reserved_connections": self.reserved,
            "shared_buffers": "'32MB'",
            "fsync": "off",  # durability is irrelevant for a throw-away cluster
            "synchronous_commit": "off",
            "full_page_writes": "off",
            "log_connections": "on",
            "log_disconnections": "on",
            "log_line_prefix": f"'{LOG_LINE_PREFIX}'",
            "logging_collector": "off",
            "log_min_messages": "warning",
            "password_encryption": "'scram-sha-256'",
            "max_wal_size": "'64MB'",
        }
        if self.tls:
            crt, key = make_self_signed_cert(self.dir)
            conf.update(ssl="on", ssl_cert_file=f"'{crt}'", ssl_key_file=f"'{key}'")
        with open(os.path.join(self.data, "postgresql.auto.conf"), "a") as fh:
            for k, v in conf.items():
                fh.write(f"{k} = {v}\n")
        method = "scram-sha-256" if self.auth == "scram" else "trust"
        with open(os.path.join(self.data, "pg_hba.conf"), "w") as fh:
            fh.write("# written by tests/reality: superuser over the Unix socket, roles over TCP\n")
            fh.write(f"local all {PG_USER} trust\n")
            fh.write(f"host all {PG_USER} {LOOPBACK}/32 trust\n")
            for line in self.extra_hba:
                fh.write(line + "\n")
            fh.write(f"host all all {LOOPBACK}/32 {method}\n")

    def start(self, port: int | None = None, timeout_s: float = 30) -> None:
        """Start the postmaster (as postgres) and wait until it accepts connections.

        Picks a free port the first time; a restart reuses the same port.
        On failure, raises with the log tail.
        """
        attempts = 1 if port or self.port else 3
        for attempt in range(attempts):
            self.port = port or self.port or free_port()
            self.child = self.sup.spawn(
                "postgres",
                [f"{PG_BIN}/postgres", "-D", self.data, "-p", str(self.port)],
                log_path=self.log_path,
                user=PG_USER,
                stop_signal=signal.SIGINT,  # fast shutdown: ends every backend
                grace_s=20,
            )
            try:
                wait_for(self._accepting, timeout_s, what="PostgreSQL to accept connections")
                return
            except TimeoutError:
                self.sup.stop(self.child)
                if attempt + 1 == attempts:
                    raise RuntimeError(f"PostgreSQL did not start; log tail:\n{tail(self.log_path)}")
                self.port = 0  # maybe the port was taken in between: try another

    def _accepting(self) -> bool:
        if self.child and self.child.popen.poll() is not None:
            raise RuntimeError(f"postgres exited with {self.child.popen.returncode}:\n{tail(self.log_path)}")
        conn = self.connect_superuser(connect_timeout=2)
        try:
            cur = conn.cursor()
            cur.execute("SHOW server_version")
            self.version = cur.fetchone()[0]
        finally:
            conn.close()
        return True

    def stop(self) -> None:
        """Fast shutdown (SIGINT), SIGKILL of the group after 20 s."""
        if self.child:
            self.sup.stop(self.child)
            self.child = None

    def restart(self, down_s: float) -> dict:
        """Stop, stay down `down_s` seconds (measured from the stop signal), start.

        Returns the measured times: how long the shutdown took and how long
        the server was really unavailable.
        """
        t0 = time.monotonic()
        self.stop()
        t_stopped = time.monotonic()
        remaining = down_s - (t_stopped - t0)
        if remaining > 0:
            time.sleep(remaining)
        self.start()
        t_up = time.monotonic()
        return {"shutdown_s": round(t_stopped - t0, 3), "down_s": round(t_up - t0, 3)}

    # -- connections -------------------------------------------------------

    def connect_superuser(self, dbname: str = "postgres", connect_timeout: int = 5):
        """A superuser connection over the Unix socket (trust). Caller closes it."""
        conn = psycopg2.connect(
            host=self.sock, port=self.port, user=PG_USER, dbname=dbname, connect_timeout=connect_timeout
        )
        conn.autocommit = True
        return conn

    def bootstrap(self) -> None:
        """Create the non-superuser roles and the app database."""
        # Not `with conn`: psycopg2 2.9 opens a transaction block there even in
        # autocommit mode, and CREATE DATABASE refuses to run inside one.
        conn = self.connect_superuser()
        try:
            cur = conn.cursor()
            for role in (APP_ROLE, OTHER_ROLE):
                cur.execute(f"CREATE ROLE {role} LOGIN NOSUPERUSER PASSWORD %s", (APP_PASSWORD,))
            cur.execute(f"CREATE DATABASE {APP_DB} OWNER {APP_ROLE}")
        finally:
            conn.close()

    def dsn_params(self, role: str = APP_ROLE) -> dict:
        """libpq parameters for `role` over TCP loopback (TLS required when tls)."""
        return {
            "host": LOOPBACK,
            "port": self.port,
            "user": role,
            "password": APP_PASSWORD,
            "dbname": APP_DB,
            "sslmode": "require" if self.tls else "disable",
        }

    # -- log ---------------------------------------------------------------

    def log_counts(self) -> dict:
        """Count connections and refusals in the server log, per role.

        - `authorized[role]`: "connection authorized" lines (log_connections);
        - `reserved_refused[role]`: refused for the superuser-reserved slots
          (PG 15 wording: "remaining connection slots are reserved for
          non-replication superuser connections"), which happens *after*
          authentication, so such a backend was also counted as authorized;
        - `too_many[role]`: "sorry, too many clients already";
        - `shutdown_refused`: "the database system is shutting down/starting up".
        """
        counts: dict = {"authorized": {}, "reserved_refused": {}, "too_many": {}, "shutdown_refused": 0}
        if not os.path.exists(self.log_path):
            return counts
        line_re = re.compile(r"^\S+ \S+ \S+ \[\d+\] (\S*)@(\S*) (.*)$")
        with open(self.log_path, encoding="utf-8", errors="replace") as fh:
            for line in fh:
                m = line_re.match(line)
                if not m:
                    continue
                user, msg = m.group(1) or "?", m.group(3)
                if "connection authorized:" in msg:
                    um = re.search(r"user=(\S+)", msg)
                    role = um.group(1) if um else user
                    counts["authorized"][role] = counts["authorized"].get(role, 0) + 1
                elif "remaining connection slots are reserved" in msg:
                    counts["reserved_refused"][user] = counts["reserved_refused"].get(user, 0) + 1
                elif "sorry, too many clients already" in msg:
                    counts["too_many"][user] = counts["too_many"].get(user, 0) + 1
                elif "the database system is shutting down" in msg or "the database system is starting up" in msg:
                    counts["shutdown_refused"] += 1
        return counts

    def log_tail(self, lines: int = 40) -> str:
        return tail(self.log_path, lines)

    def cleanup_files(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)
