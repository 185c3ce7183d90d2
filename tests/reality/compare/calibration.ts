// What the engine is told about this machine. The real stack runs the scenario file as it
// is; the engine runs the same file with the values below replaced, because they describe
// the machine rather than the configuration, and the harness cannot reproduce the
// scenario's own. Pure: no I/O.

import type { Scenario } from '../../../src/scenario/index';

/** The parts of tests/reality/calibrate.py's JSON that the comparison reads. */
export interface Calibration {
  connect_ms: Record<string, { median: number; p90: number; min: number; n: number }>;
  select1_rtt_ms: Record<string, { median: number; p90: number; min: number; n: number }>;
  http_path_ms: Record<string, { median: number; p90: number; min: number; n: number }>;
  /** How much longer pg_sleep(s) takes than s and a round trip, keyed by s in ms. */
  pg_sleep_excess_ms: Record<string, { median: number; p90: number; min: number; n: number }>;
  versions: Record<string, unknown>;
  machine: {
    nproc: number;
    cpu_model: string;
    kernel: string;
    loadavg_at_start?: string[];
    loadavg_at_end?: string[];
  };
}

export interface ModelInput {
  /** Key path in the scenario. */
  path: string;
  /** The value the engine runs with. */
  value: number;
  /** Where it comes from. */
  source: string;
}

const need = (table: Calibration[keyof Calibration], key: string, what: string): number => {
  const row = (table as Record<string, { median: number } | undefined>)[key];
  if (!row || typeof row.median !== 'number') throw new Error(`calibration lacks ${what}.${key}`);
  return row.median;
};

/**
 * The reasons, one per replaced key, for the table printed by compare.ts and for the page.
 * Each value is a median measured by calibrate.py in the same comparison run (or the saved
 * one with --reuse).
 */
export const MODEL_INPUT_REASONS: Record<string, string> = {
  'network.connect_ms':
    "A new PostgreSQL connection as the app pays for it: the same request on NullPool minus on a pooled connection (http_path_ms.one_pg_sleep_0_nullpool − one_pg_sleep_0, trust over TCP as the harness connects; with TLS, plus the TLS handshake's measured cost). That is more than psycopg2.connect alone (connect_ms.tcp_trust): SQLAlchemy's psycopg2 dialect runs its on-connect queries on every new connection, a new backend's first query reads the catalogue it has not cached yet, and closing the connection costs its own system calls. The scenario states a production network; the real run pays loopback and this machine.",
  'network.rtt_ms':
    'One SELECT 1 round trip on an open connection: direct, with TLS, or through PgBouncer, as the scenario connects.',
  'network.pgbouncer_connect_ms':
    "A client connection to PgBouncer whose server connection is already pooled; with TLS, plus the TLS handshake's measured cost (PostgreSQL with TLS minus without).",
  'postgres.cores':
    "The harness's queries are SELECT pg_sleep(s), which waits without using a core, so real queries never share PostgreSQL's CPU; the engine gets its largest value (256) so that its processor sharing never slows them either.",
  faults:
    'The harness cannot kill or restart a server in no time: it signals, waits for the shutdown, pauses, and starts the server again. The engine is given the times the real run had (its harness.faults_done: when each fault began, and how long the server was really down), so that both sides have the same outage.',
  'app.request.app_ms':
    "The harness's app burns exactly app_ms of CPU per request; the stack's own path adds its Python on top (Gunicorn's accept and parse, Flask, SQLAlchemy's checkout, query and reset on return, psycopg2), which the engine counts in app_ms. calibrate.py times that path on one sync worker (http_path_ms.one_pg_sleep_0: a pooled checkout, one pg_sleep(0) and the rollback on return), so the engine runs with app_ms plus its median.",
  'app.request.query_ms':
    "The harness's queries are SELECT pg_sleep(s), and PostgreSQL's pg_sleep waits in whole milliseconds and loops while time is left (src/backend/utils/adt/misc.c), so each ends a little late: calibrate.py times pg_sleep of 1 to 200 ms on an open connection (pg_sleep_excess_ms). The engine's query is query_ms of database time plus a round trip, so it runs with query_ms plus the excess measured for that length (interpolated between the lengths timed; for a drawn distribution, the excess at its mean). A connection's hold is longer by that much, which matters where a pool's queue is on a knife edge.",
  'app.cores':
    "Every server, worker, PostgreSQL, PgBouncer and the load generator share this machine's cores, so each modelled server gets its share: nproc divided by the number of servers (at least 1).",
};

/**
 * The measured excess of pg_sleep for a query of `ms`: linear between the lengths timed,
 * the nearest one's beyond them.
 */
export function pgSleepExcess(cal: Calibration, ms: number): number {
  const grid = Object.entries(cal.pg_sleep_excess_ms ?? {})
    .map(([k, v]) => [Number(k), v.median] as const)
    .filter(([k, v]) => Number.isFinite(k) && Number.isFinite(v))
    .sort((a, b) => a[0] - b[0]);
  if (grid.length === 0) throw new Error('calibration lacks pg_sleep_excess_ms');
  if (ms <= grid[0]![0]) return grid[0]![1];
  for (let i = 1; i < grid.length; i++) {
    const [x1, y1] = grid[i]!;
    if (ms <= x1) {
      const [x0, y0] = grid[i - 1]!;
      return y0 + ((y1 - y0) * (ms - x0)) / (x1 - x0);
    }
  }
  return grid[grid.length - 1]![1];
}

