// Share links: the scenario as query parameters named by key path, written only where a
// value differs from the page's defaults. Decoding never throws: an unknown or invalid
// parameter is ignored with a notice that names it and says why. Nothing decoded here is
// ever meant to be rendered as HTML.
//
// Arrays are written compactly:
//   faults=terminate_backends@20,postgres_restart@20+5,pgbouncer_restart@30+1,idle_timeout@300
//   load.phases=50x30,400x10           (rate_per_s x duration_s)
//   other_clients=celery:10,cron:2     (name:connections)
// pgbouncer=on / pgbouncer=off switch PgBouncer on or off against the page's default.
import { DEFAULT_SCENARIO, OPEN_LOAD_DEFAULTS, PGBOUNCER_DEFAULTS } from './defaults';
import { FIELDS, LIMITS, type FieldMeta } from './fields';
import { parseScenario } from './parse';
import type { Fault, Load, OtherClient, Phase, Scenario } from './types';

export interface DecodeNotice {
  param: string;
  message: string;
}

const MAX_PARAMS = 100;
const MAX_VALUE_LENGTH = 1000;

const SCALARS = FIELDS.filter((f) => !f.path.includes('[') && f.path !== 'load.kind');
const NUMBER_RE = /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

type Obj = Record<string, unknown>;

function get(obj: unknown, path: string): unknown {
  let cur = obj;
  for (const key of path.split('.')) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Obj)[key];
  }
  return cur;
}

function set(obj: Obj, path: string, value: unknown): void {
  const keys = path.split('.');
  let cur = obj;
  for (const key of keys.slice(0, -1)) {
    if (typeof cur[key] !== 'object' || cur[key] === null) cur[key] = {};
    cur = cur[key] as Obj;
  }
  cur[keys[keys.length - 1]!] = value;
}

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

const encodeFaults = (faults: Fault[]): string =>
  faults
    .map((f) =>
      f.kind === 'idle_timeout'
        ? `idle_timeout@${f.after_s}`
        : f.kind === 'terminate_backends'
          ? `${f.kind}@${f.at_s}`
          : `${f.kind}@${f.at_s}+${f.down_s}`,
    )
    .join(',');
const encodePhases = (phases: Phase[]): string =>
  phases.map((p) => `${p.rate_per_s}x${p.duration_s}`).join(',');
const encodeClients = (clients: OtherClient[]): string =>
  clients.map((c) => `${c.name}:${c.connections}`).join(',');

/** The scenario as URL parameters, only where it differs from `pageDefaults`. */
export function encodeScenarioToParams(
  scenario: Scenario,
  pageDefaults: Scenario,
): URLSearchParams {
  const params = new URLSearchParams();
  const pgbBase =
    scenario.pgbouncer && pageDefaults.pgbouncer ? pageDefaults.pgbouncer : PGBOUNCER_DEFAULTS;
  if (scenario.pgbouncer && !pageDefaults.pgbouncer) params.set('pgbouncer', 'on');
  if (!scenario.pgbouncer && pageDefaults.pgbouncer) params.set('pgbouncer', 'off');
  const sameLoadKind = scenario.load.kind === pageDefaults.load.kind;
  const loadBase: Load = sameLoadKind
    ? pageDefaults.load
    : scenario.load.kind === 'open'
      ? OPEN_LOAD_DEFAULTS
      : DEFAULT_SCENARIO.load;
  if (!sameLoadKind) params.set('load.kind', scenario.load.kind);
  for (const f of SCALARS) {
    let value: unknown;
    let base: unknown;
    if (f.path.startsWith('pgbouncer.')) {
      if (!scenario.pgbouncer) continue;
      value = get(scenario, f.path);
      base = get({ pgbouncer: pgbBase }, f.path);
    } else if (f.path.startsWith('load.')) {
      value = get(scenario, f.path);
      if (value === undefined) continue;
      base = get({ load: loadBase }, f.path);
    } else {
      value = get(scenario, f.path);
      base = get(pageDefaults, f.path);
    }
    if (value !== base) params.set(f.path, String(value));
  }
  if (scenario.load.kind === 'open') {
    const basePhases = loadBase.kind === 'open' ? loadBase.phases : [];
    if (encodePhases(scenario.load.phases) !== encodePhases(basePhases))
      params.set('load.phases', encodePhases(scenario.load.phases));
  }
  if (encodeFaults(scenario.faults) !== encodeFaults(pageDefaults.faults))
    params.set('faults', encodeFaults(scenario.faults));
  if (encodeClients(scenario.other_clients) !== encodeClients(pageDefaults.other_clients))
    params.set('other_clients', encodeClients(scenario.other_clients));
  return params;
}

