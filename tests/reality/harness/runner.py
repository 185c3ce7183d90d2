"""One scenario, run for real: start the stack, drive the load, measure, stop.

`run(scn, opts)` guarantees that, whatever happens (an exception, SIGINT,
SIGTERM), every process it started is stopped by PID and its temporary
directory is removed (unless opts.keep), before it returns or raises.
"""

from __future__ import annotations

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


def run(scn: dict, opts: RunOptions) -> dict:
    """Run the normalised scenario `scn` on the real stack; return the report."""
    sup = Supervisor(verbose=not opts.quiet)
    root = tempfile.mkdtemp(prefix="poollab-reality-", dir=opts.tmp_parent)
    os.chmod(root, 0o755)  # the postgres user must reach its subdirectory
    servers: list[GunicornServer] = []
    monitor = faults = others = None
    cluster = bouncer = None
    t_begin = time.monotonic()
    try:
        net = scn["network"]
        cluster = PgCluster(
            sup,
            root,
            max_connections=scn["postgres"]["max_connections"] + 1,  # + the sampler's slot
            superuser_reserved_connections=scn["postgres"]["superuser_reserved_connections"],
            tls=net["tls"],
            auth=opts.auth,
        )
        cluster.init()
        cluster.start()
        cluster.bootstrap()
        sup.log(f"PostgreSQL {cluster.version} on 127.0.0.1:{cluster.port}")
        target = cluster.dsn_params()
        if scn["pgbouncer"]:
            settings = dict(scn["pgbouncer"])
            settings["max_client_conn"] += 1  # the admin console connection counts (1.18)
            bouncer = PgBouncer(sup, root, cluster, settings, tls=net["tls"], auth=opts.auth)
            bouncer.write_config()
            bouncer.start()
            target = bouncer.dsn_params()
            sup.log(f"PgBouncer on 127.0.0.1:{bouncer.port}")
        proxy_stats = None
        idle = [f for f in scn["faults"] if f["kind"] == "idle_timeout"]
        if idle:
            port, proxy_stats = _start_idle_proxy(sup, root, target["port"], min(f["after_s"] for f in idle))
            target = dict(target, port=port)
        monitor = Monitor(cluster, bouncer)
        monitor.open()
        others = OtherClients(cluster, scn["other_clients"])
        others.open()
        url = db_url(target)
        servers = [GunicornServer(sup, root, i, scn, url) for i in range(scn["app"]["servers"])]
        t_boot = time.monotonic()
        start_all(servers)
        sup.log(f"{len(servers)} Gunicorn server(s) up in {time.monotonic() - t_boot:.2f}s")
        load_avg_start = machine()["loadavg_at_start"]
        monitor.start()
        faults = FaultRunner(
            scn["faults"], cluster=cluster, bouncer=bouncer, monitor=monitor, after_pg_restart=others.reopen, log=sup.log
        )
        client_timeout = client_timeout_for(scn, opts)
        from .loadgen import LoadGenerator

        lg = LoadGenerator(scn, [s.port for s in servers], client_timeout, on_start=faults.start)
        sup.log(f"load: {scn['load']} (client timeout {client_timeout:.0f}s)")
        outcomes = lg.run()
        sup.log(f"load done: {len(outcomes)} answered of {lg.started} in {lg.wall_s:.2f}s")
        faults.stop()
        time.sleep(0.3)  # let the last checkins reach the event logs
        monitor.stop()
        pgb_stats = monitor.pgbouncer_stats()
        gunicorn_counts = []
        for srv in servers:
            srv.stop()  # graceful: workers log their exit
            gunicorn_counts.append(srv.log_counts())
        return _assemble(
            scn, opts, lg, outcomes, servers, cluster, bouncer, monitor, faults, others, pgb_stats,
            gunicorn_counts, proxy_stats, client_timeout, load_avg_start, root, time.monotonic() - t_begin,
        )  # fmt: skip
    except Exception:
        # A failed start or run: show why, from each server's own log.
        for srv in servers:
            print(f"--- gunicorn {srv.index} error log tail:\n{tail(srv.errorlog, 25)}", file=sys.stderr, flush=True)
        if cluster:
            print(f"--- postgres log tail:\n{cluster.log_tail(25)}", file=sys.stderr, flush=True)
        if bouncer:
            print(f"--- pgbouncer log tail:\n{bouncer.log_tail(15)}", file=sys.stderr, flush=True)
        raise
    finally:
        if faults:
            faults.stop()
        if monitor:
            monitor.stop()
        if others:
            others.close()
        sup.stop_all()
        if opts.keep:
            print(f"[harness] kept {root}", file=sys.stderr, flush=True)
        else:
            shutil.rmtree(root, ignore_errors=True)


