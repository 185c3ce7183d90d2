#!/usr/bin/python3
"""Quick real-stack check: a few focused cases, a couple of minutes in all.

    /usr/bin/python3 tests/reality/quick.py

Runs the harness's unit tests (test_harness.py), then the cases in
harness/cases.py QUICK (shared socket without a hook shows
protocol errors; with dispose(close=False) none; Flask-SQLAlchemy's truncated
pool_timeout; PgBouncer's max_client_conn), each checked against its own
obvious expectations. Prints "N passed, N failed" and exits 1 on a failure.

When the stack is missing (PostgreSQL 15, PgBouncer, Gunicorn, Flask,
Flask-SQLAlchemy, SQLAlchemy, psycopg2 from Debian's packages, or root), it
tries to install the packages in apt-packages.txt (as root); if that is not
possible it prints "skipped: <why>" and exits 0, except with CI=true, where a
missing stack is a failure (exit 1).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

REQUIRED_FILES = {
    "/usr/lib/postgresql/15/bin/postgres": "postgresql-15",
    "/usr/lib/postgresql/15/bin/initdb": "postgresql-15",
    "/usr/sbin/pgbouncer": "pgbouncer",
    "/usr/bin/openssl": "openssl",
}
REQUIRED_MODULES = ("flask", "flask_sqlalchemy", "sqlalchemy", "psycopg2", "gunicorn")


def missing() -> list[str]:
    """What the harness needs and does not find on this machine."""
    out = [f"{path} ({pkg})" for path, pkg in REQUIRED_FILES.items() if not os.path.exists(path)]
    if sys.executable != "/usr/bin/python3" and not os.path.exists("/usr/bin/python3"):
        out.append("/usr/bin/python3")
    probe = "import " + ", ".join(REQUIRED_MODULES)
    if os.path.exists("/usr/bin/python3"):
        res = subprocess.run(["/usr/bin/python3", "-c", probe], capture_output=True, text=True)
        if res.returncode != 0:
            out.append(f"python modules ({res.stderr.strip().splitlines()[-1] if res.stderr.strip() else 'import failed'})")
    try:
        import pwd

        pwd.getpwnam("postgres")
    except KeyError:
        out.append("the postgres system user (postgresql-15)")
    return out


def try_install() -> str | None:
    """Install apt-packages.txt with apt-get; None on success, else why not."""
    if os.geteuid() != 0:
        return "not root, cannot install packages"
    if not shutil.which("apt-get"):
        return "no apt-get on this machine"
    with open(os.path.join(HERE, "apt-packages.txt")) as fh:
        packages = [line.strip() for line in fh if line.strip() and not line.startswith("#")]
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    cmd = ["apt-get", "install", "-y", "--no-install-recommends", *packages]
    res = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=900)
    if res.returncode != 0:
        subprocess.run(["apt-get", "update"], capture_output=True, env=env, timeout=600)
        res = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=900)
    if res.returncode != 0:
        return f"apt-get install failed: {res.stdout[-500:]}{res.stderr[-500:]}"
    return None


def main() -> int:
    in_ci = os.environ.get("CI", "").lower() == "true"
    why = None
    if os.geteuid() != 0:
        why = "the harness needs root (it starts PostgreSQL and PgBouncer as the postgres user)"
    elif missing():
        failure = try_install()
        still = missing()
        if still:
            why = f"missing {', '.join(still)}" + (f"; {failure}" if failure else "")
    if why:
        if in_ci:
            print(f"FAIL: real stack unavailable in CI: {why}")
            return 1
        print(f"skipped: {why}")
        return 0
    if sys.executable != "/usr/bin/python3":
        # The Debian packages live in the system interpreter.
        return subprocess.call(["/usr/bin/python3", os.path.abspath(__file__)])

    import unittest

    # The harness's pure parts first (scenario defaults, classification, event sums): a second.
    suite = unittest.defaultTestLoader.loadTestsFromName("test_harness")
    if not unittest.TextTestRunner(verbosity=1).run(suite).wasSuccessful():
        print("0 passed, 1 failed")
        return 1

    from harness.cases import QUICK
    from run_cases import run_cases

    return 1 if run_cases(QUICK) else 0


if __name__ == "__main__":
    sys.exit(main())
