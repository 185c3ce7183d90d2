// Before and after: two runs of the same load and seed, figure by figure, for
// a postmortem ("as in production" against "with the fix"). One formatter for
// the site and the CLI, like the single-run report.
import { ERROR_KINDS } from '../engine/errors';
import type { Report } from '../engine/report';
import type { Scenario } from '../scenario/types';
import { formatReport } from './markdown';

export interface ComparisonRow {
  label: string;
  before: number | null;
  after: number | null;
  /** Which side is better for this figure when they differ; null when equal or not comparable. */
  better: 'before' | 'after' | null;
}

/** The after scenario as it is run: with the before's load, duration and seed, so that only the fix differs. */
export function alignAfter(before: Scenario, after: Scenario): Scenario {
  return { ...after, seed: before.seed, duration_s: before.duration_s, load: before.load };
}

function row(
  label: string,
  before: number | null,
  after: number | null,
  lowerIsBetter: boolean,
): ComparisonRow {
  const better =
    before === null || after === null || before === after
      ? null
      : after < before === lowerIsBetter
        ? 'after'
        : 'before';
  return { label, before, after, better };
}

export function compareReports(before: Report, after: Report): ComparisonRow[] {
  const rows: ComparisonRow[] = [
    row('requests ok', before.requests.ok, after.requests.ok, false),
    row('requests failed', before.requests.failed, after.requests.failed, true),
  ];
  for (const kind of ERROR_KINDS) {
    if (before.requests.errors[kind] || after.requests.errors[kind]) {
      rows.push(row(`  ${kind}`, before.requests.errors[kind], after.requests.errors[kind], true));
    }
  }
  rows.push(
    row('latency p50 (ms)', before.latency_ms.p50, after.latency_ms.p50, true),
    row('latency p95 (ms)', before.latency_ms.p95, after.latency_ms.p95, true),
    row('latency p99 (ms)', before.latency_ms.p99, after.latency_ms.p99, true),
    row('throughput (ok/s)', before.throughput_rps, after.throughput_rps, false),
    row('new connections', before.pool.connects, after.pool.connects, true),
    row(
      'PostgreSQL connections at peak',
      before.postgres.connections_peak,
      after.postgres.connections_peak,
      true,
    ),
    row(
      'PgBouncer clients at peak',
      before.pgbouncer?.clients_peak ?? null,
      after.pgbouncer?.clients_peak ?? null,
      true,
    ),
    row(
      'PgBouncer servers at peak',
      before.pgbouncer?.servers_peak ?? null,
      after.pgbouncer?.servers_peak ?? null,
      true,
    ),
    row(
      'uses of a shared socket',
      before.fork.shared_socket_uses,
      after.fork.shared_socket_uses,
      true,
    ),
  );
  return rows;
}

const cell = (x: number | null) =>
  x === null ? '–' : x.toLocaleString('en-US', { maximumFractionDigits: 2 });

export function formatComparison(
  before: Report,
  after: Report,
  options: { shareUrl?: string; version?: string } = {},
): string {
  const out = ['# Pool Lab: before and after', ''];
  out.push(
    `Both runs: seed ${before.sim.seed}, the same load. Bold marks the better side where they differ.`,
    '',
  );
  out.push('| figure | before | after |', '|---|---:|---:|');
  for (const r of compareReports(before, after)) {
    const b = r.better === 'before' ? `**${cell(r.before)}**` : cell(r.before);
    const a = r.better === 'after' ? `**${cell(r.after)}**` : cell(r.after);
    out.push(`| ${r.label.trim()} | ${b} | ${a} |`);
  }
  if (options.shareUrl) out.push('', `Reproduce both: <${options.shareUrl}>`);
  const single = { format: 'markdown' as const, version: options.version };
  out.push('', '### Before', '', formatReport(before, single).replace(/^## /, '#### '));
  out.push('### After', '', formatReport(after, single).replace(/^## /, '#### '));
  return `${out.join('\n').trimEnd()}\n`;
}