/** The values the engine runs with for scenario `sc` on the calibrated machine. */
export function modelInputs(sc: Scenario, cal: Calibration): ModelInput[] {
  const tls = sc.network.tls;
  const viaPgb = sc.pgbouncer !== null;
  const c = cal.connect_ms;
  const plainConnect = need(c, 'tcp_trust', 'connect_ms');
  const tlsConnect = need(c, 'tcp_trust_tls', 'connect_ms');
  const tlsCost = Math.max(0, tlsConnect - plainConnect);
  const path = need(cal.http_path_ms, 'one_pg_sleep_0', 'http_path_ms');
  const appConnect = Math.max(
    plainConnect,
    need(cal.http_path_ms, 'one_pg_sleep_0_nullpool', 'http_path_ms') - path,
  );
  const connect = tls ? appConnect + tlsCost : appConnect;
  const rttKey = viaPgb ? 'pgbouncer' : tls ? 'direct_tls' : 'direct';
  const rtt = need(cal.select1_rtt_ms, rttKey, 'select1_rtt_ms');
  const pgbPlain = need(c, 'pgbouncer_trust', 'connect_ms');
  const pgbConnect = tls ? pgbPlain + tlsCost : pgbPlain;
  const nproc = Math.max(1, cal.machine.nproc);
  const r3 = (x: number): number => Math.round(x * 1000) / 1000;
  const req = sc.app.request;
  const query: ModelInput[] =
    req.queries > 0 && req.query_ms > 0
      ? [
          {
            path: 'app.request.query_ms',
            value: r3(req.query_ms + pgSleepExcess(cal, req.query_ms)),
            source: `app.request.query_ms + pg_sleep_excess_ms at ${req.query_ms} ms`,
          },
        ]
      : [];
  return [
    {
      path: 'app.request.app_ms',
      value: r3(req.app_ms + path),
      source: 'app.request.app_ms + http_path_ms.one_pg_sleep_0',
    },
    ...query,
    {
      path: 'network.connect_ms',
      value: r3(connect),
      source: `http_path_ms.one_pg_sleep_0_nullpool − one_pg_sleep_0${tls ? ' + (connect_ms.tcp_trust_tls − tcp_trust)' : ''}`,
    },
    { path: 'network.rtt_ms', value: r3(rtt), source: `select1_rtt_ms.${rttKey}` },
    {
      path: 'network.pgbouncer_connect_ms',
      value: r3(pgbConnect),
      source: tls
        ? 'connect_ms.pgbouncer_trust + (tcp_trust_tls − tcp_trust)'
        : 'connect_ms.pgbouncer_trust',
    },
    { path: 'postgres.cores', value: 256, source: 'pg_sleep uses no CPU' },
    {
      path: 'app.cores',
      value: Math.max(1, Math.floor(nproc / sc.app.servers)),
      source: `machine.nproc ${nproc} / app.servers ${sc.app.servers}`,
    },
  ];
}

/** `sc` with the model inputs written in (a new object). */
export function applyModelInputs(sc: Scenario, inputs: ModelInput[]): Scenario {
  const out = structuredClone(sc);
  for (const { path, value } of inputs) {
    const keys = path.split('.');
    let node = out as unknown as Record<string, unknown>;
    for (const k of keys.slice(0, -1)) node = node[k] as Record<string, unknown>;
    node[keys[keys.length - 1]!] = value;
  }
  return out;
}

/** A fault as the harness recorded it (harness.faults_done). */
export interface FaultDone {
  kind: string;
  started_s?: number;
  ended_s?: number;
  down_s?: number;
}

/**
 * Model inputs for the fault times the real run actually had, where they differ from the
 * scenario's by more than 10 ms. The harness lists its timed faults in the scenario's
 * order (idle_timeout is not timed and not listed).
 */
export function measuredFaultInputs(sc: Scenario, done: FaultDone[]): ModelInput[] {
  const out: ModelInput[] = [];
  const timed = sc.faults.map((f, i) => ({ f, i })).filter(({ f }) => f.kind !== 'idle_timeout');
  timed.forEach(({ f, i }, j) => {
    const d = done[j];
    if (!d || d.kind !== f.kind || f.kind === 'idle_timeout') return;
    const r3 = (x: number): number => Math.round(x * 1000) / 1000;
    if (typeof d.started_s === 'number' && Math.abs(d.started_s - f.at_s) > 0.01)
      out.push({
        path: `faults.${i}.at_s`,
        value: r3(d.started_s),
        source: 'harness.faults_done started_s',
      });
    if ('down_s' in f && typeof d.started_s === 'number' && typeof d.ended_s === 'number') {
      const down = d.ended_s - d.started_s;
      if (Math.abs(down - f.down_s) > 0.01)
        out.push({
          path: `faults.${i}.down_s`,
          value: r3(down),
          source: 'harness.faults_done ended_s − started_s',
        });
    }
  });
  return out;
}
