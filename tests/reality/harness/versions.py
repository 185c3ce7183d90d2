"""Versions of every component of the real stack, for the report."""

from __future__ import annotations

import platform
import subprocess
import sys
from importlib import metadata

DEBIAN_PACKAGES = (
    "postgresql-15",
    "pgbouncer",
    "python3-gunicorn",
    "python3-flask",
    "python3-flask-sqlalchemy",
    "python3-sqlalchemy",
    "python3-psycopg2",
    "libpq5",
    "openssl",
)


def _cmd(argv: list[str]) -> str:
    try:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=10)
        return (out.stdout or out.stderr).strip().splitlines()[0]
    except Exception as exc:
        return f"unknown ({exc})"


def _dist(name: str) -> str:
    try:
        return metadata.version(name)
    except Exception:
        return "missing"


def versions(postgres_server_version: str | None = None) -> dict:
    """Component versions as the harness sees them (never raises)."""
    try:
        import psycopg2

        libpq = psycopg2.extensions.libpq_version()
        libpq_s = f"{libpq // 10000}.{libpq % 10000}"
        psycopg = psycopg2.__version__.split()[0]
    except Exception:
        libpq_s, psycopg = "missing", "missing"
    deb = {}
    for pkg in DEBIAN_PACKAGES:
        deb[pkg] = _cmd(["dpkg-query", "-W", "-f=${Version}", pkg])
    return {
        "postgresql": postgres_server_version or _cmd(["/usr/lib/postgresql/15/bin/postgres", "--version"]),
        "pgbouncer": _cmd(["/usr/sbin/pgbouncer", "--version"]),
        "gunicorn": _dist("gunicorn"),
        "flask": _dist("flask"),
        "flask_sqlalchemy": _dist("flask-sqlalchemy"),
        "sqlalchemy": _dist("sqlalchemy"),
        "psycopg2": psycopg,
        "libpq": libpq_s,
        "python": platform.python_version(),
        "python_executable": sys.executable,
        "openssl": _cmd(["openssl", "version"]),
        "debian_packages": deb,
    }


def machine() -> dict:
    """CPU count and model, kernel: what the timings depend on."""
    model = "unknown"
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        with open("/proc/loadavg") as fh:
            load = fh.read().split()[:3]
    except OSError:
        load = []
    import os

    return {"nproc": os.cpu_count(), "cpu_model": model, "kernel": platform.release(), "loadavg_at_start": load}
