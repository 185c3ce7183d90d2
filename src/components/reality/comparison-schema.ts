// The shape of tests/reality/comparison.json: written by tests/reality/compare.ts
// (`npm run reality:compare -- --write`), read by the "How we know" page (data.ts). Both
// sides use these types, so the file and the page cannot drift apart. Types only.

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
  /** The scenario file both sides ran (scaled for a preset). */
  scenario: unknown;
  model_inputs: { path: string; value: number; source: string }[];
  model: KeyFigures;
  model_range: Record<
    'ok' | 'failed' | 'throughput_rps' | 'p50_ms' | 'p95_ms' | 'pg_peak',
    [number, number]
  >;
  real: KeyFigures;
  /** Real failures moved to another kind by a rule (compare/figures.ts RECLASSIFY). */
  real_reclassified: { from: string; to: string; count: number }[];
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
    /** How much longer pg_sleep(s) took than s and a round trip, keyed by s in ms. */
    pg_sleep_excess_ms: Record<string, { median: number; p90: number; n: number } | undefined>;
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
  reclassify: { from: string; text: string; to: string; reason: string }[];
}
