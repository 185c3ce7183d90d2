"""Gunicorn server hooks used by the generated gunicorn.conf.py.

post_fork and post_worker_init carry out the scenario's choice:
"none", "dispose_close_false" (engine.dispose(close=False)) or
"dispose_close_true" (engine.dispose()). Before acting, post_fork counts the
connections the child inherited from the master's pool (only possible when the
app is already loaded, i.e. with preload_app).

With preload_app off, post_fork runs before the worker has imported the app:
there is no engine yet, so the hook has nothing to act on, exactly as in a
real deployment. The hook must not import the app itself (that would load it
earlier than Gunicorn does), so it looks in sys.modules.
"""

from __future__ import annotations

import os
import sys

import pl_events


def _loaded_app():
    return sys.modules.get("poolapp")


def _count_pool(engine) -> int:
    pool = engine.pool
    try:
        return pool.checkedin() + pool.checkedout()
    except Exception:  # NullPool keeps nothing
        return 0


def _apply(choice: str, mod) -> None:
    if choice == "none" or mod is None:
        return
    with mod.app.app_context():
        if choice == "dispose_close_false":
            mod.db.engine.dispose(close=False)
        elif choice == "dispose_close_true":
            mod.db.engine.dispose()


def post_fork(server, worker, choice: str, events_dir: str) -> None:
    """Runs in the new worker right after fork (before init_process)."""
    pl_events.configure(events_dir)
    mod = _loaded_app()
    if mod is not None:
        with mod.app.app_context():
            pl_events.write("H", _count_pool(mod.db.engine))
    _apply(choice, mod)


def post_worker_init(worker, choice: str, events_dir: str) -> None:
    """Runs in the worker after the app is loaded, before it serves requests."""
    pl_events.configure(events_dir)
    _apply(choice, _loaded_app())
    pl_events.write("B", os.getppid())


def worker_exit(server, worker, events_dir: str) -> None:
    """Runs in the worker as it exits (also after a timeout's SIGABRT)."""
    pl_events.configure(events_dir)
    pl_events.write("E")
