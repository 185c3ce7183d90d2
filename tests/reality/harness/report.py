"""Building the report: the result shape of `poollab simulate --format json`
(SCENARIO.md), from what the real stack did, plus what only a real run has
(versions, raw error texts, harness notes)."""

from __future__ import annotations

import re

from .classify import ENGINE_KINDS, OTHER_KINDS, classify_outcome
from .loadgen import Outcome
from .util import summary_ms

RAW_SAMPLES_PER_KIND = 6
RAW_TEXT_CHARS = 700

NOT_MEASURED_ALWAYS = [
    "sim.events",  # no simulation: nothing to count
    "sim.virtual_s",
    "sim.trace_hash",
]


def _normalise_text(text: str) -> str:
    """Group raw texts that differ only by the request's parameters."""
    text = re.sub(r"\[parameters: [^\n]*", "[parameters: ...]", text)
    return text[:RAW_TEXT_CHARS]


def _count_failure(o: Outcome, errors: dict, other: dict) -> tuple[str, str]:
    """Classify a failed outcome, count it under its kind, and return (kind, raw text)."""
    kind, text = classify_outcome(o.status, o.http_status, o.body)
    if kind in errors:
        errors[kind] += 1
    else:
        other[kind] += 1
    return kind, text


def requests_block(outcomes: list[Outcome], started: int) -> tuple[dict, dict, list[float], dict]:
    """(requests block, raw error samples, ok latencies in ms, per-second timeline)."""
    errors = dict.fromkeys(ENGINE_KINDS, 0)
    other = dict.fromkeys(OTHER_KINDS, 0)
    raw: dict[str, dict[str, int]] = {}
    latencies: list[float] = []
    ok = 0
    horizon = int(max((o.t_end for o in outcomes), default=0)) + 1
    tl_ok, tl_failed = [0] * horizon, [0] * horizon
    for o in outcomes:
        sec = min(int(o.t_end), horizon - 1)
        if o.status == "ok":
            ok += 1
            latencies.append(o.latency_ms)
            tl_ok[sec] += 1
            continue
        tl_failed[sec] += 1
        kind, text = _count_failure(o, errors, other)
        bucket = raw.setdefault(kind, {})
        key = _normalise_text(text)
        if key in bucket or len(bucket) < RAW_SAMPLES_PER_KIND:
            bucket[key] = bucket.get(key, 0) + 1
    cut = started - len(outcomes)  # cancelled at the hard stop: never answered
    other["client_timeout"] += cut
    failed = sum(errors.values()) + sum(other.values())
    block = {
        "started": started,
        "completed": ok + failed,
        "ok": ok,
        "failed": failed,
        "errors": errors,
        "other_errors": {k: v for k, v in other.items() if v},
    }
    raw_samples = {
        kind: [{"count": n, "text": t} for t, n in sorted(texts.items(), key=lambda kv: -kv[1])]
        for kind, texts in raw.items()
    }
    return block, raw_samples, latencies, {"ok": tl_ok, "failed": tl_failed}


def window_block(outcomes: list[Outcome], until_s: float, pgbouncer_qwt: int) -> dict:
    """The requests that ended by `until_s` after the load started, counted as the engine
    counts an open load: its run stops at duration_s, and what is still in flight then is
    neither ok nor failed. The harness's own totals also hold the drain after the last
    arrival (up to a pool or query_wait timeout)."""
    errors = dict.fromkeys(ENGINE_KINDS, 0)
    other = dict.fromkeys(OTHER_KINDS, 0)
    latencies: list[float] = []
    for o in outcomes:
        if o.t_end > until_s:
            continue
        if o.status == "ok":
            latencies.append(o.latency_ms)
            continue
        _count_failure(o, errors, other)
    moved = min(pgbouncer_qwt, errors["connection_closed"])
    errors["connection_closed"] -= moved
    errors["query_wait_timeout"] += moved
    failed = sum(errors.values()) + sum(other.values())
    return {
        "until_s": until_s,
        "ok": len(latencies),
        "failed": failed,
        "errors": errors,
        "other_errors": {k: v for k, v in other.items() if v},
        "latency_ms": latency_block(latencies),
    }


def reassign_query_wait_timeouts(block: dict, raw: dict, pgbouncer_qwt: int) -> int:
    """PgBouncer's query_wait_timeout reaches psycopg2 as "server closed the
    connection unexpectedly" (FACTS.md §6, verified on 1.18): the text alone
    cannot tell it from a dead server. PgBouncer logs each one
    ("pooler error: query_wait_timeout"), so that many connection_closed
    errors are moved to query_wait_timeout. Returns how many were moved."""
    moved = min(pgbouncer_qwt, block["errors"]["connection_closed"])
    if moved:
        all_moved = moved == block["errors"]["connection_closed"]
        block["errors"]["connection_closed"] -= moved
        block["errors"]["query_wait_timeout"] += moved
        samples = raw.setdefault("query_wait_timeout", [])
        samples.append(
            {
                "count": moved,
                "text": f"(moved from connection_closed: PgBouncer logged {pgbouncer_qwt} "
                "'pooler error: query_wait_timeout'; the app saw the texts below)",
            }
        )
        if all_moved:
            samples.extend(raw.pop("connection_closed", []))
    return moved


def latency_block(latencies: list[float]) -> dict:
    return summary_ms(latencies, ("mean", "p50", "p90", "p95", "p99", "max"))


def fault_recovery(faults_done: list[dict], outcomes: list[Outcome]) -> None:
    """Add to each fault record: failures while it lasted and after, and when
    the first request started after its end succeeded."""
    for f in faults_done:
        start, end = f.get("started_s", 0), f.get("ended_s", 0)
        after_ok = [o.t_end for o in outcomes if o.status == "ok" and o.t_start >= end]
        f["first_ok_after_end_s"] = round(min(after_ok) - end, 3) if after_ok else None
        f["failed_requests_ending_in_fault"] = sum(1 for o in outcomes if o.status != "ok" and start <= o.t_end <= end)
        f["failed_requests_ending_after"] = sum(1 for o in outcomes if o.status != "ok" and o.t_end > end)
