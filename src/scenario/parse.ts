// Validation and normalisation of a scenario file. The schema is built from the field
// table with Valibot (named imports only, so the browser bundle keeps just what is used).
// Every message names the key path, the value and the allowed range.
import {
  array,
  boolean,
  integer,
  literal,
  maxLength,
  maxValue,
  minLength,
  minValue,
  nullable,
  number,
  optional,
  picklist,
  pipe,
  regex,
  safeParse,
  strictObject,
  string,
  variant,
  type BaseIssue,
  type GenericSchema,
} from 'valibot';
import { DEFAULT_SCENARIO, OPEN_LOAD_DEFAULTS, PGBOUNCER_DEFAULTS } from './defaults';
import { FIELDS, FIELD_BY_PATH, LIMITS, type FieldMeta } from './fields';
import type { Fault, Load, Scenario, ScenarioError } from './types';

function fieldSchema(row: FieldMeta): GenericSchema {
  switch (row.type) {
    case 'int':
      return pipe(number(), integer(), minValue(row.min ?? 0), maxValue(row.max ?? 0));
    case 'number':
      return pipe(number(), minValue(row.min ?? 0), maxValue(row.max ?? 0));
    case 'boolean':
      return boolean();
    case 'enum':
      return picklist(row.options ?? []);
    case 'string':
      return pipe(string(), minLength(1), maxLength(40), regex(/^[A-Za-z0-9_.-]+$/));
  }
}

function field(path: string): GenericSchema {
  const row = FIELD_BY_PATH.get(path);
  if (!row) throw new Error(`no field ${path}`);
  return optional(fieldSchema(row));
}

/** A strict object of the table's scalar fields directly under `prefix`. */
function section(prefix: string, extra: Record<string, GenericSchema> = {}): GenericSchema {
  const entries: Record<string, GenericSchema> = {};
  for (const row of FIELDS) {
    if (!row.path.startsWith(prefix)) continue;
    const rest = row.path.slice(prefix.length);
    if (rest.includes('.') || rest.includes('[')) continue;
    entries[rest] = field(row.path);
  }
  return strictObject({ ...entries, ...extra });
}

const timedFault = (kind: string, withDown: boolean): GenericSchema =>
  withDown
    ? strictObject({
        kind: literal(kind),
        at_s: field('faults[].at_s'),
        down_s: field('faults[].down_s'),
      })
    : strictObject({ kind: literal(kind), at_s: field('faults[].at_s') });

const closedLoad = strictObject({
  kind: literal('closed'),
  concurrency: field('load.concurrency'),
  requests: field('load.requests'),
});
const openLoad = strictObject({
  kind: literal('open'),
  rate_per_s: field('load.rate_per_s'),
  phases: optional(pipe(array(section('load.phases[].')), maxLength(LIMITS.maxPhases))),
});

const scenarioSchema = strictObject({
  version: optional(literal(1)),
  seed: field('seed'),
  duration_s: field('duration_s'),
  app: optional(section('app.', { request: optional(section('app.request.')) })),
  pool: optional(section('pool.')),
  pgbouncer: optional(nullable(section('pgbouncer.'))),
  postgres: optional(section('postgres.')),
  network: optional(section('network.')),
  other_clients: optional(
    pipe(array(section('other_clients[].')), maxLength(LIMITS.maxOtherClients)),
  ),
  faults: optional(
    pipe(
      array(
        variant('kind', [
          timedFault('terminate_backends', false),
          timedFault('postgres_restart', true),
          timedFault('pgbouncer_restart', true),
          strictObject({ kind: literal('idle_timeout'), after_s: field('faults[].after_s') }),
        ] as never),
      ),
      maxLength(LIMITS.maxFaults),
    ),
  ),
  load: optional(variant('kind', [closedLoad, openLoad] as never)),
});

function fmt(value: unknown): string {
  if (typeof value === 'string')
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null)
    return String(value);
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  return 'an object';
}

