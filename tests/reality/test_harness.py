#!/usr/bin/python3
"""Unit tests of the harness's pure parts (no server started):
scenario defaults and validation, error classification, event summing.

    /usr/bin/python3 -m unittest tests/reality/test_harness.py
"""

from __future__ import annotations

import os
import sys
import tempfile
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness.classify import classify_outcome, classify_text  # noqa: E402
from harness.events import pool_summary, read_events, statement_summary  # noqa: E402
from harness.loadgen import Outcome  # noqa: E402
from harness.report import window_block  # noqa: E402
from readme_tables import calibration_table, case_table  # noqa: E402
from harness.scenario import ScenarioError, effective_pool, normalise  # noqa: E402


class ScenarioTests(unittest.TestCase):
    def test_defaults_filled(self):
        scn = normalise({})
        self.assertEqual(scn["pool"]["pool_size"], 5)
        self.assertEqual(scn["pool"]["max_overflow"], 10)
        self.assertEqual(scn["postgres"]["superuser_reserved_connections"], 3)
        self.assertEqual(scn["load"], {"kind": "closed", "concurrency": 50, "requests": 10000})
        self.assertIsNone(scn["pgbouncer"])

    def test_pgbouncer_defaults(self):
        scn = normalise({"pgbouncer": {"pool_mode": "transaction"}})
        self.assertEqual(scn["pgbouncer"]["max_client_conn"], 100)
        self.assertEqual(scn["pgbouncer"]["default_pool_size"], 20)

    def test_unknown_key_names_path(self):
        with self.assertRaisesRegex(ScenarioError, r"^pool\.size: unknown key"):
            normalise({"pool": {"size": 3}})

    def test_range_names_path(self):
        with self.assertRaisesRegex(ScenarioError, r"^pool\.pool_size: -3 is out of range"):
            normalise({"pool": {"pool_size": -3}})

    def test_flask_sqlalchemy_truncates(self):
        scn = normalise({"pool": {"pool_timeout": 0.2}})
        self.assertEqual(effective_pool(scn)["pool_timeout"], 0)
        scn = normalise({"pool": {"pool_timeout": 0.2}, "app": {"engine_config": "create_engine"}})
        self.assertEqual(effective_pool(scn)["pool_timeout"], 0.2)

    def test_every_case_file_is_valid(self):
        cases = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cases")
        import json

        for name in sorted(os.listdir(cases)):
            with open(os.path.join(cases, name)) as fh:
                normalise(json.load(fh))


class ClassifyTests(unittest.TestCase):
    # Texts seen on the real stack (results/*.json, FACTS.md §11).
    SAMPLES = {
        "pool_timeout": "sqlalchemy.exc.TimeoutError: QueuePool limit of size 2 overflow 0 reached, "
        "connection timed out, timeout 0.00 (Background on this error at: https://sqlalche.me/e/14/3o7r)",
        "too_many_clients": 'sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) connection to server at '
        '"127.0.0.1", port 5 failed: FATAL:  remaining connection slots are reserved for non-replication '
        "superuser connections",
        "protocol_error": "sqlalchemy.exc.DatabaseError: (psycopg2.DatabaseError) error with status "
        "PGRES_TUPLES_OK and no message from the libpq",
        "ssl_error": "sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) SSL error: sslv3 alert bad record mac",
        "connection_closed": "sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) server closed the "
        "connection unexpectedly\n\tThis probably means the server terminated abnormally",
        "max_client_conn": "sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) connection to server at "
        '"127.0.0.1", port 6 failed: FATAL:  no more connections allowed (max_client_conn)',
        "session_state": "sqlalchemy.exc.InvalidRequestError: This session is in 'prepared' state; no further SQL "
        "can be emitted within this transaction.",
        "connect_refused": 'sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) connection to server at '
        '"127.0.0.1", port 7 failed: Connection refused',
    }

    def test_samples(self):
        for kind, text in self.SAMPLES.items():
            self.assertEqual(classify_text(text), kind, text)

    def test_more_texts(self):
        self.assertEqual(classify_text("builtins.AttributeError: 'NoneType' object has no attribute 'twophase'"), "session_state")
        self.assertEqual(classify_text("x: This result object does not return rows. It has been closed"), "protocol_error")
        self.assertEqual(classify_text("x: SSL SYSCALL error: EOF detected"), "connection_closed")
        self.assertEqual(classify_text("x: FATAL:  sorry, too many clients already"), "too_many_clients")
        self.assertEqual(classify_text("x: FATAL:  the database system is shutting down"), "connect_refused")
        self.assertEqual(classify_text("x: (psycopg2.OperationalError) unknown error\n[SQL: x]"), "session_state")
        self.assertEqual(classify_text("x: something new"), "unclassified")

    def test_http_level(self):
        self.assertEqual(classify_outcome("dropped", 0, "")[0], "worker_timeout")
        self.assertEqual(classify_outcome("client_timeout", 0, "")[0], "client_timeout")
        body = '{"error": {"class": "sqlalchemy.exc.TimeoutError", "message": "QueuePool limit of size 1 overflow 0 reached"}}'
        self.assertEqual(classify_outcome("http_error", 500, body)[0], "pool_timeout")


