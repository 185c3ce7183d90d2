// The checks of the model-vs-reality comparison and every tolerance they use, each with
// its reason, in one table. Pure: figures in, verdicts out.
//
// How a check works. The engine is deterministic for a seed, but a scenario is random
// (arrivals, request times, which sockets overlap), and the real stack draws its own
// randomness: one real run is one draw. So the engine is run with SEEDS seeds (the
// scenario's own first) and each real figure is checked against the model's envelope:
// mean ± Z standard deviations of those runs (never narrower than their min..max), widened
// by the check's written slack. The slack is about what the real run measures differently
// or adds (sampling, the stack's own path), never about a model mechanism.

import type { Scenario } from '../../../src/scenario/index';
import type { Figures } from './figures';

export type CheckId =
  | 'scenario'
  | 'kinds'
  | 'started'
  | 'ok'
  | 'failed'
  | 'throughput'
  | 'p50'
  | 'p95'
  | 'pg_peak'
  | 'pgb_servers_peak'
  | 'pgb_clients_peak'
  | 'connects'
  | 'texts';

export type Status = 'pass' | 'fail' | 'not-enforced' | 'n/a';

export interface CheckResult {
  id: CheckId;
  status: Status;
  /** The model's figure (the scenario's own seed) and its envelope, as printed. */
  model: string;
  real: string;
  /** Why it passed or failed, in a line. */
  detail: string;
}

/** How many seeds the engine runs per scenario (the scenario's own seed first). */
export const SEEDS = 20;
/** Envelope width: mean ± Z standard deviations of the seeds' figures. */
export const Z = 3;
/**
 * A real run was contended for CPU when the whole machine was at least this busy during it
 * (other users' work included), or the harness's own processes used at least RIG_BOUND_CPU
 * of all cores over the load's length. A closed loop with no think time then runs as fast
 * as the machine lets it, and its throughput and latency (latency = clients / throughput,
 * Little's law) measure the machine.
 */
export const MACHINE_BUSY = 0.9;
export const RIG_BOUND_CPU = 0.75;
/** Percentiles need this many successful requests on both sides to mean anything. */
export const MIN_LATENCY_SAMPLES = 20;

export interface Tolerance {
  label: string;
  rule: string;
  reason: string;
}

