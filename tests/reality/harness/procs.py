"""Process supervision: every process the harness starts is tracked here.

Guarantees:
- each child runs in its own session (start_new_session=True), so a Ctrl-C
  on the terminal reaches only the harness, which then stops the children in
  order; and so the whole process group of a child (PostgreSQL backends,
  Gunicorn workers) can be killed by the child's own PID as group id;
- `stop()` sends the polite signal, waits, then SIGKILLs the child's process
  group; it never signals anything the harness did not start;
- `stop_all()` stops every tracked child, newest first, and is idempotent;
- `install_signal_handlers()` turns SIGTERM/SIGHUP into SystemExit so the
  callers' `finally` blocks (cleanup) run. SIGINT already raises
  KeyboardInterrupt.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field


@dataclass
class Child:
    """One started process and where its output goes."""

    name: str
    popen: subprocess.Popen
    log_path: str | None
    stop_signal: int = signal.SIGTERM
    grace_s: float = 10.0
    stopped: bool = field(default=False)

    @property
    def pid(self) -> int:
        return self.popen.pid


class Supervisor:
    """Starts and stops child processes; remembers every one of them."""

    def __init__(self, verbose: bool = False):
        self._children: list[Child] = []
        self._lock = threading.Lock()
        self.verbose = verbose

    def log(self, msg: str) -> None:
        if self.verbose:
            print(f"[harness {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)

    def spawn(
        self,
        name: str,
        argv: list[str],
        *,
        log_path: str | None = None,
        user: str | None = None,
        env: dict | None = None,
        cwd: str | None = None,
        stop_signal: int = signal.SIGTERM,
        grace_s: float = 10.0,
    ) -> Child:
        """Start `argv` in a new session, output appended to `log_path`.

        With `user`, the child drops to that user (and its primary group)
        before exec: PostgreSQL and PgBouncer refuse to run as root.
        """
        with _signals_held():  # a Ctrl-C now must not leave an untracked child
            return self._spawn(name, argv, log_path, user, env, cwd, stop_signal, grace_s)

    def _spawn(self, name, argv, log_path, user, env, cwd, stop_signal, grace_s) -> Child:
        out = open(log_path, "ab") if log_path else subprocess.DEVNULL
        kwargs = {}
        if user:
            import pwd

            pw = pwd.getpwnam(user)
            kwargs.update(user=pw.pw_uid, group=pw.pw_gid, extra_groups=[])
        try:
            popen = subprocess.Popen(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                env=env,
                cwd=cwd,
                start_new_session=True,
                close_fds=True,
                **kwargs,
            )
        finally:
            if log_path:
                out.close()
        child = Child(name, popen, log_path, stop_signal, grace_s)
        with self._lock:
            self._children.append(child)
        self.log(f"started {name} pid {popen.pid}")
        return child

    def stop(self, child: Child, sig: int | None = None, grace_s: float | None = None) -> None:
        """Stop one child: polite signal, wait up to grace_s, then SIGKILL its group.

        Safe to call twice. The group kill also takes PostgreSQL backends or
        Gunicorn workers left behind by a leader that died first.
        """
        if child.stopped:
            return
        sig = child.stop_signal if sig is None else sig
        grace = child.grace_s if grace_s is None else grace_s
        if child.popen.poll() is None:
            try:
                os.kill(child.pid, sig)
            except ProcessLookupError:
                pass
            try:
                child.popen.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                self.log(f"{child.name} pid {child.pid} did not stop in {grace}s; SIGKILL")
        # The leader is gone (or stuck): kill whatever is left of its group.
        try:
            os.killpg(child.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            child.popen.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        child.stopped = True
        self.log(f"stopped {child.name} pid {child.pid} (rc {child.popen.returncode})")

    def stop_all(self) -> None:
        """Stop every child still running, newest first. Never raises; a
        second Ctrl-C during cleanup waits until the cleanup is done."""
        with self._lock:
            children = list(reversed(self._children))
        with _signals_held(reraise=False):
            for child in children:
                try:
                    self.stop(child)
                except Exception as exc:  # cleanup must go on
                    print(f"[harness] stopping {child.name}: {exc}", file=sys.stderr)

    def alive(self) -> list[Child]:
        with self._lock:
            return [c for c in self._children if not c.stopped and c.popen.poll() is None]


_held = {"depth": 0, "pending": None}


class _signals_held:
    """While inside, the harness's SIGINT/SIGTERM/SIGHUP handlers only record
    the signal; on leaving the outermost block it is raised (reraise=True) or
    dropped (reraise=False, for cleanup that is already the way out).

    Done in the Python handlers rather than with sigprocmask, because a
    blocked mask would be inherited by the children started meanwhile.
    """

    def __init__(self, reraise: bool = True):
        self.reraise = reraise

    def __enter__(self):
        _held["depth"] += 1
        return self

    def __exit__(self, *exc):
        _held["depth"] -= 1
        if _held["depth"] == 0 and _held["pending"] is not None:
            pending, _held["pending"] = _held["pending"], None
            if self.reraise and exc[0] is None:
                raise pending
        return False


def run_checked(argv: list[str], *, user: str | None = None, timeout: float = 60, env=None) -> str:
    """Run a short command to completion; return its output, raise with it on failure."""
    kwargs = {}
    if user:
        import pwd

        pw = pwd.getpwnam(user)
        kwargs.update(user=pw.pw_uid, group=pw.pw_gid, extra_groups=[])
    proc = subprocess.run(
        argv,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        timeout=timeout,
        env=env,
        **kwargs,
    )
    out = proc.stdout.decode(errors="replace")
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} exited {proc.returncode}:\n{out[-3000:]}")
    return out


def install_signal_handlers() -> None:
    """Make SIGINT raise KeyboardInterrupt and SIGTERM/SIGHUP raise SystemExit
    in the main thread, so that `finally` blocks stop the children and remove
    the temp dir. SIGINT is set explicitly because a shell starting us in the
    background without job control leaves it ignored."""

    def _raise(exc: BaseException) -> None:
        if _held["depth"]:
            _held["pending"] = _held["pending"] or exc  # raised when the block ends
            return
        raise exc

    def _exit(signum, _frame):
        _raise(SystemExit(128 + signum))

    def _interrupt(_signum, _frame):
        _raise(KeyboardInterrupt())

    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _exit)
    signal.signal(signal.SIGHUP, _exit)


def tail(path: str | None, lines: int = 40) -> str:
    """Last `lines` lines of a log file, or a note when there is none."""
    if not path or not os.path.exists(path):
        return "(no log)"
    with open(path, "rb") as fh:
        fh.seek(0, os.SEEK_END)
        size = fh.tell()
        fh.seek(max(0, size - 64 * 1024))
        data = fh.read().decode(errors="replace")
    return "\n".join(data.splitlines()[-lines:])
