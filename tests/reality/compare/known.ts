// Where the model is known to differ from the real stack, and why: the deliberate
// simplifications (shown with every scenario they apply to), and the diagnosed
// disagreements of the last full comparison (filled in from its findings). Pure.

import type { CheckId, CheckResult } from './tolerances';

export interface KnownDifference {
  id: string;
  title: string;
  text: string;
}

export interface SubjectFacts {
  key: string;
  scaled: boolean;
  rigBound: boolean;
  /** The engine's PostgreSQL peak before the cap to what pg_stat_activity can show. */
  modelPgPeakRaw: number;
  pgPeakCap: number;
  latencyCompared: boolean;
  checks: CheckResult[];
}

/** Simplifications the comparison knows about, and the rule that says where each applies. */
export const SIMPLIFICATIONS: (KnownDifference & { applies: (f: SubjectFacts) => boolean })[] = [
  {
    id: 'scaled',
    title: 'Scaled to fit this machine',
    text: "The preset was shortened or slowed to run for real on 2 cores in under a minute (the rule is in tests/reality/compare/scaling.ts). Both sides ran the scaled file, so the comparison is fair. The absolute numbers are not the preset's own.",
    applies: (f) => f.scaled,
  },
  {
    id: 'stack-path',
    title: "The stack's own path is not in the model",
    text: "A real request also spends time in the HTTP client, Gunicorn, Flask, SQLAlchemy and psycopg2. Each pg_sleep also wakes up to 1 ms late. The model has none of that: its app_ms stands for all of a request's Python time. So real latencies run a few milliseconds above the model's, and the latency tolerance allows for this.",
    applies: (f) => f.latencyCompared,
  },
  {
    id: 'cpu-bound',
    title: 'The real run was limited by this machine',
    text: "The machine's CPU was contended during the real run: the harness used most of the 2 cores, or other work kept them busy. With no think time, a closed loop runs as fast as the machine allows, and the load generator, PostgreSQL and every worker share those cores. The model charges CPU for app_ms only, and in production the clients are on other machines. Throughput and latency are shown here but not enforced.",
    applies: (f) => f.rigBound,
  },
  {
    id: 'pg-peak-visible',
    title: 'Refused connections in the PostgreSQL peak',
    text: "The engine counts a connection that PostgreSQL refuses for its connect time. pg_stat_activity never lists one: PostgreSQL refuses it before the backend shows there. The model's peak is capped at max_connections − superuser_reserved_connections for the comparison.",
    applies: (f) => f.modelPgPeakRaw > f.pgPeakCap,
  },
];

/**
 * Disagreements found by the last full comparison, each with the diagnosis and the model
 * change recommended (the engine is not changed from here). Keyed by subject key; each
 * lists the checks it explains. A failing check stays failing: this only says why.
 */
export const DIAGNOSES: Record<string, { checks: CheckId[]; title: string; text: string }[]> = {};

export function knownDifferences(f: SubjectFacts): KnownDifference[] {
  return SIMPLIFICATIONS.filter((s) => s.applies(f)).map(({ id, title, text }) => ({
    id,
    title,
    text,
  }));
}

export function diagnoses(f: SubjectFacts): { checks: CheckId[]; title: string; text: string }[] {
  const failing = new Set(f.checks.filter((c) => c.status === 'fail').map((c) => c.id));
  return (DIAGNOSES[f.key] ?? []).filter((d) => d.checks.some((c) => failing.has(c)));
}