/** The tolerances, one per check: what is allowed, and why. Printed, and written to comparison.json. */
export const TOLERANCES: Record<CheckId, Tolerance & Record<string, unknown>> = {
  scenario: {
    label: 'same scenario',
    rule: "the harness's normalised scenario equals the engine's (every default filled in)",
    reason:
      'Both sides read the same file; a difference means the two fill defaults differently, and every other check would compare different configurations.',
  },
  kinds: {
    label: 'error kinds',
    presentMin: 2,
    presentShare: 0.01,
    rule: 'a kind is present at max(2, 1% of completed requests) or more, absent at 0, a trace in between (matches either). They disagree when reality has a kind present that the model never reaches in any seed, or reality has none of a kind the model has present in every seed.',
    reason:
      "Single events happen by scheduling chance on the real stack: one request in flight when a backend is killed, one request that hangs on a desynced socket until Gunicorn's timeout (tests/reality/README.md). They are real, but one of them says nothing about the mechanism.",
  },
  started: {
    label: 'started',
    absSlack: 2,
    relSlack: 0.1,
    rule: 'within the envelope, ± max(2, 10%)',
    reason:
      "Open loads: Poisson arrivals from two different generators (Python's and the engine's), which the envelope covers. Closed loads: every request starts unless the run's time is up first, which depends on the machine's speed; not enforced when the run was CPU-bound.",
  },
  ok: {
    label: 'ok',
    absSlack: 2,
    relSlack: 0.1,
    rule: "the model's count, scaled to the real run's completed requests, within the envelope ± max(2, 10%)",
    reason:
      'Scaling to the same number of completed requests removes the arrival noise and the requests the engine leaves in flight at the end of the run (the harness waits for them). The 2 covers single stray events (see error kinds); the 10% the requests whose outcome falls on the other side of the end of the run.',
  },
  failed: {
    label: 'failed',
    absSlack: 2,
    relSlack: 0.1,
    rule: 'each kind, scaled as ok, within its envelope ± max(2, 10%); kinds only reality has count as a model of 0',
    reason:
      'As for ok: every failure kind is checked on its own so that two wrong kinds cannot cancel out.',
  },
  throughput: {
    label: 'throughput',
    relSlack: 0.1,
    rule: "within the envelope ± 10%; a closed load may also be slower by the stack's path (p50's allowance) added to each request, by Little's law; for a closed load, not enforced when the loop was bound by this machine's CPU (see below)",
    reason:
      "For an open load both sides count the requests that ended by duration_s and divide by it: the engine's run ends there, with the rest in flight, and the harness's in_window block leaves out the drain it waits for after the last arrival (up to a pool or query_wait timeout); ok and failed counts and latencies are compared over the same window. A closed load ends when its requests are done, and the engine divides by its run's length, the harness by the load window's wall time, which includes the load generator's start. A closed loop with no think time runs as fast as the machine lets it. Its speed is the machine's when the machine was contended (at least 90% busy during the run, other users' work included), or when the model's loop would need at least half of the cores at the stack's CPU cost per request measured in the same run (the harness's CPU time divided by its requests: Gunicorn, Flask, psycopg2, PostgreSQL and the load generator together). The model charges CPU for app_ms only, on purpose: in production the clients are on other machines. An open load's rate is set by its arrivals, so it is always enforced.",
  },
  p50: {
    label: 'latency p50',
    rel: 0.2,
    pathFactor: 6,
    perQueryMs: 1,
    rule: "below: the envelope − 20%; above: the envelope + max(20%, 6 × the stack path's p90 from calibrate.py + 1 ms per query); needs 20 successful requests on both sides; not enforced when the machine was contended (at least 90% busy), nor for a closed loop bound by the machine's CPU (as throughput)",
    reason:
      "A real request also pays the stack's own path, which the model does not have (its app_ms is all of a request's Python time): the HTTP client and TCP connect, Gunicorn's accept and parse, Flask, SQLAlchemy's checkout and reset, psycopg2. calibrate.py times it (http_path_ms.one_pg_sleep_0) in the same comparison run, at the same priority, with requests back to back. An open load's requests find the stack idle, and each of their five or so process wake-ups may wait for a core: in the focused cases where nothing in the model queues (2 sync workers at 20–40 requests a second: failover, idle drop, restarts), real requests took 6–9 ms more than the model at the median and 10–16 ms more at the 95th percentile, 5 to 7 and 8 to 12 times the path's p90. Each query is a pg_sleep, which waits in whole milliseconds (PostgreSQL's misc.c: ceil(delay × 1000)) and so ends late; the engine's queries carry the median lateness calibrate.py measured for their length, and the allowance of 1 ms per query covers its spread (a drawn query's lateness varies with its length). When the machine has no idle CPU, each of the five or so process wake-ups of a request waits for a core: millisecond latencies then measure that queue, which changes from minute to minute with other users' work, so they are shown and not enforced. A closed loop's latency is its clients divided by its throughput (Little's law), so when each request's turn at a thread takes the path longer, every user queued behind it waits for it too: a closed loop's latency may grow by the same factor as its throughput may drop, and it follows throughput's CPU rule too.",
  },
  p95: {
    label: 'latency p95',
    rel: 0.3,
    pathFactor: 12,
    perQueryMs: 1,
    rule: 'as p50, with 30% and 12 × the path',
    reason:
      "As p50; the tail of the stack's path is longer than its median, and a 95th percentile of a few hundred requests is noisier than a median.",
  },
  pg_peak: {
    label: 'PG peak',
    absSlack: 1,
    relSlack: 0.1,
    rule: "the model's peak capped at max_connections − superuser_reserved_connections, within the envelope ± max(1, 10%)",
    reason:
      'The harness samples pg_stat_activity every 50 ms and misses connections shorter than that; a backend refused for a reserved slot never shows there (it ends before pgstat_bestart()), while the engine counts it during its connect, hence the cap.',
  },
  pgb_servers_peak: {
    label: 'PgBouncer servers peak',
    absSlack: 1,
    relSlack: 0.1,
    rule: 'within the envelope ± max(1, 10%)',
    reason: 'SHOW POOLS is sampled every 50 ms, as above.',
  },
  pgb_clients_peak: {
    label: 'PgBouncer clients peak',
    absSlack: 1,
    relSlack: 0.1,
    rule: 'within the envelope ± max(1, 10%)',
    reason: 'SHOW POOLS is sampled every 50 ms, as above.',
  },
  connects: {
    label: 'pool connects',
    absSlack: 2,
    relSlack: 0.1,
    rule: 'within the envelope ± max(2, 10%)',
    reason:
      'As ok: a stray reconnect after a single stray error, and the requests at the edge of the run.',
  },
  texts: {
    label: 'error texts',
    rule: "for each kind both sides have, the engine's text equals a real one after removing what only says where (host, port, SQL echo, exception class prefix), or the difference is one listed in compare/texts.ts with its reason",
    reason:
      'The engine prints the texts of the versions its sources describe (SQLAlchemy 2.0, PostgreSQL 16); the harness runs Debian 12 (SQLAlchemy 1.4, PostgreSQL 15).',
  },
};