function pathOf(issue: BaseIssue<unknown>): string {
  let out = '';
  for (const item of issue.path ?? []) {
    const key = item.key;
    out += typeof key === 'number' ? `[${key}]` : out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

const rangeOf = (row: FieldMeta): string => `${row.min}..${row.max}`;

function messageFor(issue: BaseIssue<unknown>, path: string): string {
  const row = FIELD_BY_PATH.get(path.replace(/\[\d+\]/g, '[]'));
  const value = issue.input;
  switch (issue.type) {
    case 'min_value':
    case 'max_value':
      return `${path}: ${fmt(value)} is out of range ${row ? rangeOf(row) : issue.expected}`;
    case 'integer':
      return `${path}: ${fmt(value)} is not a whole number (allowed: integers ${row ? rangeOf(row) : ''})`;
    case 'number':
      return `${path}: expected a number${row ? ` in ${rangeOf(row)}` : ''}, got ${fmt(value)}`;
    case 'boolean':
      return `${path}: expected true or false, got ${fmt(value)}`;
    case 'picklist':
      return `${path}: ${fmt(value)} is not one of ${(row?.options ?? []).join(' | ')}`;
    case 'literal':
      return `${path}: ${fmt(value)} is not allowed here (expected ${issue.expected})`;
    case 'variant':
      return `${path}: ${fmt(value)} is not one of ${row?.options ? row.options.join(' | ') : (issue.expected ?? '')}`;
    case 'strict_object':
      return issue.expected === 'never'
        ? `${path}: unknown key`
        : `${path}: expected an object, got ${fmt(value)}`;
    case 'object':
      return `${path}: expected an object, got ${fmt(value)}`;
    case 'array':
      return `${path}: expected an array, got ${fmt(value)}`;
    case 'max_length':
      return Array.isArray(value)
        ? `${path}: ${value.length} items is more than the ${issue.requirement as number} allowed`
        : `${path}: ${fmt(value)} is longer than ${issue.requirement as number} characters`;
    case 'min_length':
      return `${path}: must not be empty`;
    case 'regex':
      return `${path}: ${fmt(value)} may only contain letters, digits, _ . -`;
    case 'string':
      return `${path}: expected a string, got ${fmt(value)}`;
    default:
      return `${path || '(scenario)'}: ${issue.message}`;
  }
}

/** `load` without `kind` is a closed load, as in the contract's default. */
function withLoadKind(input: unknown): unknown {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return input;
  const load = (input as Record<string, unknown>).load;
  if (typeof load !== 'object' || load === null || Array.isArray(load) || 'kind' in load)
    return input;
  return { ...input, load: { kind: 'closed', ...load } };
}

export function validateShape(input: unknown): ScenarioError[] {
  const result = safeParse(scenarioSchema, withLoadKind(input));
  if (result.success) return [];
  const byPath = new Map<string, ScenarioError>();
  for (const issue of result.issues) {
    const path = pathOf(issue);
    if (issue.type === 'strict_object' && issue.expected === 'never' && path === '') continue;
    if (byPath.has(path)) continue;
    byPath.set(path, {
      path: path || '(scenario)',
      value: issue.input,
      message: messageFor(issue, path),
    });
  }
  return [...byPath.values()];
}

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);

function merge<T>(base: T, patch: unknown): T {
  if (!isObj(patch) || !isObj(base)) return (patch === undefined ? base : patch) as T;
  const out: Obj = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    out[key] = isObj(value) && isObj(out[key]) ? merge(out[key], value) : value;
  }
  return out as T;
}

function normaliseFault(raw: Obj): Fault {
  const dflt = (p: string): number => FIELD_BY_PATH.get(p)?.default as number;
  const at_s = (raw.at_s as number | undefined) ?? dflt('faults[].at_s');
  const down_s = (raw.down_s as number | undefined) ?? dflt('faults[].down_s');
  switch (raw.kind) {
    case 'terminate_backends':
      return { kind: 'terminate_backends', at_s };
    case 'postgres_restart':
      return { kind: 'postgres_restart', at_s, down_s };
    case 'pgbouncer_restart':
      return { kind: 'pgbouncer_restart', at_s, down_s };
    default:
      return {
        kind: 'idle_timeout',
        after_s: (raw.after_s as number | undefined) ?? dflt('faults[].after_s'),
      };
  }
}

