"""Scenario file reading for the real-stack harness.

The simulator's TypeScript normaliser (`npm run poollab -- normalize <file>`)
is the reference; this module repeats the defaults of
shared/design/SCENARIO.md in a small table so that the harness has no
dependency on Node. Where the two ever disagree, SCENARIO.md wins and this
table is fixed.

Besides the defaults, the harness applies its own caps ("this machine"
limits): they keep a scenario from starting more processes or sockets than a
2-core machine can carry. They are deliberately lower than the simulator's
ranges and are named in the error message.
"""

from __future__ import annotations

import copy
import json
import math

# --- defaults, as in SCENARIO.md ------------------------------------------

DEFAULTS: dict = {
    "version": 1,
    "seed": 1,
    "duration_s": 60,
    "app": {
        "servers": 1,
        "workers": 1,
        "threads": 1,
        "cores": 4,
        "timeout_s": 30,
        "max_requests": 0,
        "max_requests_jitter": 0,
        "preload_app": False,
        "master_connects": False,
        "post_fork": "none",
        "post_worker_init": "none",
        "session_scope": "scoped",
        "engine_config": "flask_sqlalchemy",
        "request": {
            "app_ms": 5,
            "queries": 3,
            "query_ms": 2,
            "distribution": "exponential",
            "hold": "request",
        },
    },
    "pool": {
        "class": "QueuePool",
        "pool_size": 5,
        "max_overflow": 10,
        "pool_timeout": 30,
        "pool_recycle": -1,
        "pool_pre_ping": False,
        "pool_use_lifo": False,
    },
    "pgbouncer": None,
    "postgres": {"max_connections": 100, "superuser_reserved_connections": 3, "cores": 8},
    "network": {"rtt_ms": 0.5, "connect_ms": 5, "pgbouncer_connect_ms": 1, "tls": False},
    "other_clients": [],
    "faults": [],
    "load": {"kind": "closed", "concurrency": 50, "requests": 10000},
}

PGBOUNCER_DEFAULTS: dict = {
    "pool_mode": "session",
    "max_client_conn": 100,
    "default_pool_size": 20,
    "min_pool_size": 0,
    "reserve_pool_size": 0,
    "reserve_pool_timeout": 5,
    "max_db_connections": 0,
    "server_idle_timeout": 600,
    "query_wait_timeout": 120,
}

ENUMS = {
    "app.post_fork": ("none", "dispose_close_false", "dispose_close_true"),
    "app.post_worker_init": ("none", "dispose_close_false", "dispose_close_true"),
    "app.session_scope": ("scoped", "global"),
    "app.engine_config": ("flask_sqlalchemy", "create_engine"),
    "app.request.distribution": ("constant", "exponential", "lognormal"),
    "app.request.hold": ("request", "query"),
    "pool.class": ("QueuePool", "NullPool"),
    "pgbouncer.pool_mode": ("session", "transaction", "statement"),
}

# Harness caps: what this 2-core machine can run for real. (path -> (lo, hi))
CAPS = {
    "duration_s": (0.1, 600),
    "app.servers": (1, 4),
    "app.workers": (1, 16),
    "app.threads": (1, 64),
    "app.timeout_s": (0, 600),
    "app.max_requests": (0, 100000),
    "app.max_requests_jitter": (0, 100000),
    "app.request.app_ms": (0, 10000),
    "app.request.queries": (0, 50),
    "app.request.query_ms": (0, 60000),
    "pool.pool_size": (0, 500),
    "pool.max_overflow": (-1, 500),
    "pool.pool_timeout": (0, 600),
    "pool.pool_recycle": (-1, 86400),
    "postgres.max_connections": (2, 2000),
    "postgres.superuser_reserved_connections": (0, 100),
    "pgbouncer.max_client_conn": (1, 5000),
    "pgbouncer.default_pool_size": (1, 1000),
    "pgbouncer.min_pool_size": (0, 1000),
    "pgbouncer.reserve_pool_size": (0, 1000),
    "pgbouncer.reserve_pool_timeout": (0, 600),
    "pgbouncer.max_db_connections": (0, 5000),
    "pgbouncer.server_idle_timeout": (0, 86400),
    "pgbouncer.query_wait_timeout": (0, 86400),
    "load.concurrency": (1, 500),
    "load.requests": (1, 200000),
    "load.rate_per_s": (0, 2000),
}

