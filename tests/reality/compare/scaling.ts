// Scaling a preset so that its real run fits this 2-core machine in under a minute.
// The scaled scenario is what BOTH sides run: the engine and the real stack get the same
// file. Pure: no I/O.
//
// The rule, in two steps (each applied only where needed):
//
// 1. Time: a run longer than MAX_DURATION_S is shortened to it, by the factor
//    s = MAX_DURATION_S / duration_s. Everything placed on the run's timeline scales with
//    it: fault times (`at_s`), outage lengths (`down_s`), the idle threshold of an
//    `idle_timeout` fault (`after_s`, so that the same gaps in the load exceed it), and the
//    length of each load phase. Timeouts that are about one request (`pool_timeout`,
//    `timeout_s`, `query_wait_timeout`) do not scale: they compare with request times,
//    which step 1 leaves alone.
// 2. Rate: an open load whose peak rate is above MAX_RATE_PER_S is slowed by the factor
//    r = MAX_RATE_PER_S / peak (every phase alike), and each request's database time is
//    stretched so that the request takes 1/r times as long: query_ms' = ((app_ms +
//    queries × query_ms) / r − app_ms) / queries. By Little's law (in flight = rate ×
//    time) the same number of requests is in flight, so the same threads, connections,
//    pool waits and PgBouncer queues are in play, while the machine does r times less
//    work per second. Database time is stretched and Python time is not, because the
//    harness's queries are `pg_sleep` (no CPU) and app_ms is a busy loop that would need
//    cores this machine does not have.
// In both steps, `max_requests` and its jitter scale by s × r, so that workers are
// recycled at the same points of the (shorter, slower) run. Closed loads are only
// shortened: a closed loop's speed is whatever the machine gives it.

import type { Scenario, ScenarioInput } from '../../../src/scenario/index';

/** The longest real run we ask for: with start-up and teardown (about 6 s) well under a minute. */
export const MAX_DURATION_S = 20;
/**
 * The highest open-load rate on the real stack here. Each real request costs about 1.3 ms
 * of path alone (calibrate.py, http_path_ms) plus its app_ms of busy loop, spread over
 * the load generator, Gunicorn, Flask, psycopg2 and PostgreSQL on 2 shared cores:
 * 60/s × (5 + 3) ms stays near half a core, so that the queues we compare are the pool's
 * and not the machine's.
 */
export const MAX_RATE_PER_S = 60;

export interface Scaling {
  /** Time factor (1 = unchanged). */
  time: number;
  /** Rate factor (1 = unchanged). */
  rate: number;
  /** Plain-words list of what changed, for the table and the page. */
  changes: string[];
}

export interface Scaled {
  input: ScenarioInput;
  scaling: Scaling;
}

const round = (x: number, digits = 3): number => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

/** The peak arrival rate of an open load (null for a closed load). */
export function peakRate(sc: Scenario): number | null {
  if (sc.load.kind !== 'open') return null;
  if (sc.load.phases.length) return Math.max(...sc.load.phases.map((p) => p.rate_per_s));
  return sc.load.rate_per_s;
}

/**
 * Scale `input` (a scenario file) whose normalised form is `sc` by the rule above. Returns
 * a new input: the original keys, with the scaled values written in explicitly.
 */
export function scaleScenario(
  input: ScenarioInput,
  sc: Scenario,
  limits = { maxDurationS: MAX_DURATION_S, maxRatePerS: MAX_RATE_PER_S },
): Scaled {
  const out = structuredClone(input) as ScenarioInput;
  const changes: string[] = [];
  const time = sc.duration_s > limits.maxDurationS ? limits.maxDurationS / sc.duration_s : 1;
  const peak = peakRate(sc);
  const rate = peak !== null && peak > limits.maxRatePerS ? limits.maxRatePerS / peak : 1;

  if (time < 1) {
    out.duration_s = round(sc.duration_s * time);
    changes.push(`duration_s ${sc.duration_s} → ${out.duration_s}`);
    if (sc.faults.length) {
      out.faults = sc.faults.map((f) => {
        if (f.kind === 'idle_timeout') return { ...f, after_s: round(f.after_s * time) };
        if (f.kind === 'terminate_backends') return { ...f, at_s: round(f.at_s * time) };
        return { ...f, at_s: round(f.at_s * time), down_s: round(f.down_s * time) };
      });
      changes.push(`fault times × ${round(time)}`);
    }
  }
  if (sc.load.kind === 'open' && (time < 1 || rate < 1)) {
    const phases = sc.load.phases.map((p) => ({
      rate_per_s: round(p.rate_per_s * rate),
      duration_s: round(p.duration_s * time),
    }));
    // The harness refuses an empty phase list: give phases only when there are some.
    out.load = phases.length
      ? { kind: 'open', rate_per_s: round(sc.load.rate_per_s * rate), phases }
      : { kind: 'open', rate_per_s: round(sc.load.rate_per_s * rate) };
    if (rate < 1) {
      changes.push(
        sc.load.phases.length
          ? `phase rates ${sc.load.phases.map((p) => p.rate_per_s).join('/')} → ${phases.map((p) => p.rate_per_s).join('/')} per s`
          : `rate_per_s ${sc.load.rate_per_s} → ${round(sc.load.rate_per_s * rate)}`,
      );
    }
    if (time < 1 && sc.load.phases.length) changes.push(`phase lengths × ${round(time)}`);
  }
  if (rate < 1 && sc.app.request.queries > 0) {
    const { app_ms, queries, query_ms } = sc.app.request;
    const stretched = round(((app_ms + queries * query_ms) / rate - app_ms) / queries);
    out.app = { ...out.app, request: { ...out.app?.request, query_ms: stretched } };
    changes.push(`query_ms ${query_ms} → ${stretched} (same requests in flight)`);
  }
  if (sc.app.max_requests > 0 && time * rate < 1) {
    const k = time * rate;
    const maxRequests = Math.max(1, Math.round(sc.app.max_requests * k));
    const jitter = Math.round(sc.app.max_requests_jitter * k);
    out.app = { ...out.app, max_requests: maxRequests, max_requests_jitter: jitter };
    changes.push(
      `max_requests ${sc.app.max_requests}+${sc.app.max_requests_jitter} → ${maxRequests}+${jitter}`,
    );
  }
  return { input: out, scaling: { time: round(time, 4), rate: round(rate, 4), changes } };
}