function normaliseLoad(raw: unknown): Load {
  if (isObj(raw) && raw.kind === 'open') {
    const phases = Array.isArray(raw.phases) ? (raw.phases as Obj[]) : [];
    return {
      kind: 'open',
      rate_per_s: (raw.rate_per_s as number | undefined) ?? OPEN_LOAD_DEFAULTS.rate_per_s,
      phases: phases.map((p) => ({
        rate_per_s:
          (p.rate_per_s as number | undefined) ??
          (FIELD_BY_PATH.get('load.phases[].rate_per_s')?.default as number),
        duration_s:
          (p.duration_s as number | undefined) ??
          (FIELD_BY_PATH.get('load.phases[].duration_s')?.default as number),
      })),
    };
  }
  return merge(DEFAULT_SCENARIO.load, raw);
}

/** Fill every default. The input must already have passed validateShape. */
export function normalise(input: unknown): Scenario {
  const raw = (withLoadKind(input) ?? {}) as Obj;
  const s: Scenario = {
    ...merge(DEFAULT_SCENARIO, {
      ...raw,
      pgbouncer: undefined,
      faults: undefined,
      other_clients: undefined,
      load: undefined,
    }),
    pgbouncer: isObj(raw.pgbouncer) ? merge(PGBOUNCER_DEFAULTS, raw.pgbouncer) : null,
    other_clients: ((raw.other_clients as Obj[] | undefined) ?? []).map((c) => ({
      name: (c.name as string | undefined) ?? 'other',
      connections:
        (c.connections as number | undefined) ??
        (FIELD_BY_PATH.get('other_clients[].connections')?.default as number),
    })),
    faults: ((raw.faults as Obj[] | undefined) ?? []).map(normaliseFault),
    load: normaliseLoad(raw.load),
  };
  return s;
}

/** Expected number of requests of a run (before any failure). */
export function expectedRequests(s: Scenario): number {
  if (s.load.kind === 'closed') return s.load.requests;
  if (s.load.phases.length === 0) return s.load.rate_per_s * s.duration_s;
  let total = 0;
  let t = 0;
  for (const phase of s.load.phases) {
    const len = Math.max(0, Math.min(phase.duration_s, s.duration_s - t));
    total += phase.rate_per_s * len;
    t += phase.duration_s;
  }
  return total;
}

function crossFieldErrors(s: Scenario): ScenarioError[] {
  const errors: ScenarioError[] = [];
  const pg = s.postgres;
  if (pg.superuser_reserved_connections >= pg.max_connections) {
    errors.push({
      path: 'postgres.superuser_reserved_connections',
      value: pg.superuser_reserved_connections,
      message: `postgres.superuser_reserved_connections: ${pg.superuser_reserved_connections} is out of range 0..${pg.max_connections - 1} (it must be less than max_connections)`,
    });
  }
  const processes = s.app.servers * s.app.workers;
  if (processes > LIMITS.maxProcesses) {
    errors.push({
      path: 'app.workers',
      value: s.app.workers,
      message: `app.workers: ${s.app.workers} is out of range 1..${Math.floor(LIMITS.maxProcesses / s.app.servers)} (servers × workers may be at most ${LIMITS.maxProcesses})`,
    });
  }
  const expected = Math.round(expectedRequests(s));
  if (expected > LIMITS.maxRequests) {
    const path =
      s.load.kind === 'open'
        ? s.load.phases.length
          ? 'load.phases'
          : 'load.rate_per_s'
        : 'load.requests';
    errors.push({
      path,
      value: s.load.kind === 'open' && !s.load.phases.length ? s.load.rate_per_s : expected,
      message: `${path}: about ${expected} requests in the run is out of range 0..${LIMITS.maxRequests} (rate × duration)`,
    });
  } else if (expected * (s.app.request.queries + 3) > LIMITS.maxWork) {
    errors.push({
      path: 'app.request.queries',
      value: s.app.request.queries,
      message: `app.request.queries: ${s.app.request.queries} queries × about ${expected} requests is out of range (requests × (queries + 3) may be at most ${LIMITS.maxWork})`,
    });
  }
  return errors;
}

