// The bookkeeping every importer shares: which scenario paths a file sets, from
// which key and line, what it ignored and why, with every list bounded so that a
// hostile file cannot make the report itself huge.
import type { ScenarioInput } from '../../scenario/types';
import type { ConfigKind, Ignored, ImportMessage, ImportResult, Recognised } from './types';

/** At most this many ignored items, notes and errors are listed; the rest are counted. */
export const MAX_LISTED = 200;
const MAX_ERRORS = 20;
const MAX_KEY = 80;

/** A value for a message: strings quoted and cut short, nothing that could be markup-rendered. */
export function show(value: unknown): string {
  if (typeof value === 'string') {
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  }
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) {
    return String(value);
  }
  return typeof value;
}

export function cut(text: string, max = MAX_KEY): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** Maps a character offset to its 1-based line. */
export function lineIndex(text: string): (pos: number) => number {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return (pos) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] ?? 0) <= pos) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}

/** Splits text into lines the way editors number them (\n, \r\n or \r). */
export function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

interface Entry {
  item: Recognised;
  rank: number;
}

/** The rank each recognised item was set with, for merging several files (see index.ts). */
const RANKS = new WeakMap<Recognised, number>();

export function rankOf(item: Recognised): number {
  return RANKS.get(item) ?? 0;
}

export interface SetOptions {
  note?: string;
  /**
   * Higher ranks win whatever the order, as the tools do: a per-database pool_size over
   * default_pool_size, ALTER SYSTEM (postgresql.auto.conf) over postgresql.conf.
   */
  rank?: number;
}

export class Collector {
  private readonly byPath = new Map<string, Entry>();
  private readonly ignoredItems: Ignored[] = [];
  private readonly noteItems: ImportMessage[] = [];
  private readonly errorItems: ImportMessage[] = [];
  private readonly sections = new Set<'pgbouncer'>();
  private unlisted = 0;

  /** Record that `key` on `line` sets `path` to `value`; a later setting of the same rank replaces it. */
  set(path: string, key: string, value: unknown, line: number, options: SetOptions = {}): void {
    const rank = options.rank ?? 0;
    const item: Recognised = { key: cut(key), path, value, line };
    if (options.note) item.note = options.note;
    const previous = this.byPath.get(path);
    if (previous && previous.rank > rank) {
      this.ignore(key, line, `${previous.item.key} on line ${previous.item.line} takes precedence`);
      return;
    }
    if (previous) {
      this.ignore(
        previous.item.key,
        previous.item.line,
        `set again by ${item.key} on line ${line}: the last one counts`,
      );
    }
    this.byPath.delete(path); // keep file order: re-insert at the end
    this.byPath.set(path, { item, rank });
    RANKS.set(item, rank);
  }

  has(path: string): boolean {
    return this.byPath.has(path);
  }

  get(path: string): Recognised | undefined {
    return this.byPath.get(path)?.item;
  }

  /** Forget a recognised value, listing it as ignored with the reason. */
  drop(path: string, reason: string): void {
    const entry = this.byPath.get(path);
    if (!entry) return;
    this.byPath.delete(path);
    this.ignore(entry.item.key, entry.item.line, reason, entry.item.value);
  }

  /** The file configures PgBouncer even if it sets nothing the model knows. */
  usePgBouncer(): void {
    this.sections.add('pgbouncer');
  }

  ignore(key: string, line: number, reason: string, value?: unknown): void {
    if (this.ignoredItems.length >= MAX_LISTED) {
      this.unlisted++;
      return;
    }
    const item: Ignored = { key: cut(key), line, reason };
    if (value !== undefined) item.value = typeof value === 'string' ? cut(value) : value;
    this.ignoredItems.push(item);
  }

  note(message: string, line?: number): void {
    if (this.noteItems.length >= MAX_LISTED) return;
    this.noteItems.push(line === undefined ? { message } : { message, line });
  }

  error(message: string, line?: number): void {
    if (this.errorItems.length >= MAX_ERRORS) return;
    this.errorItems.push(line === undefined ? { message } : { message, line });
  }

  get recognisedCount(): number {
    return this.byPath.size;
  }

  get errorCount(): number {
    return this.errorItems.length;
  }

  result(kind: ConfigKind | null): ImportResult {
    const input: Record<string, unknown> = {};
    if (this.sections.has('pgbouncer')) input.pgbouncer = {};
    const recognised: Recognised[] = [];
    for (const { item } of this.byPath.values()) {
      setPath(input, item.path, item.value);
      recognised.push(item);
    }
    recognised.sort((a, b) => a.line - b.line);
    const ignored = [...this.ignoredItems].sort((a, b) => a.line - b.line);
    const notes = [...this.noteItems];
    if (this.unlisted > 0) {
      notes.push({ message: `${this.unlisted} more ignored items not listed` });
    }
    return {
      kind,
      input: input as ScenarioInput,
      recognised,
      ignored,
      notes,
      errors: [...this.errorItems],
    };
  }
}

/** Sets `a.b.c` in a plain object, creating the objects on the way. */
export function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = target;
  for (let i = 0; i < parts.length - 1; i++) {
    const part = parts[i] as string;
    const next = node[part];
    if (typeof next === 'object' && next !== null && !Array.isArray(next)) {
      node = next as Record<string, unknown>;
    } else {
      const created: Record<string, unknown> = {};
      node[part] = created;
      node = created;
    }
  }
  node[parts[parts.length - 1] as string] = value;
}

/** Reads `a.b.c` from a plain object. */
export function getPath(source: unknown, path: string): unknown {
  let node = source;
  for (const part of path.split('.')) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

/** Removes `a.b.c`, and the objects it leaves empty (but never `pgbouncer`, whose presence matters). */
export function deletePath(target: Record<string, unknown>, path: string): void {
  const parts = path.split('.');
  const chain: Record<string, unknown>[] = [target];
  let node: unknown = target;
  for (const part of parts.slice(0, -1)) {
    node = (node as Record<string, unknown>)[part];
    if (typeof node !== 'object' || node === null) return;
    chain.push(node as Record<string, unknown>);
  }
  delete (chain[chain.length - 1] as Record<string, unknown>)[parts[parts.length - 1] as string];
  for (let i = chain.length - 1; i > 0; i--) {
    const parent = chain[i - 1] as Record<string, unknown>;
    const key = parts[i - 1] as string;
    if (key === 'pgbouncer' && i === 1) break;
    if (Object.keys(chain[i] as object).length === 0) delete parent[key];
  }
}
