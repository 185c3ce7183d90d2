"""HTTP load generator, shaped like `ab` (closed) or a Poisson source (open).

Mirrors ApacheBench without -k: one HTTP/1.0 request per TCP connection,
no keep-alive, so each request also pays Gunicorn's accept. One asyncio loop in
one thread drives every virtual user (as ab's single event loop does), which
keeps the generator's own CPU use small on a 2-core machine.

Guarantees:
- only 127.0.0.1 is contacted, on the ports given;
- a closed load issues at most `requests` requests and none after
  `duration_s`; an open load issues arrivals only during its phases (cut at
  `duration_s`), with at most MAX_IN_FLIGHT outstanding (arrivals beyond that
  are counted as `generator_saturated`, never queued without bound);
- every request ends within `client_timeout_s` (then counted as
  `client_timeout`), so nothing can stall the run; the whole run ends by
  duration_s + client_timeout_s + a few seconds;
- request shapes (app ms, query seconds) come from one seeded generator, in
  request-index order: the same scenario and seed give the same requests.
"""

from __future__ import annotations

import asyncio
import math
import random
import time
from dataclasses import dataclass

from .util import LOOPBACK

MAX_IN_FLIGHT = 1000
LOGNORMAL_SIGMA = 0.5  # SCENARIO.md gives no sigma for "lognormal"; align with the engine


@dataclass
class Outcome:
    """What happened to one request."""

    idx: int
    server: int
    t_start: float  # seconds since load start
    t_end: float
    status: str  # "ok" | "http_error" | "dropped" | "client_timeout" | "http_refused" | "generator_saturated"
    http_status: int = 0
    body: str = ""

    @property
    def latency_ms(self) -> float:
        return (self.t_end - self.t_start) * 1000.0


def draw(rng: random.Random, dist: str, mean: float) -> float:
    """One value with the given mean: constant, exponential or lognormal."""
    if mean <= 0:
        return 0.0
    if dist == "constant":
        return mean
    if dist == "exponential":
        return rng.expovariate(1.0 / mean)
    mu = math.log(mean) - LOGNORMAL_SIGMA**2 / 2  # so that E[X] = mean
    return rng.lognormvariate(mu, LOGNORMAL_SIGMA)