function parseNumber(text: string): number | null {
  return NUMBER_RE.test(text) ? Number(text) : null;
}

function parseScalar(f: FieldMeta, text: string): { value: unknown } | { error: string } {
  switch (f.type) {
    case 'int':
    case 'number': {
      const n = parseNumber(text);
      return n === null ? { error: `not a number` } : { value: n };
    }
    case 'boolean':
      return text === 'true' || text === 'false'
        ? { value: text === 'true' }
        : { error: 'expected true or false' };
    case 'enum':
      return f.options?.includes(text)
        ? { value: text }
        : { error: `not one of ${(f.options ?? []).join(' | ')}` };
    default:
      return { value: text };
  }
}

function parseList<T>(
  text: string,
  item: (part: string) => T | null,
  what: string,
): { value: T[] } | { error: string } {
  if (text === '') return { value: [] };
  const parts = text.split(',');
  if (parts.length > LIMITS.maxFaults) return { error: `more than ${LIMITS.maxFaults} items` };
  const out: T[] = [];
  for (const part of parts) {
    const x = item(part);
    if (x === null) return { error: `"${part.slice(0, 40)}" is not a valid ${what}` };
    out.push(x);
  }
  return { value: out };
}

function parseFault(part: string): Fault | null {
  const m = /^([a-z_]+)@([^+]+)(?:\+(.+))?$/.exec(part);
  if (!m) return null;
  const a = parseNumber(m[2]!);
  const b = m[3] === undefined ? null : parseNumber(m[3]);
  if (a === null || (m[3] !== undefined && b === null)) return null;
  switch (m[1]) {
    case 'terminate_backends':
      return m[3] === undefined ? { kind: 'terminate_backends', at_s: a } : null;
    case 'postgres_restart':
    case 'pgbouncer_restart':
      return b === null ? null : { kind: m[1], at_s: a, down_s: b };
    case 'idle_timeout':
      return m[3] === undefined ? { kind: 'idle_timeout', after_s: a } : null;
    default:
      return null;
  }
}

function parsePhase(part: string): Phase | null {
  const m = /^([^x]+)x(.+)$/.exec(part);
  const rate = m ? parseNumber(m[1]!) : null;
  const duration = m ? parseNumber(m[2]!) : null;
  return rate === null || duration === null ? null : { rate_per_s: rate, duration_s: duration };
}

function parseClient(part: string): OtherClient | null {
  const m = /^([A-Za-z0-9_.-]{1,40}):(\d+)$/.exec(part);
  return m ? { name: m[1]!, connections: Number(m[2]) } : null;
}

