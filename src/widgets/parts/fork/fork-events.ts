// The ForkExplorer's reading of the trace around one instant: the fork-related
// events before it (fork, FD copied or closed, pool disposed, socket dead,
// failed requests with the engine's error text), the FD table copies still
// "in flight" for the animation, and the moment to start on. Pure: no DOM.
import { ERROR_KINDS, eventCountAt, SOCK_CAUSES, TT, type Trace } from '../../../engine/index';

export interface ForkEventLine {
  index: number;
  tUs: number;
  text: string;
  error: boolean;
}

const pid = (proc: number) => 1000 + proc; // the engine's pid for a process id (replay.ts)

/** How far back the event list looks, in events (a bounded scan per frame). */
const SCAN = 6000;

/**
 * The last `limit` fork-related events at or before `tUs`, oldest first. Failed
 * requests carry the real error text from the run's report (`samples`).
 */
export function recentForkEvents(
  trace: Trace,
  tUs: number,
  samples: Partial<Record<string, string>>,
  limit = 8,
): ForkEventLine[] {
  const end = eventCountAt(trace, tUs);
  const lines: ForkEventLine[] = [];
  // requests -> the worker serving them, learned from REQ_ASSIGN while scanning back
  const pending: { line: ForkEventLine; request: number }[] = [];
  const served = new Map<number, number>();
  for (let i = end - 1; i >= Math.max(0, end - SCAN); i--) {
    const type = trace.type[i]!;
    const a = trace.a[i]!;
    const b = trace.b[i]!;
    if (type === TT.REQ_ASSIGN) served.set(a, b);
    if (lines.length >= limit) {
      if (pending.every((p) => served.has(p.request))) break;
      continue;
    }
    const line = describe(type, a, b, trace.c[i]!, trace.d[i]!, samples);
    if (!line) continue;
    const entry = { index: i, tUs: trace.t[i]!, text: line.text, error: line.error };
    lines.push(entry);
    if (type === TT.REQ_END) pending.push({ line: entry, request: a });
  }
  for (const { line, request } of pending) {
    const proc = served.get(request);
    if (proc !== undefined) line.text = `pid ${pid(proc)}: ${line.text}`;
  }
  return lines.reverse();
}

function describe(
  type: number,
  a: number,
  b: number,
  c: number,
  d: number,
  samples: Partial<Record<string, string>>,
): { text: string; error: boolean } | null {
  switch (type) {
    case TT.PROC_START:
      return b < 0
        ? { text: `master pid ${pid(a)} starts`, error: false }
        : { text: `fork: worker pid ${pid(a)} from pid ${pid(b)}`, error: false };
    case TT.PROC_EXIT:
      return {
        text: `worker pid ${pid(a)} exits (${b === 1 ? 'killed after timeout' : 'max_requests'})`,
        error: false,
      };
    case TT.SOCK_OPEN:
      return {
        text: `pid ${pid(b)} connects: socket ${a} to ${c === 0 ? 'PostgreSQL backend' : 'PgBouncer client'} ${d}`,
        error: false,
      };
    case TT.FD_INHERIT:
      return { text: `pid ${pid(b)} inherits socket ${a} (FD table copied)`, error: false };
    case TT.FD_CLOSE:
      return { text: `pid ${pid(b)} closes its descriptor of socket ${a}`, error: false };
    case TT.SOCK_DEAD:
      return { text: `socket ${a} ends: ${SOCK_CAUSES[b] ?? b}`, error: true };
    case TT.POOL_DISPOSE:
      return {
        text: `pid ${pid(a)}: engine.dispose(${b === 1 ? '' : 'close=False'}) (new empty pool)`,
        error: false,
      };
    case TT.REQ_END: {
      if (b < 0) return null;
      const kind = ERROR_KINDS[b] ?? 'error';
      return { text: `request ${a} failed: ${kind}: ${samples[kind] ?? ''}`.trim(), error: true };
    }
    default:
      return null;
  }
}

export interface FdCopy {
  socket: number;
  from: number;
  to: number;
  /** 0 at the fork, 1 when the copy has landed. */
  progress: number;
}

/** How long (virtual time) a copied FD row takes to travel from parent to child in the picture. */
export const COPY_US = 40_000;

/**
 * FD table copies under way at `tUs`: FD_INHERIT events less than `windowUs`
 * before it, with the parent read from the child's PROC_START.
 */
export function fdCopiesAt(trace: Trace, tUs: number, windowUs = COPY_US): FdCopy[] {
  const end = eventCountAt(trace, tUs);
  const start = eventCountAt(trace, tUs - windowUs);
  const copies: FdCopy[] = [];
  for (let i = start; i < end; i++) {
    if (trace.type[i] !== TT.FD_INHERIT) continue;
    const child = trace.b[i]!;
    copies.push({
      socket: trace.a[i]!,
      from: parentOf(trace, child, i),
      to: child,
      progress: Math.min(1, Math.max(0, (tUs - trace.t[i]!) / windowUs)),
    });
  }
  return copies;
}

function parentOf(trace: Trace, child: number, before: number): number {
  for (let i = before; i >= 0; i--)
    if (trace.type[i] === TT.PROC_START && trace.a[i] === child) return trace.b[i]!;
  return -1;
}

/**
 * Where the widget starts: just before the first failed request; else when
 * every worker of the first round has forked (and its post_fork hook has run).
 */
export function forkMoment(trace: Trace): number {
  let lastFork = 0;
  let reforking = false; // forks after a worker exit replace it: not the first round
  for (let i = 0; i < trace.length; i++) {
    const type = trace.type[i]!;
    if (type === TT.REQ_END && trace.b[i]! >= 0) return Math.max(0, trace.t[i]! - 1000);
    if (type === TT.PROC_EXIT) reforking = true;
    if (type === TT.PROC_START && trace.b[i]! >= 0 && !reforking) lastFork = trace.t[i]!;
  }
  return Math.min(trace.endUs, lastFork + COPY_US);
}

/**
 * Failed requests per bin over the whole run, read from the trace's REQ_END
 * events (finer than the report's series, so a burst under a second shows its
 * shape). Bin i covers [i, i + 1) × endUs / bins.
 */
export function failureBins(trace: Trace, bins = 100): number[] {
  const counts = new Array<number>(bins).fill(0);
  const width = Math.max(1, trace.endUs) / bins;
  for (let i = 0; i < trace.length; i++) {
    if (trace.type[i] !== TT.REQ_END || trace.b[i]! < 0) continue;
    counts[Math.min(bins - 1, Math.floor(trace.t[i]! / width))]!++;
  }
  return counts;
}
