// postgresql.conf lines (also postgresql.auto.conf), `ALTER SYSTEM SET ...;` statements and
// `postgres -c name=value` command lines. The file syntax is the one of
// https://www.postgresql.org/docs/current/config-setting.html#CONFIG-SETTING-CONFIGURATION-FILE:
// one `name [=] value` per line, `#` comments, single-quoted strings with '' or \' inside,
// the last setting of a name wins. The tokenizer mirrors PostgreSQL's guc-file.l. Integer
// values are read as parse_int (src/backend/utils/misc/guc.c) does: strtol with base 0 (so
// 0x1F and octal 010), a decimal part rounded, a unit refused for a unitless setting.
import { Collector, cut, splitLines } from './collect';
import { assignment, shellCommands } from './shell';
import type { ImportResult } from './types';

/** Settings the model has (runtime-config-connection.html). */
const SETTINGS: Record<string, string> = {
  max_connections: 'postgres.max_connections',
  superuser_reserved_connections: 'postgres.superuser_reserved_connections',
};

/** Sources rank as in PostgreSQL: the command line over postgresql.auto.conf over postgresql.conf. */
const RANK = { file: 0, alterSystem: 1, commandLine: 2 } as const;

type Token =
  | { type: 'id' | 'value' | 'string' | 'equals' | 'semicolon'; text: string; at: number }
  | { type: 'bad'; text: string; at: number };

const isLetter = (c: string): boolean => /[A-Za-z_\u0080-\uffff]/.test(c);
const isLetterOrDigit = (c: string): boolean => /[A-Za-z0-9_$\u0080-\uffff]/.test(c);

/** One line of postgresql.conf (or of an SQL statement) as tokens; comments dropped. */
export function tokenize(line: string, sql = false): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < line.length) {
    const c = line[i] as string;
    const at = i;
    if (c === ' ' || c === '\t' || c === '\r') i++;
    else if (c === '#' || (sql && c === '-' && line[i + 1] === '-')) break;
    else if (c === '=') {
      out.push({ type: 'equals', text: c, at });
      i++;
    } else if (c === ';' && sql) {
      out.push({ type: 'semicolon', text: c, at });
      i++;
    } else if (c === "'") {
      let text = '';
      for (i++; i < line.length; i++) {
        const ch = line[i] as string;
        if (ch === "'" && line[i + 1] === "'") text += line[++i];
        else if (ch === '\\' && !sql && i + 1 < line.length) text += line[++i];
        else if (ch === "'") break;
        else text += ch;
      }
      if (i >= line.length) {
        out.push({ type: 'bad', text: 'an unterminated quoted string', at });
        break;
      }
      i++;
      out.push({ type: 'string', text, at });
    } else if (sql && c === '"') {
      const close = line.indexOf('"', i + 1);
      if (close < 0) {
        out.push({ type: 'bad', text: 'an unterminated quoted name', at });
        break;
      }
      out.push({ type: 'id', text: line.slice(i + 1, close), at });
      i = close + 1;
    } else if (isLetter(c)) {
      // ID, QUALIFIED_ID (ext.name) or UNQUOTED_STRING (letters then [-._:/] too).
      let j = i + 1;
      const more = (ch: string): boolean => isLetterOrDigit(ch) || '-._:/'.includes(ch);
      while (j < line.length && more(line[j] as string)) j++;
      const text = line.slice(i, j);
      const plain = [...text].every((ch) => isLetterOrDigit(ch) || ch === '.');
      out.push({ type: plain ? 'id' : 'value', text, at });
      i = j;
    } else if (/[0-9.+-]/.test(c)) {
      // INTEGER / REAL, with unit letters (128MB, 30s, 1e3).
      let j = i + 1;
      while (j < line.length && /[0-9A-Za-z.+-]/.test(line[j] as string)) j++;
      out.push({ type: 'value', text: line.slice(i, j), at });
      i = j;
    } else {
      out.push({ type: 'bad', text: JSON.stringify(c), at });
      i++;
    }
  }
  return out;
}

