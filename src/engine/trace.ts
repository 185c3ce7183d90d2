// The trace: a bounded list of typed state changes, recorded only when asked for. From it
// replay.ts rebuilds the state at any instant (processes and their FD tables, pools,
// PgBouncer, PostgreSQL backends, requests in flight) for play, pause, step and scrub.
// Storage is parallel typed arrays, so a trace crosses a Worker boundary cheaply.

/** Trace event types. Fields a..d are given beside each. */
export const TT = {
  PROC_START: 1, // a proc, b parent (-1 for a master), c server, d role (0 master, 1 worker)
  PROC_READY: 2, // a proc
  PROC_EXIT: 3, // a proc, b 0 graceful exit (max_requests) / 1 killed (timeout)
  SOCK_OPEN: 4, // a socket, b proc, c peer (0 PostgreSQL backend, 1 PgBouncer client), d peer id
  FD_INHERIT: 5, // a socket, b proc: fork copied the descriptor
  FD_CLOSE: 6, // a socket, b proc
  SOCK_DEAD: 7, // a socket, b cause (see SOCK_CAUSES)
  CONN_NEW: 8, // a conn, b proc, c socket, d 1 checked out / 0 idle
  CONN_OUT: 9, // a conn, b proc, c request
  CONN_IN: 10, // a conn, b proc
  CONN_DROP: 11, // a conn, b proc
  CONN_SOCK: 12, // a conn, b socket (reconnected in place)
  WAIT_START: 13, // a request, b proc, d deadline (µs)
  WAIT_END: 14, // a request, b proc
  REQ_ARRIVE: 15, // a request, b server
  REQ_ASSIGN: 16, // a request, b proc, c thread
  REQ_PHASE: 17, // a request, b phase (see PHASES)
  REQ_END: 18, // a request, b outcome (-1 ok, else error kind index)
  BE_START: 19, // a backend, b kind (0 app, 1 pgbouncer server, 2 other client)
  BE_END: 20, // a backend
  BE_BUSY: 21, // a backend, b 1 running a query / 0 done
  PGB_CLIENT: 22, // a client, b 1 open / 0 closed
  PGB_SERVER: 23, // a server, b 1 open / 0 closed, c backend
  PGB_LINK: 24, // a client, b server (-1: unlinked)
  PGB_WAIT: 25, // a client, b 1 waiting / 0 done
  PG_UP: 26, // a 1 up / 0 down
  PGB_UP: 27, // a 1 up / 0 down
  POOL_DISPOSE: 28, // a proc, b 0 close=False / 1 close=True
  CONN_HELD: 29, // a conn, b proc: checked out, held by a failed request's traceback until collected
} as const;

export const TT_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(TT).map(([name, code]) => [code, name.toLowerCase()]),
);

export const SOCK_CAUSES = [
  'open',
  'closed',
  'terminated',
  'restart',
  'pgbouncer_restart',
  'desync',
  'tls',
  'idle_drop',
  'query_wait_timeout',
  'exit',
] as const;
export const CAUSE = {
  closed: 1,
  terminated: 2,
  restart: 3,
  pgbouncerRestart: 4,
  desync: 5,
  tls: 6,
  idleDrop: 7,
  queryWaitTimeout: 8,
  exit: 9,
} as const;

export const PHASES = [
  'queued',
  'app',
  'checkout',
  'pool_wait',
  'connect',
  'ping',
  'query',
  'pgbouncer_wait',
  'return',
] as const;
export const PH = {
  queued: 0,
  app: 1,
  checkout: 2,
  poolWait: 3,
  connect: 4,
  ping: 5,
  query: 6,
  pgbWait: 7,
  returning: 8,
} as const;

/** A recorded trace: plain data (typed arrays), structured-cloneable. */
export interface Trace {
  length: number;
  truncated: boolean;
  endUs: number;
  hash: string;
  t: Float64Array;
  type: Uint8Array;
  a: Int32Array;
  b: Int32Array;
  c: Int32Array;
  d: Float64Array;
  /** Snapshots every `checkpointEvery` events, built after the run (replay.ts). */
  checkpointEvery: number;
  checkpoints: unknown[];
}

export class TraceWriter {
  length = 0;
  truncated = false;
  t: Float64Array;
  type: Uint8Array;
  a: Int32Array;
  b: Int32Array;
  c: Int32Array;
  d: Float64Array;

  constructor(
    private readonly now: () => number,
    readonly maxEvents: number,
  ) {
    const n = Math.min(maxEvents, 4096);
    this.t = new Float64Array(n);
    this.type = new Uint8Array(n);
    this.a = new Int32Array(n);
    this.b = new Int32Array(n);
    this.c = new Int32Array(n);
    this.d = new Float64Array(n);
  }

  emit(type: number, a: number, b = 0, c = 0, d = 0): void {
    if (this.length >= this.maxEvents) {
      this.truncated = true;
      return;
    }
    if (this.length === this.t.length) this.grow();
    const i = this.length++;
    this.t[i] = this.now();
    this.type[i] = type;
    this.a[i] = a;
    this.b[i] = b;
    this.c[i] = c;
    this.d[i] = d;
  }

  private grow(): void {
    const n = Math.min(this.t.length * 2, this.maxEvents);
    const f = (x: Float64Array): Float64Array => {
      const y = new Float64Array(n);
      y.set(x);
      return y;
    };
    const i = (x: Int32Array): Int32Array => {
      const y = new Int32Array(n);
      y.set(x);
      return y;
    };
    this.t = f(this.t);
    this.d = f(this.d);
    this.a = i(this.a);
    this.b = i(this.b);
    this.c = i(this.c);
    const ty = new Uint8Array(n);
    ty.set(this.type);
    this.type = ty;
  }

  finish(endUs: number, hash: string): Trace {
    const n = this.length;
    return {
      length: n,
      truncated: this.truncated,
      endUs,
      hash,
      t: this.t.slice(0, n),
      type: this.type.slice(0, n),
      a: this.a.slice(0, n),
      b: this.b.slice(0, n),
      c: this.c.slice(0, n),
      d: this.d.slice(0, n),
      checkpointEvery: 0,
      checkpoints: [],
    };
  }
}
