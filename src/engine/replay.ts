// Rebuilding the state at any instant from a trace, for play, pause, step and scrub.
// The state after n events is: the checkpoint at or before n, plus the events after it,
// applied by the one reducer below. So the state at t is the same whether it is reached
// going forward or backward, and scrubbing costs at most `checkpointEvery` events.
// Widgets draw these snapshots; they never compute pool behaviour themselves.
import { ERROR_KINDS } from './errors';
import { PHASES, SOCK_CAUSES, TT, TT_NAMES, type Trace } from './trace';

export interface ProcSnapshot {
  id: number;
  pid: number;
  server: number;
  role: 'master' | 'worker';
  parent: number;
  alive: boolean;
  ready: boolean;
  exit: null | 'graceful' | 'killed';
  /** Socket ids in this process's FD table (fork copies them). */
  fds: number[];
  pool: {
    idle: number[];
    checked_out: { conn: number; request: number }[];
    waiting: { request: number; deadline_us: number }[];
  };
  disposed: null | 'close_false' | 'close_true';
}
export interface SocketSnapshot {
  id: number;
  opener: number;
  peer: 'postgres' | 'pgbouncer';
  peer_id: number;
  alive: boolean;
  cause: string;
  /** Processes whose FD table points at this socket. */
  holders: number[];
}
export interface ConnSnapshot {
  id: number;
  proc: number;
  socket: number;
  state: 'idle' | 'checked_out';
  request: number;
}
export interface RequestSnapshot {
  id: number;
  server: number;
  proc: number;
  thread: number;
  phase: string;
  arrived_us: number;
}
export interface BackendSnapshot {
  id: number;
  kind: 'app' | 'pgbouncer' | 'other';
  busy: boolean;
}
export interface Snapshot {
  t_us: number;
  /** Events applied (the state is after event index events - 1). */
  events: number;
  processes: ProcSnapshot[];
  sockets: SocketSnapshot[];
  connections: ConnSnapshot[];
  requests: RequestSnapshot[];
  postgres: { up: boolean; backends: BackendSnapshot[] };
  pgbouncer: null | {
    up: boolean;
    clients: { id: number; server: number }[];
    servers: { id: number; backend: number; client: number }[];
    waiting: number[];
  };
  totals: { ok: number; failed: number; errors: Record<string, number> };
}

/** One trace event, decoded for an event list ("step one event"). */
export interface TraceEvent {
  index: number;
  t_us: number;
  type: string;
  a: number;
  b: number;
  c: number;
  d: number;
}

const BE_KINDS = ['app', 'pgbouncer', 'other'] as const;

function empty(): Snapshot {
  return {
    t_us: 0,
    events: 0,
    processes: [],
    sockets: [],
    connections: [],
    requests: [],
    postgres: { up: true, backends: [] },
    pgbouncer: null,
    totals: { ok: 0, failed: 0, errors: Object.fromEntries(ERROR_KINDS.map((k) => [k, 0])) },
  };
}

/** The reducer's working form: maps by id (insertion order = creation order). */
interface State {
  t: number;
  n: number;
  procs: Map<number, ProcSnapshot>;
  socks: Map<number, SocketSnapshot>;
  conns: Map<number, ConnSnapshot>;
  reqs: Map<number, RequestSnapshot>;
  backends: Map<number, BackendSnapshot>;
  pgUp: boolean;
  pgb: null | {
    up: boolean;
    clients: Map<number, { id: number; server: number }>;
    servers: Map<number, { id: number; backend: number; client: number }>;
    waiting: number[];
  };
  waits: Map<number, { proc: number; deadline: number }>;
  totals: Snapshot['totals'];
}

function toState(s: Snapshot): State {
  const byId = <T extends { id: number }>(xs: T[], clone: (x: T) => T): Map<number, T> =>
    new Map(xs.map((x) => [x.id, clone(x)]));
  const waits = new Map<number, { proc: number; deadline: number }>();
  for (const p of s.processes)
    for (const wt of p.pool.waiting)
      waits.set(wt.request, { proc: p.id, deadline: wt.deadline_us });
  return {
    t: s.t_us,
    n: s.events,
    procs: byId(s.processes, (p) => ({
      ...p,
      fds: [...p.fds],
      pool: { idle: [], checked_out: [], waiting: [] },
    })),
    socks: byId(s.sockets, (x) => ({ ...x, holders: [...x.holders] })),
    conns: byId(s.connections, (x) => ({ ...x })),
    reqs: byId(s.requests, (x) => ({ ...x })),
    backends: byId(s.postgres.backends, (x) => ({ ...x })),
    pgUp: s.postgres.up,
    pgb: s.pgbouncer
      ? {
          up: s.pgbouncer.up,
          clients: byId(s.pgbouncer.clients, (x) => ({ ...x })),
          servers: byId(s.pgbouncer.servers, (x) => ({ ...x })),
          waiting: [...s.pgbouncer.waiting],
        }
      : null,
    waits,
    totals: { ok: s.totals.ok, failed: s.totals.failed, errors: { ...s.totals.errors } },
  };
}