/** One parameter, checked on its own: a function applying it, or why it is ignored. */
function parseParam(key: string, text: string): ((s: Obj) => void) | string {
  if (key === 'pgbouncer') {
    if (text === 'on')
      return (s) => void (s.pgbouncer = (s.pgbouncer as Obj | null) ?? clone(PGBOUNCER_DEFAULTS));
    if (text === 'off') return (s) => void (s.pgbouncer = null);
    return 'expected on or off';
  }
  if (key === 'load.kind') {
    if (text === 'open')
      return (s) => void ((s.load as Obj).kind !== 'open' && (s.load = clone(OPEN_LOAD_DEFAULTS)));
    if (text === 'closed')
      return (s) =>
        void ((s.load as Obj).kind !== 'closed' && (s.load = clone(DEFAULT_SCENARIO.load)));
    return 'not one of closed | open';
  }
  const list =
    key === 'faults'
      ? parseList(text, parseFault, 'fault (kind@at_s, kind@at_s+down_s, idle_timeout@after_s)')
      : key === 'load.phases'
        ? parseList(text, parsePhase, 'phase (rate_per_sxduration_s)')
        : key === 'other_clients'
          ? parseList(text, parseClient, 'client (name:connections)')
          : null;
  if (list) {
    if ('error' in list) return list.error;
    const value = list.value;
    if (key === 'load.phases')
      return (s) =>
        void ((s.load as Obj).kind === 'open' ? ((s.load as Obj).phases = value) : undefined);
    return (s) => void (s[key] = value);
  }
  const field = SCALARS.find((f) => f.path === key);
  if (!field) return 'unknown parameter';
  const parsed = parseScalar(field, text);
  if ('error' in parsed) return `${JSON.stringify(text.slice(0, 40))}: ${parsed.error}`;
  return (s) => {
    if (key.startsWith('pgbouncer.') && !s.pgbouncer) s.pgbouncer = clone(PGBOUNCER_DEFAULTS);
    set(s, key, parsed.value);
  };
}

const ORDER = (key: string): number => (key === 'pgbouncer' || key === 'load.kind' ? 0 : 1);

/** The page's scenario with the link's parameters applied; never throws. */
export function decodeScenarioFromParams(
  params: URLSearchParams,
  pageDefaults: Scenario,
): { scenario: Scenario; notices: DecodeNotice[] } {
  const notices: DecodeNotice[] = [];
  const accepted: { key: string; apply: (s: Obj) => void }[] = [];
  let count = 0;
  const seen = new Set<string>();
  for (const [key, text] of params) {
    if (++count > MAX_PARAMS) {
      notices.push({
        param: key.slice(0, 60),
        message: `more than ${MAX_PARAMS} parameters; the rest are ignored`,
      });
      break;
    }
    if (seen.has(key)) {
      notices.push({ param: key.slice(0, 60), message: 'given twice; the first is used' });
      continue;
    }
    seen.add(key);
    if (key.length > 100 || text.length > MAX_VALUE_LENGTH) {
      notices.push({
        param: key.slice(0, 60),
        message: `longer than ${MAX_VALUE_LENGTH} characters`,
      });
      continue;
    }
    const result = parseParam(key, text);
    if (typeof result === 'string') notices.push({ param: key, message: result });
    else accepted.push({ key, apply: result });
  }
  accepted.sort((a, b) => ORDER(a.key) - ORDER(b.key));
  // Apply everything, then drop parameters the scenario's validation blames, until valid.
  for (let round = 0; round <= accepted.length; round++) {
    const candidate = clone(pageDefaults) as unknown as Obj;
    for (const p of accepted) p.apply(candidate);
    const parsed = parseScenario(candidate);
    if (parsed.ok) return { scenario: parsed.scenario, notices };
    let dropped = false;
    for (const err of parsed.errors) {
      const path = err.path.replace(/\[\d+\].*$/, '');
      const i = accepted.findIndex(
        (p) => p.key === path || path.startsWith(`${p.key}.`) || p.key.startsWith(`${path}.`),
      );
      if (i >= 0) {
        notices.push({ param: accepted[i]!.key, message: err.message });
        accepted.splice(i, 1);
        dropped = true;
      }
    }
    if (!dropped) {
      const last = accepted.pop();
      if (!last) break;
      notices.push({ param: last.key, message: parsed.errors.map((e) => e.message).join('; ') });
    }
  }
  const fallback = parseScenario(clone(pageDefaults));
  return { scenario: fallback.ok ? fallback.scenario : pageDefaults, notices };
}