FAULT_KINDS = {
    "terminate_backends": {"at_s"},
    "postgres_restart": {"at_s", "down_s"},
    "pgbouncer_restart": {"at_s", "down_s"},
    "idle_timeout": {"after_s"},
}


class ScenarioError(ValueError):
    """An invalid scenario; the message names the key path and the value."""


def _check_keys(given: dict, allowed: dict, path: str) -> None:
    for key in given:
        if key not in allowed:
            where = f"{path}.{key}" if path else key
            raise ScenarioError(f"{where}: unknown key")


def _merge(defaults: dict, given: dict, path: str) -> dict:
    """Deep-merge `given` over `defaults`, rejecting unknown keys and wrong types."""
    if not isinstance(given, dict):
        raise ScenarioError(f"{path or 'scenario'}: {json.dumps(given)} is not an object")
    _check_keys(given, defaults, path)
    out = copy.deepcopy(defaults)
    for key, value in given.items():
        where = f"{path}.{key}" if path else key
        default = defaults[key]
        if isinstance(default, dict):
            out[key] = _merge(default, value, where)
        elif default is None or isinstance(default, list):
            out[key] = value  # pgbouncer / other_clients / faults: checked separately
        elif isinstance(default, bool):
            if not isinstance(value, bool):
                raise ScenarioError(f"{where}: {json.dumps(value)} is not a boolean")
            out[key] = value
        elif isinstance(default, (int, float)):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ScenarioError(f"{where}: {json.dumps(value)} is not a number")
            if not math.isfinite(value):
                raise ScenarioError(f"{where}: {value} is not finite")
            out[key] = value
        elif isinstance(default, str):
            if not isinstance(value, str):
                raise ScenarioError(f"{where}: {json.dumps(value)} is not a string")
            out[key] = value
    return out


def _get(scn: dict, path: str):
    node = scn
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def _check_ranges(scn: dict) -> None:
    for path, choices in ENUMS.items():
        value = _get(scn, path)
        if value is not None and value not in choices:
            raise ScenarioError(f"{path}: {json.dumps(value)} is not one of {', '.join(choices)}")
    for path, (lo, hi) in CAPS.items():
        value = _get(scn, path)
        if value is not None and not lo <= value <= hi:
            raise ScenarioError(f"{path}: {value} is out of range {lo}..{hi} (harness limit)")
    if not isinstance(scn["seed"], int) or not 0 <= scn["seed"] < 2**32:
        raise ScenarioError(f"seed: {scn['seed']} is out of range 0..4294967295")
    for path in ("app.servers", "app.workers", "app.threads", "app.request.queries"):
        if int(_get(scn, path)) != _get(scn, path):
            raise ScenarioError(f"{path}: {_get(scn, path)} is not an integer")


def _normalise_load(load: dict) -> dict:
    if not isinstance(load, dict):
        raise ScenarioError(f"load: {json.dumps(load)} is not an object")
    kind = load.get("kind", "closed")
    if kind == "closed":
        _check_keys(load, {"kind": 1, "concurrency": 1, "requests": 1}, "load")
        out = {"kind": "closed", "concurrency": 50, "requests": 10000}
        out.update(load)
        return out
    if kind == "open":
        _check_keys(load, {"kind": 1, "rate_per_s": 1, "phases": 1}, "load")
        if "phases" in load:
            phases = load["phases"]
            if not isinstance(phases, list) or not phases:
                raise ScenarioError("load.phases: must be a non-empty list")
            for i, ph in enumerate(phases):
                _check_keys(ph, {"rate_per_s": 1, "duration_s": 1}, f"load.phases[{i}]")
                for k, (lo, hi) in (("rate_per_s", (0, 2000)), ("duration_s", (0.1, 600))):
                    v = ph.get(k)
                    if not isinstance(v, (int, float)) or not lo <= v <= hi:
                        raise ScenarioError(f"load.phases[{i}].{k}: {v} is out of range {lo}..{hi}")
            return {"kind": "open", "phases": phases}
        return {"kind": "open", "rate_per_s": load.get("rate_per_s", 100)}
    raise ScenarioError(f"load.kind: {json.dumps(kind)} is not one of closed, open")


