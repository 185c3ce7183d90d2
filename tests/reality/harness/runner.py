"""One scenario, run for real: start the stack, drive the load, measure, stop.

`run(scn, opts)` guarantees that, whatever happens (an exception, SIGINT,
SIGTERM), every process it started is stopped by PID and its temporary
directory is removed (unless opts.keep), before it returns or raises.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass

import psycopg2

from . import events as ev
from . import report as rp
from .faults import FaultRunner
from .gunicorn_app import PYTHON, GunicornServer, db_url, start_all
from .loadgen import LOGNORMAL_SIGMA, LoadGenerator
from .monitor import Monitor
from .pgbouncer import PgBouncer
from .postgres import OTHER_ROLE, PgCluster
from .procs import Supervisor, tail
from .scenario import effective_pool
from .util import free_port, wait_for
from .versions import machine, versions

HARNESS_DIR = os.path.dirname(os.path.abspath(__file__))


@dataclass
class RunOptions:
    keep: bool = False
    quiet: bool = False
    auth: str = "trust"  # how the app role authenticates over TCP: "trust" or "scram"
    client_timeout_s: float | None = None
    tmp_parent: str | None = None
    trace_statements: bool = False  # log each request's statements (report extra.statements)


def client_timeout_for(scn: dict, opts: RunOptions) -> float:
    """Per-request client timeout: long enough for a pool wait plus a worker
    timeout plus the request itself, capped at 120 s (the run must end)."""
    if opts.client_timeout_s:
        return float(opts.client_timeout_s)
    pool = effective_pool(scn)
    req = scn["app"]["request"]
    own = (req["app_ms"] + req["queries"] * req["query_ms"]) / 1000.0
    worker = scn["app"]["timeout_s"] or 30
    return float(min(120.0, max(5.0, pool["pool_timeout"] + worker + 3 * own + 5)))


class OtherClients:
    """`other_clients`: connections opened directly to PostgreSQL (role
    `other`) before the load and held idle all run long."""

    def __init__(self, cluster: PgCluster, spec: list[dict]):
        self.cluster = cluster
        self.spec = spec
        self.conns: list = []
        self.failures: list[str] = []

    def open(self) -> None:
        for client in self.spec:
            for _ in range(client["connections"]):
                try:
                    conn = psycopg2.connect(**self.cluster.dsn_params(OTHER_ROLE), connect_timeout=5)
                    conn.autocommit = True
                    conn.cursor().execute("SELECT 1")
                    self.conns.append(conn)
                except Exception as exc:
                    self.failures.append(f"{client['name']}: {exc}".strip())

    def reopen(self) -> None:
        """After a PostgreSQL restart the held connections are dead: open them
        again, as a long-lived client reconnecting would."""
        self.close()
        self.open()

    def close(self) -> None:
        for conn in self.conns:
            try:
                conn.close()
            except Exception:
                pass
        self.conns = []


def _start_idle_proxy(sup: Supervisor, root: str, target_port: int, after_s: float) -> tuple[int, str]:
    port = free_port()
    stats = os.path.join(root, "idle_proxy.json")
    sup.spawn(
        "idle_proxy",
        [PYTHON, os.path.join(HARNESS_DIR, "idle_proxy.py"), str(port), str(target_port), str(after_s), stats],
        log_path=os.path.join(root, "idle_proxy.log"),
        grace_s=5,
    )
    wait_for(lambda: os.path.exists(stats), 10, what="idle proxy")
    return port, stats


class Run:
    """The state of one real run, built up step by step.

    Each `start_*` step records what it started before the next step begins,
    so that `cleanup()` can always stop exactly what exists.
    """

    def __init__(self, scn: dict, opts: RunOptions):
        self.scn = scn
        self.opts = opts
        self.sup = Supervisor(verbose=not opts.quiet)
        self.root = tempfile.mkdtemp(prefix="poollab-reality-", dir=opts.tmp_parent)
        os.chmod(self.root, 0o755)  # the postgres user must reach its subdirectory
        self.t_begin = time.monotonic()
        self.cluster: PgCluster | None = None
        self.bouncer: PgBouncer | None = None
        self.proxy_stats: str | None = None
        self.monitor: Monitor | None = None
        self.others: OtherClients | None = None
        self.servers: list[GunicornServer] = []
        self.faults: FaultRunner | None = None
        self.target: dict = {}
        self.load_avg_start: list = []

    # -- starting ----------------------------------------------------------

    def start_database(self) -> None:
        """PostgreSQL with one slot more than the scenario: the sampler's."""
        net, pg = self.scn["network"], self.scn["postgres"]
        self.cluster = PgCluster(
            self.sup,
            self.root,
            max_connections=pg["max_connections"] + 1,
            superuser_reserved_connections=pg["superuser_reserved_connections"],
            tls=net["tls"],
            auth=self.opts.auth,
        )
        self.cluster.init()
        self.cluster.start()
        self.cluster.bootstrap()
        self.target = self.cluster.dsn_params()
        self.sup.log(f"PostgreSQL {self.cluster.version} on 127.0.0.1:{self.cluster.port}")

    def start_pgbouncer(self) -> None:
        """PgBouncer when the scenario has one; the app then connects to it."""
        if not self.scn["pgbouncer"]:
            return
        settings = dict(self.scn["pgbouncer"])
        settings["max_client_conn"] += 1  # the admin console connection counts (1.18)
        self.bouncer = PgBouncer(
            self.sup, self.root, self.cluster, settings, tls=self.scn["network"]["tls"], auth=self.opts.auth
        )
        self.bouncer.write_config()
        self.bouncer.start()
        self.target = self.bouncer.dsn_params()
        self.sup.log(f"PgBouncer on 127.0.0.1:{self.bouncer.port}")

    def start_idle_relay(self) -> None:
        """The idle_timeout fault: a relay in front of whatever the app connects to."""
        idle = [f for f in self.scn["faults"] if f["kind"] == "idle_timeout"]
        if idle:
            after_s = min(f["after_s"] for f in idle)
            port, self.proxy_stats = _start_idle_proxy(self.sup, self.root, self.target["port"], after_s)
            self.target = dict(self.target, port=port)

    def start_clients(self) -> None:
        """The sampler's connections first (they take their slots), then other_clients."""
        self.monitor = Monitor(self.cluster, self.bouncer)
        self.monitor.open()
        self.others = OtherClients(self.cluster, self.scn["other_clients"])
        self.others.open()

    def start_app(self) -> None:
        url = db_url(self.target)
        self.servers = [
            GunicornServer(self.sup, self.root, i, self.scn, url, trace_statements=self.opts.trace_statements)
            for i in range(self.scn["app"]["servers"])
        ]
        t0 = time.monotonic()
        start_all(self.servers)
        self.sup.log(f"{len(self.servers)} Gunicorn server(s) up in {time.monotonic() - t0:.2f}s")

    # -- the load ------------------------------------------------------------

    def drive(self) -> LoadGenerator:
        """Sampling, faults and load; returns the finished load generator."""
        self.load_avg_start = machine()["loadavg_at_start"]
        self.monitor.start()
        self.faults = FaultRunner(
            self.scn["faults"],
            cluster=self.cluster,
            bouncer=self.bouncer,
            monitor=self.monitor,
            after_pg_restart=self.others.reopen,
            log=self.sup.log,
        )
        client_timeout = client_timeout_for(self.scn, self.opts)
        lg = LoadGenerator(self.scn, [s.port for s in self.servers], client_timeout, on_start=self.faults.start)
        self.sup.log(f"load: {self.scn['load']} (client timeout {client_timeout:.0f}s)")
        lg.run()
        self.sup.log(f"load done: {len(lg.outcomes)} answered of {lg.started} in {lg.wall_s:.2f}s")
        self.faults.stop()
        time.sleep(0.3)  # let the last checkins reach the event logs
        self.monitor.stop()
        return lg

    def stop_app(self) -> list[dict]:
        """Stop the Gunicorn masters gracefully (workers log their exit); their log counts."""
        counts = []
        for srv in self.servers:
            srv.stop()
            counts.append(srv.log_counts())
        return counts

    # -- failure and cleanup ---------------------------------------------------

    def print_log_tails(self) -> None:
        """After a failed start or run: why, from each server's own log."""
        for srv in self.servers:
            print(f"--- gunicorn {srv.index} error log tail:\n{tail(srv.errorlog, 25)}", file=sys.stderr, flush=True)
        if self.cluster:
            print(f"--- postgres log tail:\n{self.cluster.log_tail(25)}", file=sys.stderr, flush=True)
        if self.bouncer:
            print(f"--- pgbouncer log tail:\n{self.bouncer.log_tail(15)}", file=sys.stderr, flush=True)

    def cleanup(self) -> None:
        """Stop everything started (by PID) and remove the temp dir unless kept."""
        if self.faults:
            self.faults.stop()
        if self.monitor:
            self.monitor.stop()
        if self.others:
            self.others.close()
        self.sup.stop_all()
        if self.opts.keep:
            print(f"[harness] kept {self.root}", file=sys.stderr, flush=True)
        else:
            shutil.rmtree(self.root, ignore_errors=True)

    # -- the report ------------------------------------------------------------

    def report(self, lg: LoadGenerator, gunicorn_counts: list[dict]) -> dict:
        """Every measurement in the report shape of SCENARIO.md, plus extras."""
        scn = self.scn
        events = ev.read_events([s.events_dir for s in self.servers])
        pool = ev.pool_summary(events)
        req_block, raw, latencies, timeline = rp.requests_block(lg.outcomes, lg.started)
        pg_counts = self.cluster.log_counts()
        pgb_counts = self.bouncer.log_counts() if self.bouncer else {}
        moved = rp.reassign_query_wait_timeouts(req_block, raw, pgb_counts.get("query_wait_timeout", 0))
        pgb_stats = self.monitor.pgbouncer_stats()
        not_measured = list(rp.NOT_MEASURED_ALWAYS)
        faults_done = list(self.faults.done)
        rp.fault_recovery(faults_done, lg.outcomes)
        window = (
            rp.window_block(lg.outcomes, float(scn["duration_s"]), pgb_counts.get("query_wait_timeout", 0))
            if scn["load"]["kind"] == "open"
            else None
        )
        return {
            "scenario": scn,
            "requests": req_block,
            "latency_ms": rp.latency_block(latencies),
            "in_window": window,
            "throughput_rps": round(req_block["ok"] / lg.wall_s, 3) if lg.wall_s > 0 else 0,
            "pool": pool["pool"],
            "postgres": self._postgres_block(pg_counts),
            "pgbouncer": self._pgbouncer_block(pgb_counts, pgb_stats, not_measured),
            "fork": pool["fork"],
            "not_measured": not_measured,
            "versions": versions(self.cluster.version),
            "raw_errors": raw,
            "harness": self._notes(lg, faults_done),
            "extra": {
                **pool["extra"],
                "postgres_log": pg_counts,
                "postgres_peak_by_role": self.monitor.pg_peak_by_role,
                "pgbouncer_log": pgb_counts or None,
                "pgbouncer_stats": pgb_stats or None,
                "query_wait_timeouts_moved_from_connection_closed": moved,
                "gunicorn": gunicorn_counts,
                **({"statements": ev.statement_summary(events)} if self.opts.trace_statements else {}),
            },
            "timeline_per_s": timeline,
        }

    def _postgres_block(self, pg_counts: dict) -> dict:
        """Peak from the sampler; opened and refused from the server log
        (roles app and other; a reserved-slot refusal was authorized first)."""
        roles = ("app", OTHER_ROLE)
        authorized = sum(pg_counts["authorized"].get(r, 0) for r in roles)
        reserved = sum(n for r, n in pg_counts["reserved_refused"].items() if r in roles)
        too_many = sum(n for r, n in pg_counts["too_many"].items() if r != "postgres")
        return {
            "connections_peak": self.monitor.pg_peak_total,
            "connections_opened": authorized - reserved,
            "refused": reserved + too_many,
        }

    def _pgbouncer_block(self, pgb_counts: dict, pgb_stats: dict, not_measured: list) -> dict | None:
        """SHOW POOLS peaks; wait max from sampled maxwait, mean from SHOW STATS
        (transaction mode only); the percentiles are listed as not measured."""
        if not self.bouncer:
            return None
        wait = {"max": round(self.monitor.pgb["maxwait_ms"], 3)}
        if self.scn["pgbouncer"]["pool_mode"] == "transaction" and pgb_stats.get("total_xact_count"):
            wait["mean"] = round(pgb_stats["total_wait_time"] / pgb_stats["total_xact_count"] / 1000.0, 3)
        else:
            not_measured.append("pgbouncer.wait_ms.mean")
        not_measured += ["pgbouncer.wait_ms.p50", "pgbouncer.wait_ms.p95", "pgbouncer.wait_ms.p99"]
        return {
            "clients_peak": self.monitor.pgb["clients_peak"],
            "servers_peak": self.monitor.pgb["servers_peak"],
            "waiting_peak": self.monitor.pgb["waiting_peak"],
            "wait_ms": wait,
            "refused_max_client_conn": pgb_counts.get("max_client_conn", 0),
        }

    def _notes(self, lg: LoadGenerator, faults_done: list) -> dict:
        """How this run was made: what a reader needs to judge its figures."""
        scn, opts = self.scn, self.opts
        eff = effective_pool(scn)
        truncated = [
            f"pool.{k}: {scn['pool'][k]} became {eff[k]} (Flask-SQLAlchemy's engine_from_config applies int())"
            for k in ("pool_timeout", "pool_recycle", "pool_size", "max_overflow")
            if eff[k] != scn["pool"][k]
        ]
        proxy = None
        if self.proxy_stats and os.path.exists(self.proxy_stats):
            with open(self.proxy_stats) as fh:
                proxy = json.load(fh)
        return {
            "auth": {
                "app_role": "scram-sha-256 (password) over TCP" if opts.auth == "scram" else "trust over TCP",
                "monitor": "postgres superuser, trust, Unix socket",
            },
            "tls": "sslmode=require, self-signed RSA-2048" if scn["network"]["tls"] else "sslmode=disable",
            "http": "HTTP/1.0, one TCP connection per request, no keep-alive (like ab without -k)",
            "request_shape": (
                "app_ms/2 of thread CPU, then the queries (SELECT pg_sleep), then app_ms/2; "
                "with hold=request the connection is held from the first query to the end"
            ),
            "lognormal_sigma": LOGNORMAL_SIGMA,
            "truncated": truncated,
            "client_timeout_s": lg.client_timeout_s,
            "postgres_max_connections_started": scn["postgres"]["max_connections"] + 1,
            "postgres_note": "one slot more than the scenario: the harness's sampler holds it",
            "pgbouncer_max_client_conn_started": (scn["pgbouncer"]["max_client_conn"] + 1) if self.bouncer else None,
            "other_clients": "role `other`, direct to PostgreSQL, opened before the load, reopened after a restart",
            "other_clients_failed": self.others.failures,
            "idle_timeout": (
                "relay that resets a connection on its next use after after_s idle (see idle_proxy.py)"
                if self.proxy_stats
                else None
            ),
            "idle_proxy": proxy,
            "faults_done": faults_done,
            "wall_s_load": round(lg.wall_s, 3),
            "wall_s_total": round(time.monotonic() - self.t_begin, 3),
            "in_flight_at_window_end": lg.in_flight_at_window_end,
            "monitor": {"interval_ms": 50, "samples": self.monitor.samples, "errors": self.monitor.errors},
            "machine": dict(
                machine(), loadavg_at_start=self.load_avg_start, loadavg_at_end=machine()["loadavg_at_start"]
            ),
            "kept_dir": self.root if opts.keep else None,
        }


def run(scn: dict, opts: RunOptions) -> dict:
    """Run the normalised scenario `scn` on the real stack; return the report.

    Whatever happens, everything started is stopped and the temp dir removed
    (unless opts.keep) before this returns or raises.
    """
    r = Run(scn, opts)
    try:
        r.start_database()
        r.start_pgbouncer()
        r.start_idle_relay()
        r.start_clients()
        r.start_app()
        lg = r.drive()
        gunicorn_counts = r.stop_app()
        return r.report(lg, gunicorn_counts)
    except Exception:
        r.print_log_tails()
        raise
    finally:
        r.cleanup()