def _assemble(scn, opts, lg, outcomes, servers, cluster, bouncer, monitor, faults, others, pgb_stats,
              gunicorn_counts, proxy_stats, client_timeout, load_avg_start, root, wall_total):  # fmt: skip
    """Put every measurement into the report shape."""
    events = ev.read_events([s.events_dir for s in servers])
    pool = ev.pool_summary(events)
    req_block, raw, latencies, timeline = rp.requests_block(outcomes, lg.started)
    pg_counts = cluster.log_counts()
    pgb_counts = bouncer.log_counts() if bouncer else {}
    moved = rp.reassign_query_wait_timeouts(req_block, raw, pgb_counts.get("query_wait_timeout", 0))
    roles = ("app", OTHER_ROLE)
    authorized = sum(pg_counts["authorized"].get(r, 0) for r in roles)
    reserved = sum(n for r, n in pg_counts["reserved_refused"].items() if r in roles)
    too_many = sum(n for r, n in pg_counts["too_many"].items() if r != "postgres")
    not_measured = list(rp.NOT_MEASURED_ALWAYS)
    pgb_block = None
    if bouncer:
        wait = {"max": round(monitor.pgb["maxwait_ms"], 3)}
        if scn["pgbouncer"]["pool_mode"] == "transaction" and pgb_stats.get("total_xact_count"):
            wait["mean"] = round(pgb_stats["total_wait_time"] / pgb_stats["total_xact_count"] / 1000.0, 3)
        else:
            not_measured.append("pgbouncer.wait_ms.mean")
        not_measured += ["pgbouncer.wait_ms.p50", "pgbouncer.wait_ms.p95", "pgbouncer.wait_ms.p99"]
        pgb_block = {
            "clients_peak": monitor.pgb["clients_peak"],
            "servers_peak": monitor.pgb["servers_peak"],
            "waiting_peak": monitor.pgb["waiting_peak"],
            "wait_ms": wait,
            "refused_max_client_conn": pgb_counts.get("max_client_conn", 0),
        }
    faults_done = list(faults.done) if faults else []
    rp.fault_recovery(faults_done, outcomes)
    proxy = None
    if proxy_stats and os.path.exists(proxy_stats):
        import json

        with open(proxy_stats) as fh:
            proxy = json.load(fh)
    net = scn["network"]
    eff = effective_pool(scn)
    truncated = [
        f"pool.{k}: {scn['pool'][k]} became {eff[k]} (Flask-SQLAlchemy's engine_from_config applies int())"
        for k in ("pool_timeout", "pool_recycle", "pool_size", "max_overflow")
        if eff[k] != scn["pool"][k]
    ]
    report = {
        "scenario": scn,
        "requests": req_block,
        "latency_ms": rp.latency_block(latencies),
        "throughput_rps": round(req_block["ok"] / lg.wall_s, 3) if lg.wall_s > 0 else 0,
        "pool": pool["pool"],
        "postgres": {
            "connections_peak": monitor.pg_peak_total,
            "connections_opened": authorized - reserved,
            "refused": reserved + too_many,
        },
        "pgbouncer": pgb_block,
        "fork": pool["fork"],
        "not_measured": not_measured,
        "versions": versions(cluster.version),
        "raw_errors": raw,
        "harness": {
            "auth": {
                "app_role": "scram-sha-256 (password) over TCP" if opts.auth == "scram" else "trust over TCP",
                "monitor": "postgres superuser, trust, Unix socket",
            },
            "tls": "sslmode=require, self-signed RSA-2048" if net["tls"] else "sslmode=disable",
            "http": "HTTP/1.0, one TCP connection per request, no keep-alive (like ab without -k)",
            "request_shape": (
                "app_ms/2 of thread CPU, then the queries (SELECT pg_sleep), then app_ms/2; "
                "with hold=request the connection is held from the first query to the end"
            ),
            "lognormal_sigma": 0.5,
            "truncated": truncated,
            "client_timeout_s": client_timeout,
            "postgres_max_connections_started": scn["postgres"]["max_connections"] + 1,
            "postgres_note": "one slot more than the scenario: the harness's sampler holds it",
            "pgbouncer_max_client_conn_started": (scn["pgbouncer"]["max_client_conn"] + 1) if bouncer else None,
            "other_clients": "role `other`, direct to PostgreSQL, opened before the load, reopened after a restart",
            "other_clients_failed": others.failures if others else [],
            "idle_timeout": (
                "relay that resets a connection on its next use after after_s idle (see idle_proxy.py)"
                if proxy_stats
                else None
            ),
            "idle_proxy": proxy,
            "faults_done": faults_done,
            "wall_s_load": round(lg.wall_s, 3),
            "wall_s_total": round(wall_total, 3),
            "in_flight_at_window_end": lg.in_flight_at_window_end,
            "monitor": {"interval_ms": 50, "samples": monitor.samples, "errors": monitor.errors},
            "machine": dict(machine(), loadavg_at_start=load_avg_start, loadavg_at_end=machine()["loadavg_at_start"]),
            "kept_dir": root if opts.keep else None,
        },
        "extra": {
            **pool["extra"],
            "postgres_log": pg_counts,
            "postgres_peak_by_role": monitor.pg_peak_by_role,
            "pgbouncer_log": pgb_counts or None,
            "pgbouncer_stats": pgb_stats or None,
            "query_wait_timeouts_moved_from_connection_closed": moved,
            "gunicorn": gunicorn_counts,
        },
        "timeline_per_s": timeline,
    }
    return report