def _normalise_faults(faults) -> list:
    if not isinstance(faults, list):
        raise ScenarioError("faults: must be a list")
    out = []
    for i, fault in enumerate(faults):
        kind = fault.get("kind") if isinstance(fault, dict) else None
        if kind not in FAULT_KINDS:
            raise ScenarioError(f"faults[{i}].kind: {json.dumps(kind)} is not one of {', '.join(FAULT_KINDS)}")
        allowed = FAULT_KINDS[kind] | {"kind"}
        _check_keys(fault, dict.fromkeys(allowed), f"faults[{i}]")
        f = {"kind": kind}
        if "at_s" in allowed:
            f["at_s"] = fault.get("at_s", 0)
        if "down_s" in allowed:
            f["down_s"] = fault.get("down_s", 5 if kind == "postgres_restart" else 1)
        if "after_s" in allowed:
            f["after_s"] = fault.get("after_s", 300)
        for k, v in f.items():
            if k != "kind" and (not isinstance(v, (int, float)) or v < 0 or v > 3600):
                raise ScenarioError(f"faults[{i}].{k}: {v} is out of range 0..3600")
        out.append(f)
    return out


def _normalise_other_clients(clients) -> list:
    if not isinstance(clients, list):
        raise ScenarioError("other_clients: must be a list")
    out = []
    for i, c in enumerate(clients):
        if not isinstance(c, dict):
            raise ScenarioError(f"other_clients[{i}]: not an object")
        _check_keys(c, {"name": 1, "connections": 1}, f"other_clients[{i}]")
        n = c.get("connections", 1)
        if not isinstance(n, int) or not 0 <= n <= 500:
            raise ScenarioError(f"other_clients[{i}].connections: {n} is out of range 0..500")
        out.append({"name": str(c.get("name", f"client{i}")), "connections": n})
    return out


def normalise(raw: dict) -> dict:
    """Return the scenario with every default filled in.

    Raises ScenarioError (message names the key path) on unknown keys, wrong
    types, values outside SCENARIO.md's enums or outside the harness caps.
    The input is not modified.
    """
    if not isinstance(raw, dict):
        raise ScenarioError("scenario: the file must hold one JSON object")
    raw = dict(raw)
    raw.pop("$schema", None)
    pgb = raw.pop("pgbouncer", None)
    load = raw.pop("load", DEFAULTS["load"])
    faults = raw.pop("faults", [])
    others = raw.pop("other_clients", [])
    scn = _merge({k: v for k, v in DEFAULTS.items() if k not in ("pgbouncer", "load", "faults", "other_clients")}, raw, "")
    scn["pgbouncer"] = None if pgb is None else _merge(PGBOUNCER_DEFAULTS, pgb, "pgbouncer")
    scn["load"] = _normalise_load(load)
    scn["faults"] = _normalise_faults(faults)
    scn["other_clients"] = _normalise_other_clients(others)
    if scn["version"] != 1:
        raise ScenarioError(f"version: {scn['version']} is not 1")
    _check_ranges(scn)
    return scn


def effective_pool(scn: dict) -> dict:
    """The pool settings SQLAlchemy really sees.

    Through Flask-SQLAlchemy (engine_from_config with _coerce_config) the
    pool_timeout, pool_recycle, pool_size and max_overflow values are passed
    through int() (SQLAlchemy 1.4 DefaultDialect.engine_config_types).
    """
    pool = dict(scn["pool"])
    if scn["app"]["engine_config"] == "flask_sqlalchemy":
        for key in ("pool_timeout", "pool_recycle", "pool_size", "max_overflow"):
            pool[key] = int(pool[key])
    return pool


def load_file(path: str) -> tuple[dict, dict]:
    """Read a scenario file; return (raw, normalised)."""
    with open(path, encoding="utf-8") as fh:
        raw = json.load(fh)
    return raw, normalise(raw)
