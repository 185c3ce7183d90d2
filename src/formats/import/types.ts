// What an importer hands back: plain data only (never HTML), so the Lab page can
// list it as text and the CLI can print it as JSON.
import type { ScenarioInput } from '../../scenario/types';

export type ConfigKind =
  | 'gunicorn' // gunicorn.conf.py
  | 'gunicorn-cli' // a gunicorn command line (shell, Procfile, Dockerfile CMD, GUNICORN_CMD_ARGS)
  | 'sqlalchemy' // SQLALCHEMY_ENGINE_OPTIONS, create_engine(...), SQLAlchemy(engine_options=...)
  | 'pgbouncer' // pgbouncer.ini
  | 'postgresql-conf' // postgresql.conf lines, ALTER SYSTEM SET
  | 'show-output'; // psql output of SHOW max_connections; / PgBouncer SHOW CONFIG;

export const CONFIG_KINDS: readonly ConfigKind[] = [
  'gunicorn',
  'gunicorn-cli',
  'sqlalchemy',
  'pgbouncer',
  'postgresql-conf',
  'show-output',
];

/** A setting the model knows, read from the file. */
export interface Recognised {
  /** The key as written in the file: `workers`, `-w`, `pool_size`, `mydb: pool_size`. */
  key: string;
  /** Scenario key path, e.g. `app.workers` (see src/scenario/fields.ts). */
  path: string;
  /** The value set at that path. */
  value: unknown;
  /** 1-based line in the file. */
  line: number;
  /** How it was read, when that is worth saying (an environment default, a folded `60 * 60`). */
  note?: string;
}

/** Something in the file that the import did not use, and why. */
export interface Ignored {
  key: string;
  line: number;
  reason: string;
  /** The value, when it matters to the reason (out of range, wrong type). */
  value?: unknown;
}

export interface ImportMessage {
  message: string;
  line?: number;
}

export interface ImportResult {
  /** What the text was read as; null when it was refused or could not be told. */
  kind: ConfigKind | null;
  /** Only what was recognised; validate it with parseScenario (or use importToScenario). */
  input: ScenarioInput;
  recognised: Recognised[];
  ignored: Ignored[];
  /** Things the reader should know that are neither recognised nor ignored settings. */
  notes: ImportMessage[];
  /** Why the text, or part of it, could not be read. Never thrown. */
  errors: ImportMessage[];
}

export interface ImportOptions {
  kind?: ConfigKind;
  fileName?: string;
}