const num = (t: Tolerance & Record<string, unknown>, key: string): number => {
  const v = t[key];
  if (typeof v !== 'number') throw new Error(`tolerance ${t.label} lacks ${key}`);
  return v;
};

export interface Envelope {
  lo: number;
  hi: number;
  mean: number;
  sd: number;
}

/** mean ± z·sd of `values`, never narrower than their min..max; never below 0 when all values are ≥ 0. */
export function envelope(values: number[], z = Z): Envelope {
  if (!values.length) return { lo: 0, hi: 0, mean: 0, sd: 0 };
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const sd =
    values.length > 1
      ? Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1))
      : 0;
  let lo = Math.min(Math.min(...values), mean - z * sd);
  const hi = Math.max(Math.max(...values), mean + z * sd);
  if (values.every((v) => v >= 0)) lo = Math.max(0, lo);
  return { lo, hi, mean, sd };
}

/** Whether `real` lies in [lo − below, hi + above]. */
export function within(real: number, env: Envelope, below: number, above: number): boolean {
  return real >= env.lo - below - 1e-9 && real <= env.hi + above + 1e-9;
}

/** The slack of a count check: max(abs, rel × the larger side). */
export function countSlack(
  absSlack: number,
  relSlack: number,
  env: Envelope,
  real: number,
): number {
  return Math.max(absSlack, relSlack * Math.max(env.hi, real));
}

/** The threshold at which an error kind counts as present. */
export function presentMin(completed: number): number {
  const t = TOLERANCES.kinds;
  return Math.max(num(t, 'presentMin'), Math.ceil(num(t, 'presentShare') * completed));
}

export type RealKindState = 'present' | 'trace' | 'absent';
export type ModelKindState = 'always' | 'sometimes' | 'never';

export function realKindState(count: number, completed: number): RealKindState {
  if (count <= 0) return 'absent';
  return count >= presentMin(completed) ? 'present' : 'trace';
}

export function modelKindState(counts: number[], completed: number[]): ModelKindState {
  const present = counts.map((c, i) => c >= presentMin(completed[i] ?? 0));
  if (present.every(Boolean)) return 'always';
  if (!present.some(Boolean)) return 'never';
  return 'sometimes';
}

/** Disagreement on one kind: reality has it present and the model never, or the reverse. */
export function kindsDisagree(real: RealKindState, model: ModelKindState): boolean {
  return (real === 'present' && model === 'never') || (real === 'absent' && model === 'always');
}

const fmt = (x: number): string => {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a >= 100) return String(Math.round(x));
  if (a >= 10) return x.toFixed(1).replace(/\.0$/, '');
  return x.toFixed(2).replace(/\.?0+$/, '');
};

