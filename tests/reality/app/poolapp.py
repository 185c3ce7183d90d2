"""The Flask + Flask-SQLAlchemy app that the harness serves with Gunicorn.

Configured by the JSON file named in $POOLLAB_APP_CONFIG (written by the
harness from the scenario). What it does, per the scenario:

- engine: SQLALCHEMY_ENGINE_OPTIONS from `pool` (so Flask-SQLAlchemy builds it
  with engine_from_config, which truncates pool_timeout & co. to int), or with
  `engine_config: "create_engine"` an engine built by create_engine() with the
  values as given, swapped in for Flask-SQLAlchemy's default engine;
- `session_scope: "global"`: one module-level Session per process, shared by
  all threads of a worker, committed at the end of each request (the bug
  being demonstrated: `session = Session(engine)` at import time);
- `master_connects`: a query at import time, so with preload_app the master's
  pool holds a live connection when Gunicorn forks;
- GET /r?a=<app ms>&q=<s>,<s>,...: half of `a` ms of Python CPU (a busy loop
  on the thread's CPU clock, holding the GIL), then one `SELECT pg_sleep(s)`
  per entry of q, then the other half of `a`; the connection is held from the
  first query to the end of the request (hold=request) or checked out and
  returned around each query (hold=query, a commit after each);
- on failure: HTTP 500 with JSON {"error": {"class", "message", "orig_class"}}
  carrying the exception's raw text.

Pool events are written to the per-process event log (pl_events).
"""

from __future__ import annotations

import json
import os
import threading
import time

import sqlalchemy as sa
import sqlalchemy.orm
from flask import Flask, jsonify, request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import event, text
from sqlalchemy import exc as sa_exc
from sqlalchemy.pool import NullPool

import pl_events

with open(os.environ["POOLLAB_APP_CONFIG"], encoding="utf-8") as _fh:
    CFG = json.load(_fh)

pl_events.configure(CFG["events_dir"])
QUERY = text("SELECT pg_sleep(:s)")
_tl = threading.local()
# run.py --trace-statements: each request's statements, with thread and connection.
TRACE = bool(CFG.get("trace_statements"))


def engine_options(pool: dict) -> dict:
    """create_engine keyword arguments for the scenario's `pool` block.

    NullPool takes no size/overflow/timeout/lifo arguments (create_engine would
    reject them), so they are left out for it.
    """
    opts = {"pool_pre_ping": pool["pool_pre_ping"], "pool_recycle": pool["pool_recycle"]}
    if pool["class"] == "NullPool":
        opts["poolclass"] = NullPool
    else:
        opts.update(
            pool_size=pool["pool_size"],
            max_overflow=pool["max_overflow"],
            pool_timeout=pool["pool_timeout"],
            pool_use_lifo=pool["pool_use_lifo"],
        )
    return opts


def _tls():
    """Thread-local counters used to attribute pool events to one checkout."""
    if not hasattr(_tl, "checkouts"):
        _tl.checkouts = 0
        _tl.connect_ms = 0.0
        _tl.connect_t0 = None
    return _tl


def instrument(engine: sa.engine.Engine) -> None:
    """Attach the counting listeners. Pool listeners survive engine.dispose():
    the recreated pool takes over the old pool's dispatch."""

    @event.listens_for(engine, "do_connect")
    def _do_connect(dialect, conn_rec, cargs, cparams):
        _tls().connect_t0 = time.perf_counter()

    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn, record):
        tl = _tls()
        ms = (time.perf_counter() - tl.connect_t0) * 1000 if tl.connect_t0 else 0.0
        tl.connect_t0 = None
        tl.connect_ms += ms
        # The pid-check recipe of SQLAlchemy's pooling docs, counting instead
        # of preventing: remember which process opened the socket.
        record.info["pid"] = os.getpid()
        pl_events.write("C", f"{ms:.3f}")

    @event.listens_for(engine, "checkout")
    def _checkout(dbapi_conn, record, proxy):
        tl = _tls()
        tl.checkouts += 1
        owner = record.info.get("pid")
        shared = int(owner is not None and owner != os.getpid())
        pl_events.write("o", shared, owner, id(dbapi_conn))

    @event.listens_for(engine, "checkin")
    def _checkin(dbapi_conn, record):
        pl_events.write("i", id(dbapi_conn))

    @event.listens_for(engine, "invalidate")
    def _invalidate(dbapi_conn, record, exception):
        pl_events.write("v", 0)

    @event.listens_for(engine, "soft_invalidate")
    def _soft_invalidate(dbapi_conn, record, exception):
        pl_events.write("v", 1)

    if TRACE:
        _trace_statements(engine)


def _dbapi_id(conn) -> int:
    """Which DBAPI connection a SQLAlchemy Connection runs on (0: none any more)."""
    fairy = getattr(conn, "connection", None)
    return id(getattr(fairy, "dbapi_connection", None) or fairy) if fairy is not None else 0


