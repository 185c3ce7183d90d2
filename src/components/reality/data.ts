// The last full model-vs-reality comparison (tests/reality/comparison.json, written by
// `npm run reality:compare -- --write`), read at build time for the "How we know" page.
// Nothing here runs in the browser.
import comparison from '../../../tests/reality/comparison.json';

export type Status = 'pass' | 'fail' | 'not-enforced' | 'n/a';

export interface Check {
  id: string;
  status: Status;
  model: string;
  real: string;
  detail: string;
}

export interface KeyFigures {
  started: number;
  completed: number;
  ok: number;
  failed: number;
  errors: Record<string, number>;
  throughput_rps: number;
  p50_ms: number;
  p95_ms: number;
  pg_peak: number;
  pgb_servers_peak: number | null;
  pgb_clients_peak: number | null;
  connects: number;
}

export interface TextRow {
  kind: string;
  side: 'both' | 'engine' | 'real';
  engine: string | null;
  real: string | null;
  verdict: 'same' | 'explained' | 'unexplained';
  note: string;
  explanation: string | null;
}

export interface Note {
  id?: string;
  title: string;
  text: string;
  checks?: string[];
}

export interface Subject {
  key: string;
  id: string;
  kind: 'preset' | 'case';
  title: string;
  description: string;
  status: 'pass' | 'fail';
  scaling: { time: number; rate: number; changes: string[] };
  model_inputs: { path: string; value: number; source: string }[];
  model: KeyFigures;
  model_range: Record<
    'ok' | 'failed' | 'throughput_rps' | 'p50_ms' | 'p95_ms' | 'pg_peak',
    [number, number]
  >;
  real: KeyFigures;
  real_run: {
    source: string;
    date: string | null;
    harness_cpu: number | null;
    machine_cpu_busy: number | null;
    wall_s: number | null;
  };
  checks: Check[];
  texts: TextRow[];
  known_differences: Note[];
  diagnoses: Note[];
}

export interface Comparison {
  generated: string;
  command: string;
  duration_s: number;
  real_runs: {
    first: string | null;
    last: string | null;
    wall_s: number;
    run_now: number;
    reused: number;
  };
  versions: Record<string, unknown> & { debian_packages?: Record<string, string> };
  machine: {
    nproc: number;
    cpu_model: string;
    kernel: string;
    loadavg_at_calibration: string[] | null;
  };
  calibration: {
    source: string;
    connect_ms: Record<string, { median: number; p90: number; n: number } | undefined>;
    rtt_ms: Record<string, { median: number; p90: number; n: number } | undefined>;
    http_path_ms: Record<string, { median: number; p90: number; n: number } | undefined>;
  };
  model_input_reasons: Record<string, string>;
  scaling: { max_duration_s: number; max_rate_per_s: number };
  method: {
    seeds: number;
    envelope_sd: number;
    machine_busy: number;
    rig_bound_cpu: number;
    min_latency_samples: number;
    tolerances: { id: string; label: string; rule: string; reason: string }[];
  };
  summary: {
    scenarios: number;
    passed: number;
    failed: number;
    checks_failed: number;
    checks_not_enforced: number;
  };
  subjects: Subject[];
  text_explanations: { id: string; kind: string; why: string }[];
}

export const DATA = comparison as unknown as Comparison;

export const presets = (): Subject[] => DATA.subjects.filter((s) => s.kind === 'preset');
export const cases = (): Subject[] => DATA.subjects.filter((s) => s.kind === 'case');

/** The stable anchor of a scenario's section: `preset-<id>` or `case-<id>`. */
export const anchorOf = (s: Pick<Subject, 'kind' | 'id'>): string => `${s.kind}-${s.id}`;

/** A number as the tables print it: whole above 100, one decimal above 10, two below. */
export function num(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  const a = Math.abs(x);
  if (a >= 100) return String(Math.round(x));
  if (a >= 10) return x.toFixed(1).replace(/\.0$/, '');
  return x.toFixed(2).replace(/\.?0+$/, '') || '0';
}

export const STATUS_TEXT: Record<Status, string> = {
  pass: 'agrees',
  fail: 'disagrees',
  'not-enforced': 'not enforced',
  'n/a': '–',
};

export const CHECK_LABEL: Record<string, string> = Object.fromEntries(
  DATA.method.tolerances.map((t) => [t.id, t.label]),
);

export const dateOf = (iso: string): string => iso.slice(0, 10);

export const errorsText = (errors: Record<string, number>): string =>
  Object.entries(errors)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k.replace(/^other:/, '')} ${n}`)
    .join(', ') || 'none';