/** Round half to even, as C's rint() does in the default rounding mode. */
function rint(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** PostgreSQL's parse_int for a setting without units; null where it reports "invalid value". */
export function pgParseInt(text: string): number | null {
  const s = text.trim();
  let value: number | null = null;
  const sign = s.startsWith('-') ? -1 : 1;
  const body = s.startsWith('-') || s.startsWith('+') ? s.slice(1) : s;
  if (/^0[xX][0-9a-fA-F]+$/.test(body)) value = sign * parseInt(body.slice(2), 16);
  else if (/^0[0-7]+$/.test(body)) value = sign * parseInt(body, 8);
  else if (/^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(body)) value = sign * Number(body);
  if (value === null || !Number.isFinite(value)) return null;
  value = rint(value);
  return Math.abs(value) > 2147483647 ? null : value;
}

export interface Setting {
  name: string;
  value: string;
  line: number;
  rank: number;
  how: string;
}

export function importPostgresqlConf(text: string): ImportResult {
  const c = new Collector();
  splitLines(text).forEach((line, index) => {
    const n = index + 1;
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const first = trimmed.split(/\s/, 1)[0]?.toLowerCase() ?? '';
    if (first === 'alter' || first === 'set' || first === 'reset' || first === 'show') {
      readSql(c, line, n);
    } else if (first === 'postgres' || first.endsWith('/postgres') || first === 'command:') {
      readCommandLine(c, line, n);
    } else {
      readFileLine(c, line, n);
    }
  });
  return c.result('postgresql-conf');
}

function readFileLine(c: Collector, line: string, n: number): void {
  const tokens = tokenize(line);
  const [name, second, third, fourth] = tokens;
  const bad = tokens.find((t) => t.type === 'bad');
  if (bad) {
    c.error(`line ${n}: syntax error near ${bad.text}; PostgreSQL would refuse the file`, n);
    return;
  }
  if (!name || name.type !== 'id') {
    c.error(`line ${n}: syntax error: expected a setting name`, n);
    return;
  }
  const valueToken = second?.type === 'equals' ? third : second;
  const extra = second?.type === 'equals' ? fourth : third;
  if (!valueToken || valueToken.type === 'equals' || extra) {
    c.error(`line ${n}: syntax error: expected "${name.text} = value"`, n);
    return;
  }
  const key = name.text;
  if (key === 'include' || key === 'include_if_exists' || key === 'include_dir') {
    c.ignore(key, n, 'another file: import it too');
    return;
  }
  readPostgresSetting(c, { name: key, value: valueToken.text, line: n, rank: RANK.file, how: '' });
}

/** `ALTER SYSTEM SET name = value;`, `ALTER SYSTEM SET name TO 'value';`, and SET (which cannot change these). */
function readSql(c: Collector, line: string, n: number): void {
  const tokens = tokenize(line, true).filter((t) => t.type !== 'semicolon');
  const words = tokens.map((t) => (t.type === 'id' ? t.text.toLowerCase() : t.text));
  if (words[0] === 'show') return; // a psql prompt line: the output kind reads those
  const system = words[0] === 'alter' && words[1] === 'system';
  const rest = system ? tokens.slice(2) : tokens;
  const verb = rest[0]?.text.toLowerCase();
  const nameToken = rest[1];
  if (!nameToken || nameToken.type !== 'id') {
    c.error(`line ${n}: not a statement the import understands`, n);
    return;
  }
  const name = nameToken.text.toLowerCase();
  const written = cut(line.trim(), 60);
  if (verb === 'reset') {
    if (SETTINGS[name]) {
      c.ignore(
        written,
        n,
        'RESET: back to the value in postgresql.conf, which this line does not give',
      );
    }
    return;
  }
  const op = rest[2];
  const valueToken = op?.type === 'equals' || op?.text.toLowerCase() === 'to' ? rest[3] : undefined;
  if (verb !== 'set' || !valueToken) {
    c.error(`line ${n}: not a statement the import understands`, n);
    return;
  }
  if (!system) {
    if (SETTINGS[name]) {
      c.ignore(
        written,
        n,
        `${name} can only be set at server start (postgresql.conf, ALTER SYSTEM or the command line), not with SET`,
      );
    }
    return;
  }
  if (valueToken.text.toLowerCase() === 'default') {
    c.ignore(
      written,
      n,
      'DEFAULT: removes the setting from postgresql.auto.conf, back to postgresql.conf',
    );
    return;
  }
  readPostgresSetting(c, {
    name,
    value: valueToken.text,
    line: n,
    rank: RANK.alterSystem,
    how: 'ALTER SYSTEM (postgresql.auto.conf, read after postgresql.conf)',
  });
}

/** `postgres -c max_connections=200` (e.g. a docker-compose command) and `--max-connections=200`. */
function readCommandLine(c: Collector, line: string, n: number): void {
  const words = shellCommands(line).flat();
  for (let i = 0; i < words.length; i++) {
    const word = words[i]?.text ?? '';
    let pair: string | null = null;
    if (word === '-c') pair = words[++i]?.text ?? null;
    else if (word.startsWith('-c')) pair = word.slice(2);
    else if (word.startsWith('--')) pair = word.slice(2).replaceAll('-', '_');
    const parsed = pair ? assignment(pair) : null;
    if (!parsed) continue;
    readPostgresSetting(c, {
      name: parsed.name.toLowerCase(),
      value: parsed.value,
      line: n,
      rank: RANK.commandLine,
      how: 'the server command line, which overrides postgresql.conf',
    });
  }
}

/** A PostgreSQL setting by name (also used for SHOW output). */
export function readPostgresSetting(c: Collector, s: Setting): void {
  const path = SETTINGS[s.name];
  if (!path) {
    c.ignore(
      s.name,
      s.line,
      s.name === 'reserved_connections'
        ? 'not modelled: PostgreSQL 16 keeps these slots for roles with pg_use_reserved_connections, so an app role without it has that many fewer'
        : 'not modelled',
    );
    return;
  }
  const value = pgParseInt(s.value);
  if (value === null) {
    c.ignore(
      s.name,
      s.line,
      `${JSON.stringify(cut(s.value, 30))} is not a whole number (and ${s.name} takes no unit): PostgreSQL refuses it`,
      s.value,
    );
    return;
  }
  const notes: string[] = [];
  if (s.how) notes.push(`from ${s.how}`);
  if (String(value) !== s.value.trim()) notes.push(`${s.value} is read as ${value}`);
  c.set(path, s.name, value, s.line, {
    rank: s.rank,
    ...(notes.length ? { note: notes.join('; ') } : {}),
  });
}
