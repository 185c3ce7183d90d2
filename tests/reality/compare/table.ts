// The side-by-side table printed by compare.ts. Pure: rows in, text out.

import type { CheckId, CheckResult, Status } from './tolerances';

export interface TableRow {
  key: string;
  status: 'pass' | 'fail';
  checks: CheckResult[];
  rigCpu: number | null;
  cpuBusy: number | null;
}

const MARK: Record<Status, string> = { pass: '', fail: '✗', 'not-enforced': '~', 'n/a': '' };

function cell(checks: CheckResult[], id: CheckId, which: 'model' | 'real'): string {
  const c = checks.find((x) => x.id === id);
  if (!c || c.status === 'n/a') return '–';
  // The model cell shows the seed's value without its range, to keep columns narrow.
  return which === 'model' ? c.model.split(' [')[0]! : c.real;
}

function pair(checks: CheckResult[], id: CheckId): string {
  const c = checks.find((x) => x.id === id);
  if (!c || c.status === 'n/a') return '–';
  return `${cell(checks, id, 'model')} | ${cell(checks, id, 'real')}${MARK[c.status]}`;
}

const COLUMNS: { head: string; id: CheckId | null; width: number }[] = [
  { head: 'ok m | r', id: 'ok', width: 13 },
  { head: 'failed m | r', id: 'failed', width: 13 },
  { head: 'kinds', id: 'kinds', width: 6 },
  { head: 'rps m | r', id: 'throughput', width: 14 },
  { head: 'p50 ms m | r', id: 'p50', width: 14 },
  { head: 'p95 ms m | r', id: 'p95', width: 14 },
  { head: 'PG peak m | r', id: 'pg_peak', width: 13 },
  { head: 'PgB srv m | r', id: 'pgb_servers_peak', width: 13 },
  { head: 'PgB cli m | r', id: 'pgb_clients_peak', width: 13 },
  { head: 'texts', id: 'texts', width: 6 },
];

const pad = (s: string, w: number): string => (s.length >= w ? s : s + ' '.repeat(w - s.length));

/**
 * The table: one line per scenario; ✗ marks a failed check, ~ one not enforced (a closed
 * loop on a CPU-contended machine). CPU: the harness's share of the cores / the machine's.
 */
export function formatTable(rows: TableRow[]): string {
  const keyW = Math.max(8, ...rows.map((r) => r.key.length)) + 1;
  const head = [
    pad('scenario', keyW),
    ...COLUMNS.map((c) => pad(c.head, c.width)),
    'CPU h/all',
    'verdict',
  ].join(' ');
  const lines = [head, '-'.repeat(head.length)];
  for (const r of rows) {
    const cells = COLUMNS.map((c) => {
      if (c.id === 'kinds' || c.id === 'texts') {
        const k = r.checks.find((x) => x.id === c.id);
        return pad(
          k ? (k.status === 'fail' ? '✗' : k.status === 'n/a' ? '–' : 'same') : '–',
          c.width,
        );
      }
      return pad(c.id ? pair(r.checks, c.id) : '', c.width);
    });
    const pct = (x: number | null): string =>
      x === null ? '  ?' : String(Math.round(x * 100)).padStart(3);
    const cpu = `${pct(r.rigCpu)}/${pct(r.cpuBusy)}%`;
    lines.push([pad(r.key, keyW), ...cells, cpu, r.status === 'pass' ? 'pass' : 'FAIL'].join(' '));
  }
  return lines.join('\n');
}

/** The failed and not-enforced checks of one scenario, one per line. */
export function formatDetails(key: string, checks: CheckResult[]): string[] {
  return checks
    .filter((c) => c.status === 'fail' || c.status === 'not-enforced')
    .map(
      (c) =>
        `  ${key} ${c.status === 'fail' ? '✗' : '~'} ${c.id}: model ${c.model}, real ${c.real}: ${c.detail}`,
    );
}