const range = (e: Envelope): string => `[${fmt(e.lo)}–${fmt(e.hi)}]`;

export interface CheckInput {
  /** The engine's figures, one per seed; [0] is the scenario's own seed. */
  models: Figures[];
  real: Figures;
  /** The scenario both sides ran (normalised). */
  scenario: Scenario;
  /** calibrate.py http_path_ms.one_pg_sleep_0.p90: the stack's own path, timed alone. */
  pathP90Ms: number;
  /** The harness's share of the machine's cores over the load (null: not measured). */
  rigCpu: number | null;
  /** The whole machine's busy share during the real run (null: not measured). */
  cpuBusy: number | null;
  /** The harness's CPU time per completed request, in ms (null: not measured). */
  stackCpuMs: number | null;
  /** Cores of the machine. */
  nproc: number;
  /** Paths where the harness's normalised scenario differs from the engine's. */
  scenarioDiff: string[];
}

/** Whether the real run was contended for CPU (see MACHINE_BUSY). */
export const contended = (cpuBusy: number | null, rigCpu: number | null): boolean =>
  (cpuBusy !== null && cpuBusy >= MACHINE_BUSY) || (rigCpu !== null && rigCpu >= RIG_BOUND_CPU);

/**
 * A closed loop bound by this machine's CPU: the machine was contended, or the model's loop
 * (requests completed per second) would need at least half of the cores at the stack's
 * measured CPU cost per request.
 */
export function closedLoopCpuBound(
  closed: boolean,
  input: Pick<CheckInput, 'cpuBusy' | 'rigCpu' | 'stackCpuMs' | 'nproc'>,
  modelCompletedRps: number,
): string | null {
  if (!closed) return null;
  const pct = (x: number | null) => (x === null ? '?' : String(Math.round(x * 100)));
  if (contended(input.cpuBusy, input.rigCpu))
    return `closed loop on a contended machine: ${pct(input.cpuBusy)}% busy, the harness ${pct(input.rigCpu)}% of the cores`;
  if (
    input.stackCpuMs !== null &&
    (modelCompletedRps * input.stackCpuMs) / 1000 >= 0.5 * input.nproc
  )
    return `closed loop bound by the stack's CPU: the model's ${Math.round(modelCompletedRps)} requests/s × ${input.stackCpuMs.toFixed(1)} ms of CPU each would need ${((modelCompletedRps * input.stackCpuMs) / 1000).toFixed(1)} of ${input.nproc} cores`;
  return null;
}

/** The stack's path a real request may add at this percentile (see TOLERANCES.p50). */
export function pathAllowance(
  id: 'p50' | 'p95',
  input: Pick<CheckInput, 'pathP90Ms' | 'scenario'>,
): number {
  const t = TOLERANCES[id];
  return (
    num(t, 'pathFactor') * input.pathP90Ms +
    num(t, 'perQueryMs') * input.scenario.app.request.queries
  );
}

/**
 * How much slower a closed loop runs when every request also pays `allowanceMs` of the
 * stack's path (1 for an open load). In a closed loop of N users served by c threads
 * (c = min(N, servers × workers × threads)), each thread turns a request around every
 * c / X ms at the model's throughput X; with the path added, every (c / X + A) ms. The
 * real throughput may then be lower by that factor, and latency (N / throughput, Little's
 * law) higher by it: behind a single sync worker, every user waits for the path of every
 * request ahead of it.
 */
export function closedLoopSlowdown(
  scenario: Scenario,
  models: Figures[],
  allowanceMs: number,
): number {
  if (scenario.load.kind !== 'closed' || allowanceMs <= 0) return 1;
  const x = models.reduce((a, m) => a + m.completed_rps, 0) / Math.max(1, models.length) / 1000; // per ms
  if (x <= 0) return 1;
  const app = scenario.app;
  const c = Math.min(scenario.load.concurrency, app.servers * app.workers * app.threads);
  return (c / x + allowanceMs) / (c / x);
}

