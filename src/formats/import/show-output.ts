// psql output pasted from a terminal: `SHOW max_connections;` (aligned, unaligned, \x
// expanded, or tuples only after the SHOW line), `SELECT name, setting FROM pg_settings`,
// and PgBouncer's admin console `SHOW CONFIG;` (columns key | value | default | changeable,
// https://www.pgbouncer.org/usage.html#show-config). These are the live values, so they
// win over postgresql.conf and pgbouncer.ini when both are imported.
import { Collector, cut, splitLines } from './collect';
import { readPgBouncerSetting } from './pgbouncer';
import { readPostgresSetting } from './postgresql-conf';
import type { ImportResult } from './types';

/** psql's unicode line style, as ASCII. */
const BOX: Record<string, string> = {
  '─': '-',
  '━': '-',
  '│': '|',
  '┃': '|',
  '┼': '+',
  '╋': '+',
  '├': '+',
  '┤': '+',
  '┬': '+',
  '┴': '+',
  '┌': '+',
  '┐': '+',
  '└': '+',
  '┘': '+',
};

function normalise(line: string): string {
  let out = '';
  for (const ch of line) out += BOX[ch] ?? ch;
  return out;
}

/** A table's rule line: dashes and pluses (and the border's bars). */
export function isRule(line: string): boolean {
  const t = line.trim();
  return (
    t.length >= 3 &&
    t.includes('---') &&
    [...t].every((ch) => ch === '-' || ch === '+' || ch === '|')
  );
}

function cells(line: string): string[] {
  let t = line.trim();
  if (t.startsWith('|')) t = t.slice(1);
  if (t.endsWith('|')) t = t.slice(0, -1);
  return t.split('|').map((x) => x.trim());
}

const isRowCount = (t: string): boolean => /^\(\d+ rows?\)$/.test(t);

/** `db=# SHOW max_connections;` or `SHOW max_connections;` -> the setting's name. */
export function showCommand(line: string): string | null {
  const lower = line.trim().toLowerCase();
  const at = lower.indexOf('show ');
  if (at < 0) return null;
  const prompt = lower.slice(0, at).trimEnd();
  const isPrompt = ['=#', '=>', '-#', '->'].some((end) => prompt.endsWith(end));
  if (prompt !== '' && !isPrompt) return null;
  const rest = lower.slice(at + 5).trim();
  if (!isPrompt && !rest.endsWith(';')) return null;
  const name = (rest.endsWith(';') ? rest.slice(0, -1) : rest).trim();
  return /^[a-z_][a-z0-9_.]*$/.test(name) ? name : null;
}

interface Table {
  columns: string[];
  rows: { values: string[]; line: number }[];
}

export function importShowOutput(text: string): ImportResult {
  const c = new Collector();
  const lines = splitLines(text).map(normalise);
  let pending: string | null = null;
  let read = 0;
  for (let i = 0; i < lines.length; i++) {
    const t = (lines[i] ?? '').trim();
    if (t === '' || isRowCount(t) || t.startsWith('Time:')) continue;
    const show = showCommand(t);
    if (show !== null) {
      pending = show;
      continue;
    }
    if (t.toLowerCase().startsWith('-[ record')) {
      const record: Table = { columns: [], rows: [{ values: [], line: i + 2 }] };
      for (i++; i < lines.length; i++) {
        const row = (lines[i] ?? '').trim();
        if (row === '' || row.toLowerCase().startsWith('-[ record') || isRowCount(row)) break;
        const [name = '', ...rest] = cells(row);
        record.columns.push(name);
        record.rows[0]?.values.push(rest.join('|'));
      }
      i--;
      read += readTable(c, record, true);
      continue;
    }
    if (isRule(lines[i + 1] ?? '')) {
      const table: Table = { columns: cells(t), rows: [] };
      for (i += 2; i < lines.length; i++) {
        const row = (lines[i] ?? '').trim();
        if (row === '' || isRowCount(row) || isRule(row) || showCommand(row) !== null) break;
        table.rows.push({ values: cells(row), line: i + 1 });
      }
      i--;
      read += readTable(c, table, false);
      pending = null;
      continue;
    }
    if (pending !== null && !t.includes(' ')) {
      // Tuples-only output (\t): the value alone, named by the SHOW line before it.
      readTable(c, { columns: [pending], rows: [{ values: [t], line: i + 1 }] }, false);
      read++;
      pending = null;
      continue;
    }
    c.ignore(cut(t, 40), i + 1, 'not psql output the import understands');
  }
  if (read === 0 && c.errorCount === 0) {
    c.error(
      'No SHOW output found: expected psql output such as " max_connections \\n-----------------\\n 100".',
    );
  }
  return c.result('show-output');
}

/** One table or \x record; returns the number of settings it held. */
function readTable(c: Collector, table: Table, expanded: boolean): number {
  const lower = table.columns.map((x) => x.toLowerCase());
  const pairs: { name: string; value: string; line: number }[] = [];
  const nameAt = lower.indexOf('name');
  const settingAt = lower.indexOf('setting');
  const keyAt = lower.indexOf('key');
  const valueAt = lower.indexOf('value');
  const pgbouncer = keyAt >= 0 && valueAt >= 0;
  if ((nameAt >= 0 && settingAt >= 0) || pgbouncer) {
    // pg_settings rows (name | setting | ...) or PgBouncer SHOW CONFIG rows (key | value | ...).
    const [a, b] = pgbouncer ? [keyAt, valueAt] : [nameAt, settingAt];
    if (expanded) {
      const row = table.rows[0];
      if (row) {
        pairs.push({ name: row.values[a] ?? '', value: row.values[b] ?? '', line: row.line });
      }
    } else {
      for (const row of table.rows) {
        pairs.push({ name: row.values[a] ?? '', value: row.values[b] ?? '', line: row.line });
      }
    }
  } else {
    // SHOW max_connections: the column is the setting, the first row its value.
    table.columns.forEach((name, at) => {
      const row = table.rows[0];
      const value = row?.values[at];
      if (row && value !== undefined) {
        pairs.push({ name, value, line: expanded ? row.line + at : row.line });
      }
    });
  }
  if (pgbouncer) c.usePgBouncer();
  const many = pairs.length > 20;
  let unlisted = 0;
  for (const { name, value, line } of pairs) {
    if (pgbouncer) {
      if (many && !isPgBouncerModelled(name)) unlisted++;
      else readPgBouncerSetting(c, name, value, line);
    } else if (many && name !== 'max_connections' && name !== 'superuser_reserved_connections') {
      unlisted++;
    } else {
      readPostgresSetting(c, {
        name: name.toLowerCase(),
        value,
        line,
        rank: 0,
        how: 'SHOW output (the running server)',
      });
    }
  }
  if (unlisted > 0) c.note(`${unlisted} other settings in this output are not modelled`);
  return pairs.length;
}

const PGBOUNCER_MODELLED = new Set([
  'pool_mode',
  'max_client_conn',
  'default_pool_size',
  'min_pool_size',
  'reserve_pool_size',
  'reserve_pool_timeout',
  'max_db_connections',
  'server_idle_timeout',
  'query_wait_timeout',
]);

function isPgBouncerModelled(name: string): boolean {
  return PGBOUNCER_MODELLED.has(name);
}