class EventTests(unittest.TestCase):
    def test_pool_summary(self):
        with tempfile.TemporaryDirectory() as d:
            with open(os.path.join(d, "ev-10.log"), "w") as fh:
                fh.write("C 1.0 2.5\no 1.1 0 10\nW 1.1 3.0 2.5 0 ok\ni 1.2\n")
            with open(os.path.join(d, "ev-11.log"), "w") as fh:
                fh.write("H 0.9 1\no 1.15 1 9\nW 1.15 10.0 0.0 1 ok\no 1.3 0 11\ni 1.4\nE 1.5\n")
            s = pool_summary(read_events([d]))
        self.assertEqual(s["pool"]["connects"], 1)
        self.assertEqual(s["pool"]["checkouts"], 3)
        self.assertEqual(s["pool"]["waited"], 1)
        self.assertEqual(s["pool"]["checked_out_peak"], 2)
        self.assertEqual(s["fork"], {"inherited_connections": 1, "shared_socket_uses": 1})
        self.assertEqual(s["pool"]["wait_ms"]["max"], 10.0)  # connect time is not counted as waiting

    def test_worker_checkouts_in_boot_order(self):
        # Worker 21 boots after worker 20 but serves more; the master (19) never boots.
        with tempfile.TemporaryDirectory() as d:
            for pid, log in {
                19: "o 0.5 0 19\ni 0.6\n",
                20: "B 1.0 19\no 1.1 0 20\ni 1.2\n",
                21: "B 1.05 19\no 1.1 0 21\ni 1.2\no 1.3 0 21\ni 1.4\no 1.5 0 21\n",
            }.items():
                with open(os.path.join(d, f"ev-{pid}.log"), "w") as fh:
                    fh.write(log)
            s = pool_summary(read_events([d]))
        self.assertEqual(s["extra"]["worker_checkouts"], {"by_boot_order": [1, 3], "most": 3, "least": 1})

    def test_statement_summary(self):
        # Thread 1 runs two statements alone on connection 7 and commits; thread 2's statement
        # is sent while thread 1's second one runs on the same connection, and it fails.
        log = (
            "Rb 1.000 1\nQb 1.001 1 7 SELECT\nQa 1.021 1 7 SELECT\nRb 1.022 2\n"
            "Qb 1.023 1 7 SELECT\nQb 1.024 2 7 SELECT\nQa 1.043 1 7 SELECT\n"
            "Re 1.053 1 ok\nQa 1.063 2 7 SELECT\nRe 1.070 2 failed\n"
        )
        with tempfile.TemporaryDirectory() as d:
            with open(os.path.join(d, "ev-10.log"), "w") as fh:
                fh.write(log)
            s = statement_summary(read_events([d]))
        ok, failed = s["ok"], s["failed"]
        self.assertEqual((ok["requests"], failed["requests"]), (1, 1))
        self.assertEqual(ok["statements_per_request"]["p50"], 2.0)
        self.assertEqual(ok["statement_ms_alone"]["n"], 2)
        self.assertNotIn("statement_ms_shared_connection", ok)
        self.assertAlmostEqual(failed["statement_ms_shared_connection"]["max"], 39.0, places=3)
        self.assertAlmostEqual(ok["after_last_statement_ms"]["max"], 10.0, places=3)
        self.assertAlmostEqual(ok["latency_ms"]["max"], 53.0, places=3)
        self.assertIsNone(statement_summary(read_events([])))


class WindowTests(unittest.TestCase):
    def test_counts_only_what_ended_by_duration(self):
        closed = "server closed the connection unexpectedly"
        body = '{"error": {"class": "sqlalchemy.exc.OperationalError", "message": "(psycopg2.OperationalError) ' + closed + '"}}'
        outcomes = [
            Outcome(0, 0, 0.5, 0.6, "ok"),
            Outcome(1, 0, 1.0, 3.1, "http_error", 500, body),
            Outcome(2, 0, 9.0, 9.9, "http_error", 500, body),
            Outcome(3, 0, 9.5, 11.5, "http_error", 500, body),  # the drain: ends after 10 s
            Outcome(4, 0, 9.8, 10.4, "ok"),
        ]
        w = window_block(outcomes, 10.0, pgbouncer_qwt=1)
        self.assertEqual((w["ok"], w["failed"]), (1, 2))
        # PgBouncer logged one query_wait_timeout: one closed connection is moved to it
        self.assertEqual(w["errors"]["query_wait_timeout"], 1)
        self.assertEqual(w["errors"]["connection_closed"], 1)
        self.assertAlmostEqual(w["latency_ms"]["p50"], 100.0, places=3)


class ReadmeTests(unittest.TestCase):
    def test_readme_tables_come_from_the_saved_results(self):
        with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "README.md")) as fh:
            readme = fh.read()
        self.assertIn(calibration_table(), readme, "run readme_tables.py and paste its calibration table")
        self.assertIn(case_table(), readme, "run readme_tables.py and paste its case table")


if __name__ == "__main__":
    unittest.main()
