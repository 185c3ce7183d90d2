#!/usr/bin/python3
"""Run the focused cases of tests/reality/cases/ for real and check each
run's own obvious expectations (see harness/cases.py).

    /usr/bin/python3 tests/reality/run_cases.py [case ...] [--quick] [--save] [--verbose]

--quick runs the small subset used by quick.py; --save writes each report to
tests/reality/results/<case>.json (committed as evidence). Prints one line
per case and a closing "N passed, N failed" line; exits 1 if any case failed
its expectations or could not run.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from harness.cases import CASES, QUICK, case_path  # noqa: E402
from harness.procs import install_signal_handlers  # noqa: E402
from harness.scenario import load_file  # noqa: E402

RESULTS_DIR = os.path.join(HERE, "results")


def summary_line(r: dict) -> str:
    """Key counts of one report, for the console."""
    errs = {k: v for k, v in r["requests"]["errors"].items() if v}
    errs.update({k: v for k, v in r["requests"]["other_errors"].items() if v})
    parts = [
        f"ok {r['requests']['ok']}/{r['requests']['started']}",
        f"errors {errs or '{}'}",
        f"p50 {r['latency_ms']['p50']:.1f} ms",
        f"connects {r['pool']['connects']}",
        f"pg peak {r['postgres']['connections_peak']}",
    ]
    if r["pgbouncer"]:
        parts.append(f"pgb clients {r['pgbouncer']['clients_peak']} servers {r['pgbouncer']['servers_peak']}")
    if r["fork"]["inherited_connections"] or r["fork"]["shared_socket_uses"]:
        parts.append(f"inherited {r['fork']['inherited_connections']} shared uses {r['fork']['shared_socket_uses']}")
    return ", ".join(parts)


def run_case(name: str, save: bool, verbose: bool) -> tuple[bool, str]:
    """Run one case; (passed, message). Never raises except on Ctrl-C/SIGTERM."""
    from harness.runner import RunOptions, run

    _, scn = load_file(case_path(name))
    t0 = time.monotonic()
    try:
        report = run(scn, RunOptions(quiet=not verbose))
    except Exception as exc:
        return False, f"could not run: {type(exc).__name__}: {exc}"
    took = time.monotonic() - t0
    if save:
        os.makedirs(RESULTS_DIR, exist_ok=True)
        with open(os.path.join(RESULTS_DIR, f"{name}.json"), "w") as fh:
            json.dump(report, fh, indent=2)
            fh.write("\n")
    failed = CASES[name][1](report)
    msg = f"{summary_line(report)} [{took:.0f}s]"
    if failed:
        msg += "\n      unmet: " + "; ".join(failed)
    return not failed, msg


def run_cases(names: list[str], save: bool = False, verbose: bool = False) -> int:
    """Run the named cases; print results; return the number that failed."""
    install_signal_handlers()
    passed = failed = 0
    for name in names:
        print(f"[{name}] {CASES[name][0]}", flush=True)
        ok, msg = run_case(name, save, verbose)
        print(f"  {'PASS' if ok else 'FAIL'}: {msg}", flush=True)
        passed += ok
        failed += not ok
    print(f"{passed} passed, {failed} failed")
    return failed


def main() -> int:
    parser = argparse.ArgumentParser(description="Run the focused real-stack cases.")
    parser.add_argument("cases", nargs="*", help=f"case names (default: all): {', '.join(CASES)}")
    parser.add_argument("--quick", action="store_true", help=f"only {', '.join(QUICK)}")
    parser.add_argument("--save", action="store_true", help="write reports to tests/reality/results/")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    names = QUICK if args.quick else (args.cases or list(CASES))
    unknown = [n for n in names if n not in CASES]
    if unknown:
        print(f"unknown case(s): {', '.join(unknown)}", file=sys.stderr)
        return 2
    if os.geteuid() != 0:
        print("run_cases.py needs root (it starts PostgreSQL as the postgres user)", file=sys.stderr)
        return 1
    return 1 if run_cases(names, args.save, args.verbose) else 0


if __name__ == "__main__":
    sys.exit(main())
