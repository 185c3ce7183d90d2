// Import from real configuration: the text of a gunicorn.conf.py, a gunicorn command line,
// SQLAlchemy engine options, a pgbouncer.ini, postgresql.conf lines or psql SHOW output
// becomes the part of a scenario it sets, with what was recognised, what was ignored and
// why. Text is parsed, never run; every failure is a message, never an exception.
import { FIELD_BY_PATH } from '../../scenario/fields';
import { parseScenario } from '../../scenario/parse';
import type { Scenario, ScenarioError, ScenarioInput } from '../../scenario/types';
import { deletePath, getPath, rankOf, setPath, show } from './collect';
import { detectKind } from './detect';
import { refusal } from './guard';
import { importGunicornConf } from './gunicorn';
import { importGunicornCommandLine } from './gunicorn-cli';
import { importPgBouncerIni } from './pgbouncer';
import { importPostgresqlConf } from './postgresql-conf';
import { importShowOutput } from './show-output';
import { importSqlAlchemy } from './sqlalchemy';
import {
  CONFIG_KINDS,
  type ConfigKind,
  type ImportOptions,
  type ImportResult,
  type Recognised,
} from './types';

export { detectKind } from './detect';
export { MAX_BYTES, refusal, textFromBytes } from './guard';
export * from './types';

const IMPORTERS: Record<ConfigKind, (text: string) => ImportResult> = {
  gunicorn: importGunicornConf,
  'gunicorn-cli': importGunicornCommandLine,
  sqlalchemy: importSqlAlchemy,
  pgbouncer: importPgBouncerIni,
  'postgresql-conf': importPostgresqlConf,
  'show-output': importShowOutput,
};

/** At most this many files are merged into one scenario. */
export const MAX_FILES = 16;

function failed(kind: ConfigKind | null, message: string): ImportResult {
  return { kind, input: {}, recognised: [], ignored: [], notes: [], errors: [{ message }] };
}

/** Reads one configuration file (its kind detected unless given). Never throws. */
export function importConfig(text: string, options: ImportOptions = {}): ImportResult {
  const requested = options.kind;
  if (requested !== undefined && !CONFIG_KINDS.includes(requested)) {
    return failed(null, `Unknown kind ${show(requested)}: one of ${CONFIG_KINDS.join(', ')}.`);
  }
  const refused = refusal(text);
  if (refused) return failed(requested ?? null, refused);
  const clean = text.startsWith('\uFEFF') ? text.slice(1) : text;
  let kind: ConfigKind | null = requested ?? null;
  try {
    if (!kind) {
      const detected = detectKind(clean, options.fileName);
      if (!detected.kind) return failed(null, detected.reason);
      kind = detected.kind;
    }
    return IMPORTERS[kind](clean);
  } catch (error) {
    // A bug here must not take the page down: report it as a failed import.
    const why = error instanceof Error ? error.message : String(error);
    return failed(kind, `The import failed unexpectedly (${why.slice(0, 120)}); nothing was read.`);
  }
}

export interface ImportFile {
  text: string;
  fileName?: string;
  kind?: ConfigKind;
}

export interface FileImport extends ImportResult {
  fileName?: string;
}

/** Where a value of the merged input came from. */
export interface Source {
  /** Index into `files`. */
  file: number;
  fileName?: string;
  kind: ConfigKind;
  key: string;
  line: number;
  value: unknown;
}

export interface MergedImport {
  input: ScenarioInput;
  files: FileImport[];
  /** Scenario key path -> the file, key and line that set it. */
  sources: Record<string, Source>;
  /** Which file's setting won where two set the same thing. */
  notes: string[];
}

/**
 * Live values and command lines win over files, as in the tools: gunicorn's command line and
 * GUNICORN_CMD_ARGS over gunicorn.conf.py (but WEB_CONCURRENCY under it), SHOW output (the
 * running server) over postgresql.conf and pgbouncer.ini. Within a kind the later file wins.
 */
const KIND_RANK: Record<ConfigKind, number> = {
  gunicorn: 10,
  'gunicorn-cli': 20,
  sqlalchemy: 10,
  pgbouncer: 10,
  'postgresql-conf': 10,
  'show-output': 30,
};

export function label(file: { fileName?: string; kind: ConfigKind | null }): string {
  if (file.fileName) return file.fileName;
  switch (file.kind) {
    case 'gunicorn-cli':
      return 'the command line';
    case 'show-output':
      return 'the SHOW output';
    default:
      return file.kind ? `the ${file.kind} text` : 'the text';
  }
}