class LoadGenerator:
    """Drives one run's load against the Gunicorn servers' ports."""

    def __init__(self, scn: dict, ports: list[int], client_timeout_s: float, on_start=None):
        self.scn = scn
        self.ports = ports
        self.client_timeout_s = client_timeout_s
        self.on_start = on_start
        req = scn["app"]["request"]
        self.req = req
        self.rng = random.Random(scn["seed"])
        self.arrival_rng = random.Random(scn["seed"] ^ 0x5EED)
        self.outcomes: list[Outcome] = []
        self.started = 0
        self.t0 = 0.0
        self.wall_s = 0.0
        self.in_flight_at_window_end = 0

    def _shape(self) -> str:
        """Query string of the next request (drawn in index order)."""
        app_ms = draw(self.rng, self.req["distribution"], self.req["app_ms"])
        qs = [draw(self.rng, self.req["distribution"], self.req["query_ms"]) / 1000.0 for _ in range(int(self.req["queries"]))]
        q = ",".join(f"{s:.6f}" for s in qs)
        return f"/r?a={app_ms:.3f}&q={q}"

    def _now(self) -> float:
        return time.monotonic() - self.t0

    async def _one(self, idx: int) -> None:
        server = idx % len(self.ports)
        port = self.ports[server]
        path = self._shape()
        t_start = self._now()
        status, code, body = "dropped", 0, ""
        writer = None
        try:
            async with asyncio.timeout(self.client_timeout_s):
                reader, writer = await asyncio.open_connection(LOOPBACK, port)
                writer.write(f"GET {path} HTTP/1.0\r\nHost: {LOOPBACK}:{port}\r\n\r\n".encode())
                await writer.drain()
                data = await reader.read(-1)  # HTTP/1.0: the server closes after the response
            if not data:
                status = "dropped"  # connection closed with no response (worker killed)
            else:
                head, _, payload = data.partition(b"\r\n\r\n")
                first = head.split(b"\r\n", 1)[0].split()
                code = int(first[1]) if len(first) >= 2 and first[1].isdigit() else 0
                body = payload.decode(errors="replace")[:8000]
                status = "ok" if code == 200 else "http_error"
        except TimeoutError:
            status = "client_timeout"
        except ConnectionRefusedError:
            status = "http_refused"
        except (ConnectionResetError, BrokenPipeError, asyncio.IncompleteReadError):
            status = "dropped"
        except OSError as exc:
            status, body = "dropped", f"{type(exc).__name__}: {exc}"
        finally:
            if writer is not None:
                writer.close()
        self.outcomes.append(Outcome(idx, server, t_start, self._now(), status, code, body))

    async def _closed(self) -> None:
        load = self.scn["load"]
        total, conc = int(load["requests"]), int(load["concurrency"])
        window = float(self.scn["duration_s"])
        next_idx = 0

        async def user():
            nonlocal next_idx
            while next_idx < total and self._now() < window:
                idx = next_idx
                next_idx += 1
                self.started += 1
                await self._one(idx)

        users = [asyncio.create_task(user()) for _ in range(conc)]
        await self._finish(users, window)

    def _phases(self) -> list[tuple[float, float]]:
        load = self.scn["load"]
        if "phases" in load:
            return [(float(p["rate_per_s"]), float(p["duration_s"])) for p in load["phases"]]
        return [(float(load["rate_per_s"]), float(self.scn["duration_s"]))]

    async def _open(self) -> None:
        window = min(float(self.scn["duration_s"]), sum(d for _, d in self._phases()))
        tasks: set[asyncio.Task] = set()
        t_next, phase_start, idx = 0.0, 0.0, 0
        for rate, length in self._phases():
            phase_end = min(phase_start + length, window)
            t_next = max(t_next, phase_start)
            while rate > 0:
                t_next += self.arrival_rng.expovariate(rate)
                if t_next >= phase_end:
                    break
                delay = t_next - self._now()
                if delay > 0:
                    await asyncio.sleep(delay)
                self.started += 1
                if len(tasks) >= MAX_IN_FLIGHT:
                    now = self._now()
                    self.outcomes.append(Outcome(idx, idx % len(self.ports), now, now, "generator_saturated"))
                else:
                    task = asyncio.create_task(self._one(idx))
                    tasks.add(task)
                    task.add_done_callback(tasks.discard)
                idx += 1
            phase_start = phase_end
            t_next = phase_end
            if phase_start >= window:
                break
        await self._finish(list(tasks), window)

    async def _finish(self, tasks: list, window: float) -> None:
        """Wait for outstanding work; nothing outlives the client timeout."""
        remaining = window - self._now()
        if remaining > 0:
            done, pending = await asyncio.wait(tasks, timeout=remaining)
        else:
            pending = [t for t in tasks if not t.done()]
        self.in_flight_at_window_end = len(pending)
        if pending:
            # Each request carries its own client timeout: allow for it, then cut.
            _, still = await asyncio.wait(pending, timeout=self.client_timeout_s + 5)
            for task in still:
                task.cancel()
            if still:
                await asyncio.wait(still, timeout=5)

    async def _main(self) -> None:
        self.t0 = time.monotonic()
        if self.on_start:
            self.on_start(self.t0)
        if self.scn["load"]["kind"] == "closed":
            await self._closed()
        else:
            await self._open()
        self.wall_s = self._now()

    def run(self) -> list[Outcome]:
        """Run the whole load (blocking); return one Outcome per finished request."""
        asyncio.run(self._main())
        return self.outcomes