/** Scale a model count to the real run's number of completed requests. */
function scaled(m: Figures, value: number, real: Figures): number {
  return m.completed > 0 && real.completed > 0 ? (value * real.completed) / m.completed : value;
}

function countCheck(
  id: CheckId,
  modelValues: number[],
  real: number,
  enforce: boolean,
  why = '',
): CheckResult {
  const t = TOLERANCES[id];
  const env = envelope(modelValues);
  const slack = countSlack(num(t, 'absSlack'), num(t, 'relSlack'), env, real);
  const ok = within(real, env, slack, slack);
  return {
    id,
    status: ok ? 'pass' : enforce ? 'fail' : 'not-enforced',
    model: `${fmt(modelValues[0] ?? 0)} ${range(env)}`,
    real: fmt(real),
    detail: ok
      ? `within ${range(env)} ± ${fmt(slack)}`
      : `${fmt(real)} outside ${range(env)} ± ${fmt(slack)}${enforce ? '' : ` (${why})`}`,
  };
}

/** All numeric and kind checks for one scenario (texts and scenario equality are added by the caller). */
export function runChecks(input: CheckInput): CheckResult[] {
  const { models, real, scenario } = input;
  const m0 = models[0]!;
  const out: CheckResult[] = [];
  // A closed loop bound by the machine's CPU: its speed (throughput, started, latency) is the machine's.
  const modelRps = Math.max(...models.map((m) => m.completed_rps));
  const boundWhy = closedLoopCpuBound(scenario.load.kind === 'closed', input, modelRps);
  const bound = boundWhy !== null;
  // Any load on a contended machine: millisecond latencies are the queue for a core.
  const latencyUnenforced =
    boundWhy ??
    (contended(input.cpuBusy, null)
      ? `machine ${Math.round((input.cpuBusy ?? 0) * 100)}% busy during the run`
      : null);

  out.push({
    id: 'scenario',
    status: input.scenarioDiff.length ? 'fail' : 'pass',
    model: 'normalised',
    real: input.scenarioDiff.length ? `differs: ${input.scenarioDiff.join(', ')}` : 'same',
    detail: input.scenarioDiff.length
      ? `defaults differ at ${input.scenarioDiff.join(', ')}`
      : 'same normalised scenario',
  });

  // Error kinds present and absent.
  const kinds = [
    ...new Set([...Object.keys(real.errors), ...models.flatMap((m) => Object.keys(m.errors))]),
  ].filter((k) => (real.errors[k] ?? 0) > 0 || models.some((m) => (m.errors[k] ?? 0) > 0));
  const kindNotes: string[] = [];
  const kindFails: string[] = [];
  for (const k of kinds.sort()) {
    const rs = realKindState(real.errors[k] ?? 0, real.completed);
    const ms = modelKindState(
      models.map((m) => m.errors[k] ?? 0),
      models.map((m) => m.completed),
    );
    kindNotes.push(`${k}: model ${ms}, real ${rs}`);
    if (kindsDisagree(rs, ms)) kindFails.push(`${k} (model ${ms}, real ${rs})`);
  }
  const kindList = (f: Figures): string =>
    Object.entries(f.errors)
      .filter(([, n]) => n > 0)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ') || 'none';
  out.push({
    id: 'kinds',
    status: kindFails.length ? 'fail' : 'pass',
    model: kindList(m0),
    real: kindList(real),
    detail: kindFails.length
      ? `disagree: ${kindFails.join('; ')}`
      : kindNotes.join('; ') || 'no errors on either side',
  });

  // Requests started: closed loads depend on the machine's speed when time runs out.
  out.push(
    countCheck(
      'started',
      models.map((m) => m.started),
      real.started,
      !bound,
      boundWhy ?? '',
    ),
  );

  // ok and failed, scaled to the real run's completed requests.
  out.push(
    countCheck(
      'ok',
      models.map((m) => scaled(m, m.ok, real)),
      real.ok,
      true,
    ),
  );
  const failRows: string[] = [];
  const failDetails: string[] = [];
  const failKinds = kinds.length ? kinds : [];
  for (const k of failKinds) {
    const r = countCheck(
      'failed',
      models.map((m) => scaled(m, m.errors[k] ?? 0, real)),
      real.errors[k] ?? 0,
      true,
    );
    if (r.status === 'fail') failRows.push(`${k} ${r.detail}`);
    failDetails.push(`${k}: ${r.detail}`);
  }
  const failedEnv = envelope(models.map((m) => scaled(m, m.failed, real)));
  out.push({
    id: 'failed',
    status: failRows.length ? 'fail' : 'pass',
    model: `${fmt(scaled(m0, m0.failed, real))} ${range(failedEnv)}`,
    real: fmt(real.failed),
    detail: failRows.length ? failRows.join('; ') : failDetails.join('; ') || 'none on either side',
  });

  // A closed loop's speed with the stack's path added to every request (Little's law).
  const slowdown = closedLoopSlowdown(scenario, models, pathAllowance('p50', input));

  // Throughput.
  {
    const t = TOLERANCES.throughput;
    const env = envelope(models.map((m) => m.throughput_rps));
    const rel = num(t, 'relSlack');
    const below = Math.max(rel * env.lo, env.lo * (1 - 1 / slowdown));
    const ok = within(real.throughput_rps, env, below, rel * env.hi);
    out.push({
      id: 'throughput',
      status: ok ? 'pass' : bound ? 'not-enforced' : 'fail',
      model: `${fmt(m0.throughput_rps)} ${range(env)}`,
      real: fmt(real.throughput_rps),
      detail: `${ok ? 'within' : 'outside'} ${range(env)} −${fmt(below)} +${fmt(rel * env.hi)}${!ok && bound ? ` (${boundWhy})` : ''}`,
    });
  }

  // Latency percentiles.
  for (const id of ['p50', 'p95'] as const) {
    const t = TOLERANCES[id];
    const env = envelope(models.map((m) => m[id]));
    const minOk = Math.min(real.ok, ...models.map((m) => m.ok));
    if (minOk < MIN_LATENCY_SAMPLES) {
      out.push({
        id,
        status: 'n/a',
        model: `${fmt(m0[id])} ${range(env)}`,
        real: fmt(real[id]),
        detail: `fewer than ${MIN_LATENCY_SAMPLES} successful requests on a side`,
      });
      continue;
    }
    const rel = num(t, 'rel');
    const allowance = pathAllowance(id, input);
    const below = rel * env.lo;
    const above = Math.max(rel * env.hi, allowance, env.hi * (slowdown - 1));
    const ok = within(real[id], env, below, above);
    out.push({
      id,
      status: ok ? 'pass' : latencyUnenforced ? 'not-enforced' : 'fail',
      model: `${fmt(m0[id])} ${range(env)}`,
      real: fmt(real[id]),
      detail: `${ok ? 'within' : 'outside'} ${range(env)} −${fmt(below)} +${fmt(above)} ms${!ok && latencyUnenforced ? ` (${latencyUnenforced})` : ''}`,
    });
  }

  // Connection peaks.
  out.push(
    countCheck(
      'pg_peak',
      models.map((m) => m.pg_peak),
      real.pg_peak,
      true,
    ),
  );
  if (scenario.pgbouncer) {
    out.push(
      countCheck(
        'pgb_servers_peak',
        models.map((m) => m.pgb_servers_peak ?? 0),
        real.pgb_servers_peak ?? 0,
        true,
      ),
    );
    out.push(
      countCheck(
        'pgb_clients_peak',
        models.map((m) => m.pgb_clients_peak ?? 0),
        real.pgb_clients_peak ?? 0,
        true,
      ),
    );
  } else {
    for (const id of ['pgb_servers_peak', 'pgb_clients_peak'] as const)
      out.push({ id, status: 'n/a', model: '–', real: '–', detail: 'no PgBouncer' });
  }
  out.push(
    countCheck(
      'connects',
      models.map((m) => m.connects),
      real.connects,
      true,
    ),
  );
  return out;
}