/** Reads several files into one scenario input, on top of `base`. */
export function importConfigs(files: ImportFile[], base: ScenarioInput = {}): MergedImport {
  const input = structuredClone(base) as Record<string, unknown>;
  const results: FileImport[] = [];
  const sources: Record<string, Source & { rank: number }> = {};
  const notes: string[] = [];
  files.forEach((file, index) => {
    if (index >= MAX_FILES) {
      if (index === MAX_FILES) notes.push(`only the first ${MAX_FILES} files are read`);
      return;
    }
    const options: ImportOptions = {};
    if (file.kind) options.kind = file.kind;
    if (file.fileName) options.fileName = file.fileName;
    const result: FileImport = importConfig(file.text, options);
    if (file.fileName) result.fileName = file.fileName;
    results.push(result);
    const kind = result.kind;
    if (!kind) return;
    if (typeof result.input.pgbouncer === 'object' && result.input.pgbouncer !== null) {
      if (typeof input.pgbouncer !== 'object' || input.pgbouncer === null) input.pgbouncer = {};
    }
    for (const item of result.recognised) {
      const rank = KIND_RANK[kind] + rankOf(item);
      const here = `${item.key} (${label(result)} line ${item.line})`;
      const previous = sources[item.path];
      if (previous && previous.rank > rank) {
        notes.push(
          `${item.path}: ${previous.key} (${label({ fileName: previous.fileName, kind: previous.kind })} line ${previous.line}) takes precedence over ${here}`,
        );
        continue;
      }
      if (previous && previous.value !== item.value) {
        notes.push(
          `${item.path}: ${here} replaces ${previous.key} = ${show(previous.value)} (${label({ fileName: previous.fileName, kind: previous.kind })} line ${previous.line})`,
        );
      }
      sources[item.path] = {
        file: index,
        kind,
        key: item.key,
        line: item.line,
        value: item.value,
        rank,
        ...(file.fileName ? { fileName: file.fileName } : {}),
      };
      setPath(input, item.path, item.value);
    }
  });
  const plain: Record<string, Source> = {};
  for (const [path, { rank: _rank, ...source }] of Object.entries(sources)) plain[path] = source;
  return { input: input as ScenarioInput, files: results, sources: plain, notes };
}

export interface ScenarioImport {
  /** True when the scenario is valid (values it refused were taken out and listed). */
  ok: boolean;
  scenario: Scenario | null;
  /** The merged input, without the values the scenario refused. */
  input: ScenarioInput;
  files: FileImport[];
  /** Each value taken out, e.g. `max_connections = 200000 in postgresql.conf line 12: out of range 1..10000`. */
  rejected: string[];
  /** Which file won where two disagreed, and parseScenario's notes. */
  notes: string[];
  /** What still makes the scenario invalid (a problem of `base`, not of the files). */
  errors: string[];
}

/** Cross-field checks name one path; the culprit may be the other. */
const RELATED: Record<string, string[]> = {
  'postgres.superuser_reserved_connections': ['postgres.max_connections'],
  'app.workers': ['app.servers'],
};

function why(error: ScenarioError, path: string): string {
  const row = FIELD_BY_PATH.get(error.path);
  const value = error.value;
  let plain = error.message.startsWith(`${error.path}: `)
    ? error.message.slice(error.path.length + 2)
    : error.message;
  if (plain.startsWith(`${show(value)} is `)) plain = plain.slice(show(value).length + 4);
  if (path !== error.path) return `conflicts with ${error.path} = ${show(value)}: ${plain}`;
  if (row && typeof value === 'number' && (row.type === 'int' || row.type === 'number')) {
    if (row.type === 'int' && !Number.isInteger(value)) {
      return `not a whole number (allowed: integers ${row.min}..${row.max})`;
    }
    if (row.min !== undefined && row.max !== undefined && (value < row.min || value > row.max)) {
      return plain.includes('(') ? plain : `out of range ${row.min}..${row.max}`;
    }
  }
  if (row?.type === 'enum') return `not one of ${(row.options ?? []).join(' | ')}`;
  return plain;
}

/**
 * Imports the files and validates the result with parseScenario. A value the scenario refuses
 * (out of range, not a whole number) is taken out and listed as ignored in its file, naming
 * the key as written, the value and the allowed range; the rest still makes a scenario.
 */
export function importToScenario(files: ImportFile[], base: ScenarioInput = {}): ScenarioImport {
  const merged = importConfigs(files, base);
  const input = merged.input as Record<string, unknown>;
  const refused: { file: number; line: number; message: string }[] = [];
  const rejected = (): string[] =>
    refused.sort((a, b) => a.file - b.file || a.line - b.line).map((r) => r.message);
  const dropped = new Set<string>();
  for (let round = 0; round < 64; round++) {
    const parsed = parseScenario(input);
    if (parsed.ok) {
      return {
        ok: true,
        scenario: parsed.scenario,
        input,
        files: merged.files,
        rejected: rejected(),
        notes: [...merged.notes, ...parsed.notes],
        errors: [],
      };
    }
    let progress = false;
    for (const error of parsed.errors) {
      const path = [error.path, ...(RELATED[error.path] ?? [])].find(
        (p) => merged.sources[p] && !dropped.has(p),
      );
      const source = path ? merged.sources[path] : undefined;
      if (!path || !source) continue;
      const reason = why(error, path);
      const file = merged.files[source.file];
      refused.push({
        file: source.file,
        line: source.line,
        message: `${source.key} = ${show(source.value)} in ${label({ fileName: source.fileName, kind: source.kind })} line ${source.line}: ${reason}`,
      });
      if (file) moveToIgnored(file, path, reason);
      const fallback = getPath(base, path);
      if (fallback === undefined) deletePath(input, path);
      else setPath(input, path, fallback);
      dropped.add(path);
      progress = true;
    }
    if (!progress) {
      return {
        ok: false,
        scenario: null,
        input,
        files: merged.files,
        rejected: rejected(),
        notes: merged.notes,
        errors: parsed.errors.map((e) => e.message),
      };
    }
  }
  return {
    ok: false,
    scenario: null,
    input,
    files: merged.files,
    rejected: rejected(),
    notes: merged.notes,
    errors: ['too many invalid values'],
  };
}

function moveToIgnored(file: FileImport, path: string, reason: string): void {
  const at = file.recognised.findIndex((r: Recognised) => r.path === path);
  const item = file.recognised[at];
  if (!item) return;
  file.recognised.splice(at, 1);
  file.ignored.push({ key: item.key, line: item.line, reason, value: item.value });
  file.ignored.sort((a, b) => a.line - b.line);
  deletePath(file.input as Record<string, unknown>, path);
}
