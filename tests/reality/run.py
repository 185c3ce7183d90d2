#!/usr/bin/python3
"""Run one Pool Lab scenario on the real stack and print the report as JSON.

    /usr/bin/python3 tests/reality/run.py <scenario.json> [--out report.json]
                                          [--keep] [--quiet] [--auth trust|scram]
                                          [--client-timeout S] [--trace-statements]

(or `npm run reality -- <scenario.json>`). Takes the same scenario file as
`poollab simulate` and prints the same report shape as
`poollab simulate --format json`, minus what a real run cannot measure
(listed under "not_measured"), plus versions, raw error texts and harness
notes. Everything runs on 127.0.0.1; everything started is stopped and the
temporary directory removed on exit, on errors and on Ctrl-C / SIGTERM.

Exit status: 0 on a run, 2 on an invalid scenario, 1 on anything else.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness.procs import install_signal_handlers  # noqa: E402
from harness.scenario import ScenarioError, load_file  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scenario", help="scenario JSON file (SCENARIO.md format)")
    parser.add_argument("--out", help="also write the report to this file")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (logs, configs)")
    parser.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    parser.add_argument(
        "--auth",
        choices=("trust", "scram"),
        default="trust",
        help="app role authentication over TCP (default trust: cheapest connect, least CPU noise; "
        "scram = SCRAM-SHA-256 password, as in production)",
    )
    parser.add_argument("--client-timeout", type=float, help="per-request client timeout in seconds")
    parser.add_argument(
        "--trace-statements",
        action="store_true",
        help="log each request's statements with thread and connection; where the time went is in extra.statements",
    )
    args = parser.parse_args(argv)

    try:
        _, scn = load_file(args.scenario)
    except (OSError, json.JSONDecodeError, ScenarioError) as exc:
        print(f"invalid scenario: {exc}", file=sys.stderr)
        return 2
    if os.geteuid() != 0:
        print("run.py needs root (it starts PostgreSQL and PgBouncer as the postgres user)", file=sys.stderr)
        return 1

    from harness.runner import RunOptions, run

    install_signal_handlers()
    opts = RunOptions(
        keep=args.keep,
        quiet=args.quiet,
        auth=args.auth,
        client_timeout_s=args.client_timeout,
        trace_statements=args.trace_statements,
    )
    try:
        report = run(scn, opts)
    except KeyboardInterrupt:
        print("interrupted; everything started was stopped", file=sys.stderr)
        return 130
    except Exception as exc:
        print(f"run failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    text = json.dumps(report, indent=2)
    if args.out:
        with open(args.out, "w") as fh:
            fh.write(text + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