function toSnapshot(st: State): Snapshot {
  const procs = [...st.procs.values()].map((p) => ({
    ...p,
    fds: [...p.fds],
    pool: {
      idle: [] as number[],
      checked_out: [] as { conn: number; request: number }[],
      waiting: [] as { request: number; deadline_us: number }[],
    },
  }));
  const byProc = new Map(procs.map((p) => [p.id, p]));
  for (const c of st.conns.values()) {
    const p = byProc.get(c.proc);
    if (!p) continue;
    if (c.state === 'idle') p.pool.idle.push(c.id);
    else p.pool.checked_out.push({ conn: c.id, request: c.request });
  }
  for (const [request, wt] of st.waits)
    byProc.get(wt.proc)?.pool.waiting.push({ request, deadline_us: wt.deadline });
  return {
    t_us: st.t,
    events: st.n,
    processes: procs,
    sockets: [...st.socks.values()].map((x) => ({ ...x, holders: [...x.holders] })),
    connections: [...st.conns.values()].map((x) => ({ ...x })),
    requests: [...st.reqs.values()].map((x) => ({ ...x })),
    postgres: { up: st.pgUp, backends: [...st.backends.values()].map((x) => ({ ...x })) },
    pgbouncer: st.pgb
      ? {
          up: st.pgb.up,
          clients: [...st.pgb.clients.values()].map((x) => ({ ...x })),
          servers: [...st.pgb.servers.values()].map((x) => ({ ...x })),
          waiting: [...st.pgb.waiting],
        }
      : null,
    totals: { ok: st.totals.ok, failed: st.totals.failed, errors: { ...st.totals.errors } },
  };
}

const remove = (xs: number[], x: number): void => {
  const i = xs.indexOf(x);
  if (i >= 0) xs.splice(i, 1);
};

function pgbOf(st: State): NonNullable<State['pgb']> {
  if (!st.pgb) st.pgb = { up: true, clients: new Map(), servers: new Map(), waiting: [] };
  return st.pgb;
}

/** Apply trace event i to the state. */
function apply(st: State, tr: Trace, i: number): void {
  const a = tr.a[i]!;
  const b = tr.b[i]!;
  const c = tr.c[i]!;
  const d = tr.d[i]!;
  st.t = tr.t[i]!;
  st.n = i + 1;
  switch (tr.type[i]) {
    case TT.PROC_START:
      st.procs.set(a, {
        id: a,
        pid: 1000 + a,
        server: c,
        role: d === 0 ? 'master' : 'worker',
        parent: b,
        alive: true,
        ready: d === 0,
        exit: null,
        fds: [],
        pool: { idle: [], checked_out: [], waiting: [] },
        disposed: null,
      });
      break;
    case TT.PROC_READY: {
      const p = st.procs.get(a);
      if (p) p.ready = true;
      break;
    }
    case TT.PROC_EXIT: {
      const p = st.procs.get(a);
      if (p) {
        p.alive = false;
        p.exit = b === 1 ? 'killed' : 'graceful';
      }
      for (const [id, conn] of st.conns) if (conn.proc === a) st.conns.delete(id);
      break;
    }
    case TT.SOCK_OPEN:
      st.socks.set(a, {
        id: a,
        opener: b,
        peer: c === 0 ? 'postgres' : 'pgbouncer',
        peer_id: d,
        alive: true,
        cause: 'open',
        holders: [b],
      });
      st.procs.get(b)?.fds.push(a);
      break;
    case TT.FD_INHERIT:
      st.socks.get(a)?.holders.push(b);
      st.procs.get(b)?.fds.push(a);
      break;
    case TT.FD_CLOSE: {
      const s = st.socks.get(a);
      if (s) {
        remove(s.holders, b);
        if (s.holders.length === 0) st.socks.delete(a);
      }
      const p = st.procs.get(b);
      if (p) remove(p.fds, a);
      break;
    }
    case TT.SOCK_DEAD: {
      const s = st.socks.get(a);
      if (s) {
        s.alive = false;
        s.cause = SOCK_CAUSES[b] ?? String(b);
      }
      break;
    }
    case TT.CONN_NEW:
      st.conns.set(a, {
        id: a,
        proc: b,
        socket: c,
        state: d === 1 ? 'checked_out' : 'idle',
        request: -1,
      });
      break;
    case TT.CONN_OUT: {
      const x = st.conns.get(a);
      if (x) {
        x.state = 'checked_out';
        x.request = c;
      }
      break;
    }
    case TT.CONN_IN: {
      const x = st.conns.get(a);
      if (x) {
        st.conns.delete(a);
        st.conns.set(a, { ...x, state: 'idle', request: -1 });
      }
      break;
    }
    case TT.CONN_HELD: {
      // Still checked out, but no request holds it any more (queue-pool.ts holdUntilCollected).
      const x = st.conns.get(a);
      if (x) x.request = -1;
      break;
    }
    case TT.CONN_DROP:
      st.conns.delete(a);
      break;
    case TT.CONN_SOCK: {
      const x = st.conns.get(a);
      if (x) x.socket = b;
      break;
    }
    case TT.POOL_DISPOSE: {
      const p = st.procs.get(a);
      if (p) p.disposed = b === 1 ? 'close_true' : 'close_false';
      break;
    }
    case TT.WAIT_START:
      st.waits.set(a, { proc: b, deadline: d });
      setPhase(st, a, 'pool_wait');
      break;
    case TT.WAIT_END:
      st.waits.delete(a);
      break;
    case TT.REQ_ARRIVE:
      st.reqs.set(a, { id: a, server: b, proc: -1, thread: -1, phase: 'queued', arrived_us: st.t });
      break;
    case TT.REQ_ASSIGN: {
      const r = st.reqs.get(a);
      if (r) {
        r.proc = b;
        r.thread = c;
        r.phase = 'app';
      }
      break;
    }
    case TT.REQ_PHASE:
      setPhase(st, a, PHASES[b] ?? String(b));
      break;
    case TT.REQ_END:
      st.reqs.delete(a);
      st.waits.delete(a);
      if (b < 0) st.totals.ok++;
      else {
        st.totals.failed++;
        const k = ERROR_KINDS[b];
        if (k) st.totals.errors[k] = (st.totals.errors[k] ?? 0) + 1;
      }
      break;
    case TT.BE_START:
      st.backends.set(a, { id: a, kind: BE_KINDS[b] ?? 'app', busy: false });
      break;
    case TT.BE_END:
      st.backends.delete(a);
      break;
    case TT.BE_BUSY: {
      const x = st.backends.get(a);
      if (x) x.busy = b === 1;
      break;
    }
    case TT.PGB_CLIENT:
      if (b === 1) pgbOf(st).clients.set(a, { id: a, server: -1 });
      else {
        pgbOf(st).clients.delete(a);
        remove(pgbOf(st).waiting, a);
      }
      break;
    case TT.PGB_SERVER:
      if (b === 1) pgbOf(st).servers.set(a, { id: a, backend: c, client: -1 });
      else pgbOf(st).servers.delete(a);
      break;
    case TT.PGB_LINK: {
      const pgb = pgbOf(st);
      const client = pgb.clients.get(a);
      if (client) {
        const old = pgb.servers.get(client.server);
        if (old) old.client = -1;
        client.server = b;
      }
      const server = pgb.servers.get(b);
      if (server) server.client = a;
      break;
    }
    case TT.PGB_WAIT:
      if (b === 1) pgbOf(st).waiting.push(a);
      else remove(pgbOf(st).waiting, a);
      break;
    case TT.PG_UP:
      st.pgUp = a === 1;
      break;
    case TT.PGB_UP:
      pgbOf(st).up = a === 1;
      break;
  }
}