def _trace_statements(engine: sa.engine.Engine) -> None:
    """Qb / Qa around each statement's cursor call: the thread, the DBAPI connection and
    the SQL verb."""

    def listen(event_name: str, kind: str) -> None:
        def write(conn, cursor, statement, parameters, context, executemany):
            pl_events.write(kind, threading.get_ident(), _dbapi_id(conn), statement.split(None, 1)[0].upper())

        event.listen(engine, event_name, write)

    listen("before_cursor_execute", "Qb")
    listen("after_cursor_execute", "Qa")


def _build_app():
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = CFG["db_url"]
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(CFG["pool"])
    db = SQLAlchemy(app)
    with app.app_context():
        if CFG["engine_config"] == "create_engine":
            # Flask-SQLAlchemy 3.0 has no supported way to pass a ready engine;
            # swap it into its (private) per-app engine map. No connection was
            # opened by the engine being replaced.
            built = db.engine
            db._app_engines[app][None] = sa.create_engine(CFG["db_url"], **engine_options(CFG["pool"]))
            built.dispose()
        instrument(db.engine)
        pool = db.engine.pool
        # What the pool really got (after any int() truncation).
        pl_events.write(
            "P",
            type(pool).__name__,
            getattr(pool, "_timeout", "-"),
            pool.size() if hasattr(pool, "size") else "-",
            getattr(pool, "_max_overflow", "-"),
            pool._recycle,
        )
        if CFG["master_connects"]:
            # e.g. reading settings or create_all() at import time: with
            # preload_app this runs in the Gunicorn master, and the connection
            # stays in the master's pool after the session is removed.
            db.session.execute(text("SELECT 1"))
            db.session.remove()
    return app, db


app, db = _build_app()
_global = {"pid": None, "session": None}


def session():
    """The Session a request uses: Flask-SQLAlchemy's scoped one, or with
    session_scope "global" one plain Session per process for all threads."""
    if CFG["session_scope"] != "global":
        return db.session
    if _global["pid"] != os.getpid():  # one per worker, made on first use
        with app.app_context():
            _global["session"] = sa.orm.Session(bind=db.engine)
        _global["pid"] = os.getpid()
    return _global["session"]


def end_session(failed: bool) -> None:
    """End the request's unit of work: remove the scoped session (what the
    app-context teardown does), or commit / roll back the shared one."""
    if CFG["session_scope"] != "global":
        db.session.remove()
    elif failed:
        session().rollback()
    else:
        session().commit()


def burn_cpu(ms: float) -> None:
    """Spend `ms` of this thread's CPU time in Python (holds the GIL while
    running, unlike sleep). Under CPU contention it takes longer in wall time,
    as real Python work does."""
    if ms <= 0:
        return
    end = time.thread_time() + ms / 1000.0
    while time.thread_time() < end:
        pass


def _at_limit() -> bool:
    """True when a checkout now would have to wait: no idle connection and no
    room to open one (QueuePool only; racy by nature, read before checkout)."""
    pool = db.engine.pool
    if not hasattr(pool, "_max_overflow") or pool._max_overflow < 0:
        return False
    try:
        return pool.checkedin() == 0 and pool.checkedout() >= pool.size() + pool._max_overflow
    except Exception:
        return False


def timed_checkout() -> None:
    """Check out the session's connection now, timing it (wait + connect)."""
    tl = _tls()
    before = tl.checkouts
    tl.connect_ms = 0.0
    waited = _at_limit()
    t0 = time.perf_counter()
    result = "error"
    try:
        session().connection()
        result = "ok"
    except sa_exc.TimeoutError:
        result = "timeout"
        raise
    finally:
        total = (time.perf_counter() - t0) * 1000
        if result != "ok" or tl.checkouts != before:
            pl_events.write("W", f"{total:.3f}", f"{tl.connect_ms:.3f}", int(waited or result == "timeout"), result)


def _error_body(exc: BaseException) -> dict:
    orig = getattr(exc, "orig", None)
    return {
        "class": f"{type(exc).__module__}.{type(exc).__name__}",
        "message": str(exc)[:4000],
        "orig_class": f"{type(orig).__module__}.{type(orig).__name__}" if orig is not None else None,
        "pid": os.getpid(),
    }


@app.route("/r")
def run_request():
    app_ms = float(request.args.get("a", "0"))
    queries = [float(x) for x in request.args.get("q", "").split(",") if x]
    hold = CFG["hold"]
    if TRACE:
        pl_events.write("Rb", threading.get_ident())
    try:
        burn_cpu(app_ms / 2)
        for i, seconds in enumerate(queries):
            if hold == "query" or i == 0:
                timed_checkout()
            session().execute(QUERY, {"s": seconds})
            if hold == "query":
                session().commit()  # ends the transaction: the connection goes back
        burn_cpu(app_ms / 2)
        end_session(failed=False)  # what the teardown would do; here its errors are caught
        if TRACE:
            pl_events.write("Re", threading.get_ident(), "ok")
        return "ok\n", 200
    except Exception as exc:
        body = _error_body(exc)
        if TRACE:
            pl_events.write("Re", threading.get_ident(), "failed")
        try:
            end_session(failed=True)
        except Exception as exc2:
            body["cleanup"] = _error_body(exc2)
        return jsonify(error=body), 500


@app.route("/ping")
def ping():
    return jsonify(pid=os.getpid()), 200