/** The pool settings as SQLAlchemy receives them (after Flask-SQLAlchemy's int()). */
export interface EffectivePool {
  pool_size: number;
  max_overflow: number;
  pool_timeout: number;
  pool_recycle: number;
  truncated: ('pool_size' | 'max_overflow' | 'pool_timeout' | 'pool_recycle')[];
}

export function effectivePool(s: Scenario): EffectivePool {
  const p = s.pool;
  const fsa = s.app.engine_config === 'flask_sqlalchemy';
  const truncated: EffectivePool['truncated'] = [];
  const asint = (key: 'pool_size' | 'max_overflow' | 'pool_timeout' | 'pool_recycle'): number => {
    const v = p[key];
    if (!fsa || Number.isInteger(v)) return v;
    truncated.push(key);
    return Math.trunc(v);
  };
  return {
    pool_size: asint('pool_size'),
    max_overflow: asint('max_overflow'),
    pool_timeout: asint('pool_timeout'),
    pool_recycle: asint('pool_recycle'),
    truncated,
  };
}

/** Things worth saying about a valid scenario (truncation, hooks that cannot act...). */
export function scenarioNotes(s: Scenario): string[] {
  const notes: string[] = [];
  const eff = effectivePool(s);
  for (const key of eff.truncated) {
    notes.push(
      `pool.${key}: ${s.pool[key]} becomes ${eff[key]} through Flask-SQLAlchemy (engine_from_config converts it with int())` +
        (key === 'pool_timeout' && eff.pool_timeout === 0
          ? ': a checkout at the limit fails at once'
          : ''),
    );
  }
  if (!s.app.preload_app && s.app.post_fork !== 'none') {
    notes.push(
      'app.post_fork: with preload_app off the hook runs before the app and its engine exist, so the dispose there has nothing to act on',
    );
  }
  if (s.pool.class === 'NullPool' && s.pool.pool_pre_ping) {
    notes.push('pool.pool_pre_ping: NullPool connections are always new, so pre-ping never runs');
  }
  if (!s.pgbouncer && s.faults.some((x) => x.kind === 'pgbouncer_restart')) {
    notes.push('faults: pgbouncer_restart has no effect without pgbouncer');
  }
  for (const fault of s.faults) {
    if ('at_s' in fault && fault.at_s >= s.duration_s)
      notes.push(
        `faults: ${fault.kind} at ${fault.at_s} s is after the end of the run (${s.duration_s} s)`,
      );
  }
  if (s.load.kind === 'open' && s.load.phases.length) {
    const total = s.load.phases.reduce((a, p) => a + p.duration_s, 0);
    if (total < s.duration_s)
      notes.push(`load.phases: the phases last ${total} s; no arrivals after that`);
    if (total > s.duration_s)
      notes.push(
        `load.phases: the phases last ${total} s; the run stops at duration_s = ${s.duration_s} s`,
      );
  }
  return notes;
}

export type ParseResult =
  { ok: true; scenario: Scenario; notes: string[] } | { ok: false; errors: ScenarioError[] };

/** Validate a scenario file (any subset of the scenario) and fill in every default. */
export function parseScenario(input: unknown): ParseResult {
  const shapeErrors = validateShape(input ?? {});
  if (shapeErrors.length) return { ok: false, errors: shapeErrors };
  const scenario = normalise(input ?? {});
  const errors = crossFieldErrors(scenario);
  if (errors.length) return { ok: false, errors };
  return { ok: true, scenario, notes: scenarioNotes(scenario) };
}