function setPhase(st: State, request: number, phase: string): void {
  const r = st.reqs.get(request);
  if (r) r.phase = phase;
}

export const CHECKPOINT_EVERY = 2048;

/** Snapshots every CHECKPOINT_EVERY events (called once when the run ends). */
export function buildCheckpoints(trace: Trace, every = CHECKPOINT_EVERY): void {
  const cps: Snapshot[] = [empty()];
  const st = toState(cps[0]!);
  for (let i = 0; i < trace.length; i++) {
    apply(st, trace, i);
    if ((i + 1) % every === 0) cps.push(toSnapshot(st));
  }
  trace.checkpointEvery = every;
  trace.checkpoints = cps;
}

/** The state after the first `n` events of the trace. */
export function stateAfterEvents(trace: Trace, n: number): Snapshot {
  const count = Math.max(0, Math.min(n, trace.length));
  if (!trace.checkpoints.length) buildCheckpoints(trace);
  const every = trace.checkpointEvery;
  const k = Math.min(Math.floor(count / every), trace.checkpoints.length - 1);
  const st = toState(trace.checkpoints[k] as Snapshot);
  for (let i = k * every; i < count; i++) apply(st, trace, i);
  return toSnapshot(st);
}

/** Number of events at or before time tUs (binary search). */
export function eventCountAt(trace: Trace, tUs: number): number {
  let lo = 0;
  let hi = trace.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (trace.t[mid]! <= tUs) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The state at virtual time tUs: after every event at or before it. */
export function stateAt(trace: Trace, tUs: number): Snapshot {
  const s = stateAfterEvents(trace, eventCountAt(trace, tUs));
  s.t_us = tUs;
  return s;
}

/** Decoded events [start, start + count) for an event list. */
export function traceEvents(trace: Trace, start: number, count: number): TraceEvent[] {
  const out: TraceEvent[] = [];
  const end = Math.min(trace.length, start + count);
  for (let i = Math.max(0, start); i < end; i++) {
    out.push({
      index: i,
      t_us: trace.t[i]!,
      type: TT_NAMES[trace.type[i]!] ?? '?',
      a: trace.a[i]!,
      b: trace.b[i]!,
      c: trace.c[i]!,
      d: trace.d[i]!,
    });
  }
  return out;
}
