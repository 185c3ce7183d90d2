// The state of one run: every modelled thing, plus the clock, the random generator, the
// metrics and the trace writer. Entities are small classes with fixed fields (one shape
// each, reused through free lists), so the hot loop allocates nothing per event.
import type { Scenario } from '../scenario/types';
import { effectivePool } from '../scenario/parse';
import { EventQueue } from './core';
import { Fifo } from './fifo';
import { Rng } from './random';
import { Metrics } from './metrics';
import type { TraceWriter } from './trace';

/** Event kinds. target/arg meanings are given beside each. */
export const K = {
  /** A request's next step is due. target: request slot, arg: request generation. */
  RESUME: 1,
  /** A pool's pool_timeout timer (for its oldest waiter). target: pool index. */
  POOL_TIMEOUT: 2,
  /** The next PostgreSQL query completion (processor sharing). arg: schedule generation. */
  PS_DONE: 3,
  /** A request arrives. target: virtual user (closed load) or 0. */
  ARRIVAL: 4,
  /** A fault starts (arg 0) or its server comes back up (arg 1). target: fault index. */
  FAULT: 5,
  /** The master forks a worker. target: server index. */
  FORK: 6,
  /** A worker has booted and runs its hooks. target: process id. */
  WORKER_READY: 7,
  /** The Gunicorn master's loop (murder_workers). target: server index. */
  MASTER_TICK: 8,
  /** PgBouncer's janitor: idle servers, min_pool_size, reserve pool. */
  PGB_TICK: 9,
  /** PgBouncer's query_wait_timeout timer (for its oldest waiting client). */
  PGB_WAIT_TIMEOUT: 10,
  /** A PgBouncer server connection finished its login. target: server slot, arg: generation. */
  PGB_SERVER_CONNECTED: 11,
  /** End of the run (duration_s). */
  END: 12,
} as const;

/** Steps of a request's program (see request.ts). */
export const S = {
  QUEUED: 0,
  START: 1,
  APP1: 2,
  CONNECTED: 3,
  PINGED: 4,
  QUERY_DONE: 5,
  APP2: 6,
  RETURNED: 7,
  GOT_CONN: 8,
  FAIL: 9,
  PGB_LINKED: 10,
  POOL_WAIT: 11,
  RUNNING: 12,
  DONE: 13,
  /** A failed request's error path (the exception, the 500 response) runs in Python. */
  ERROR_PATH: 14,
  /** session_scope "global": waiting for the Session to finish another thread's statement. */
  SESSION_WAIT: 15,
  /** ... and now its turn: run the query. */
  SESSION_GO: 16,
  /** session_scope "global": a commit or rollback waiting for another thread's commit of the same transaction to end. */
  TX_WAIT: 17,
  /** ... which this one closed first after all: its connection goes back. */
  TX_WON: 18,
  /** session_scope "global": the Python of a checkout for the Session (request.ts SESSION_CHECKOUT_US). */
  CHECKOUT_PY: 19,
} as const;

/** session_scope "global": the state of the worker's one Session transaction (session.ts). */
export const TX = { NONE: 0, ACTIVE: 1, PREPARED: 2 } as const;

export class Server {
  master!: Proc;
  workers: Proc[] = [];
  /** Connections no worker has accepted yet (the listening socket's accept queue). */
  readonly backlog = new Fifo<Request>(64);
  /** Sync workers waiting in select(), most recently idle last (see gunicorn.ts). */
  readonly idleWorkers = new Fifo<Proc>(64);
  readonly coreQueue = new Fifo<Request>(16);
  coresFree: number;
  constructor(
    readonly index: number,
    cores: number,
  ) {
    this.coresFree = cores;
  }
}

export class Proc {
  alive = true;
  accepting = false;
  exiting = false;
  fds: Sock[] = [];
  pool: Pool | null = null;
  readonly freeThreads: Int32Array;
  freeThreadCount: number;
  busy = 0;
  /** gthread: connections accepted and waiting for one of this worker's threads. */
  readonly queue = new Fifo<Request>(8);
  served = 0;
  maxRequests = 0;
  gilHolder: Request | null = null;
  readonly gilQueue = new Fifo<Request>(8);
  /** session_scope "global": the worker's one Session's transaction (session.ts): TX state, the thread committing it, and the other threads' commits and rollbacks racing that commit. */
  tx: number = TX.NONE;
  txCommitter: Request | null = null;
  /** The connection the transaction runs on (the one its first thread checked out) and that connection's id then. */
  txConn: ConnRecord | null = null;
  txConnId = 0;
  readonly txRacers = new Fifo<Request>(8);
  /** The request whose statement the Session is running (one at a time), and those queued for it. */
  sessionCmd: Request | null = null;
  readonly sessionWait = new Fifo<Request>(8);
  /** A sync worker's request in progress (for the timeout). */
  current: Request | null = null;
  /** Connections held out of the pool by a failed request's traceback, and the count of served requests at which each is collected. */
  readonly held: ConnRecord[] = [];
  readonly heldUntil: number[] = [];
  constructor(
    readonly id: number,
    readonly server: Server,
    readonly isMaster: boolean,
    readonly parent: Proc | null,
    readonly threads: number,
  ) {
    this.freeThreads = new Int32Array(threads);
    for (let i = 0; i < threads; i++) this.freeThreads[i] = threads - 1 - i;
    this.freeThreadCount = threads;
  }
  get pid(): number {
    return 1000 + this.id;
  }
}

/** A TCP connection from an app process to PostgreSQL or PgBouncer, shared after fork. */
export class Sock {
  id = 0;
  alive = true;
  cause = 0;
  refs = 0;
  opener: Proc | null = null;
  lastUser: Proc | null = null;
  activeUses = 0;
  activeProc: Proc | null = null;
  activeReq: Request | null = null;
  overlaps = 0;
  backend: Backend | null = null;
  client: PgbClient | null = null;
  lastActive = 0;
}

/** SQLAlchemy's _ConnectionRecord: one pooled DBAPI connection of one process's pool. */
export class ConnRecord {
  id = 0;
  pool: Pool | null = null;
  sock: Sock | null = null;
  startTime = 0;
  fresh = false;
  out = false;
  /** session_scope "global": a statement ran on it while it was back in the pool (psycopg2 began a transaction on it). */
  dirty = false;
}

export class Pool {
  readonly idle = new Fifo<ConnRecord>(8);
  readonly waiters = new Fifo<Request>(8);
  /** Open connections of this pool (checked out, idle, or being opened): SQLAlchemy's size() + overflow(). */
  open = 0;
  checkedOut = 0;
  /** pool._invalidate(): records older than this are replaced at checkout. */
  invalidateTime = -1;
  /** When the pool_timeout timer fires next (-1: not armed). */
  timerAt = -1;
  constructor(
    readonly proc: Proc,
    readonly nullPool: boolean,
    readonly index: number,
  ) {}
}

export class Backend {
  id = 0;
  alive = true;
  ready = false;
  /** 0 app, 1 pgbouncer server, 2 other client. */
  kind = 0;
  sock: Sock | null = null;
  server: PgbServer | null = null;
  running: Request | null = null;
}

export class PgbClient {
  slot = 0;
  id = 0;
  gen = 0;
  waitGen = 0;
  alive = true;
  sock: Sock | null = null;
  server: PgbServer | null = null;
  waiting: Request | null = null;
  waitSince = 0;
}

export class PgbServer {
  slot = 0;
  id = 0;
  gen = 0;
  alive = true;
  connecting = true;
  backend: Backend | null = null;
  client: PgbClient | null = null;
  idleSince = 0;
}

export class Request {
  id = 0;
  gen = 0;
  step: number = S.DONE;
  server: Server | null = null;
  proc: Proc | null = null;
  thread = -1;
  vu = -1;
  t0 = 0;
  queriesLeft = 0;
  conn: ConnRecord | null = null;
  checkoutStart = 0;
  holdsGil = false;
  holdsCore = false;
  pyUs = 0;
  psTag = 0;
  psSeq = 0;
  psPos = -1;
  corrupt = -1;
  /** session_scope "global": its failure has rolled the Session back. */
  rolledBack = false;
  /** session_scope "global": the id of the Session's connection it uses without having checked it out (0: none). */
  borrowed = 0;
  /** session_scope "global": the turn it waits for is its commit (checkin), not a query. */
  sessionCommit = false;
  /** ... or a pre-ping on a connection left inside a transaction (queue-pool.ts prepare). */
  sessionPing = false;
  usingSock: Sock | null = null;
  dialBackend: Backend | null = null;
  dialClient: PgbClient | null = null;
  dialFail = -1;
  dialVariant = 0;
  failKind = -1;
  failVariant = 0;
  threadStart = 0;
  /** The backend running this request's query (processor sharing). */
  qBackend: Backend | null = null;
  /** Work of the query waiting for a PgBouncer server. */
  workUs = 0;
  /** This checkout was counted (it succeeded). */
  counted = false;
  /** Outcome of the current ping or rollback when it failed at once. */
  useCode = -1;
  constructor(readonly slot: number) {}
}

/** The scenario in the engine's units (µs), after Flask-SQLAlchemy's truncation. */
export interface Effective {
  durationUs: number;
  appHalfUs: number;
  queryUs: number;
  dist: 0 | 1 | 2;
  queries: number;
  holdRequest: boolean;
  globalSession: boolean;
  rttUs: number;
  connectUs: number;
  pgbConnectUs: number;
  tls: boolean;
  nullPool: boolean;
  poolSize: number;
  maxOverflow: number;
  poolTimeoutS: number;
  poolTimeoutUs: number;
  recycleUs: number;
  prePing: boolean;
  lifo: boolean;
  idleDropUs: number;
  syncWorkers: boolean;
  timeoutUs: number;
  pgCores: number;
}

export function effective(s: Scenario): Effective {
  const us = (ms: number): number => Math.round(ms * 1000);
  const eff = effectivePool(s);
  const idle = s.faults.filter((f) => f.kind === 'idle_timeout').map((f) => f.after_s);
  return {
    durationUs: Math.round(s.duration_s * 1e6),
    appHalfUs: us(s.app.request.app_ms) / 2,
    queryUs: us(s.app.request.query_ms),
    dist:
      s.app.request.distribution === 'constant'
        ? 0
        : s.app.request.distribution === 'exponential'
          ? 1
          : 2,
    queries: s.app.request.queries,
    holdRequest: s.app.request.hold === 'request',
    globalSession: s.app.session_scope === 'global',
    rttUs: us(s.network.rtt_ms),
    connectUs: us(s.network.connect_ms),
    pgbConnectUs: us(s.network.pgbouncer_connect_ms),
    tls: s.network.tls,
    nullPool: s.pool.class === 'NullPool',
    poolSize: eff.pool_size,
    maxOverflow: eff.max_overflow,
    poolTimeoutS: eff.pool_timeout,
    poolTimeoutUs: Math.round(eff.pool_timeout * 1e6),
    recycleUs: eff.pool_recycle < 0 ? -1 : Math.round(eff.pool_recycle * 1e6),
    prePing: s.pool.pool_pre_ping,
    lifo: s.pool.pool_use_lifo,
    idleDropUs: idle.length ? Math.round(Math.min(...idle) * 1e6) : -1,
    syncWorkers: s.app.threads === 1,
    timeoutUs: Math.round(s.app.timeout_s * 1e6),
    pgCores: s.postgres.cores,
  };
}

export interface PostgresState {
  up: boolean;
  used: number;
  backends: Set<Backend>;
  opened: number;
  refused: number;
  /** Processor sharing: virtual time (attained service per job), jobs by finish tag. */
  psV: number;
  psLast: number;
  psHeap: Request[];
  psGen: number;
  psNextAt: number;
  psSeq: number;
  psDue: Request[];
  otherHeld: number;
}

export interface PgbState {
  up: boolean;
  clients: number;
  servers: Set<PgbServer>;
  serverCount: number;
  idle: Fifo<PgbServer>;
  waiting: Fifo<PgbClient>;
  waitingCount: number;
  clientSlots: PgbClient[];
  freeClients: PgbClient[];
  serverSlots: PgbServer[];
  freeServers: PgbServer[];
  loginFailing: number;
  waitTimerAt: number;
}

export class World {
  readonly q = new EventQueue();
  readonly rng: Rng;
  readonly eff: Effective;
  readonly m: Metrics;
  tr: TraceWriter | null = null;
  /** The run is over (END, or a closed load's last request). */
  get stopped(): boolean {
    return this.q.halted;
  }
  set stopped(v: boolean) {
    this.q.halted = v;
  }
  readonly servers: Server[] = [];
  readonly procs: Proc[] = [];
  readonly pools: Pool[] = [];
  readonly reqs: Request[] = [];
  readonly freeReqs: Request[] = [];
  readonly freeSocks: Sock[] = [];
  readonly freeRecords: ConnRecord[] = [];
  readonly freeBackends: Backend[] = [];
  serial = { req: 0, sock: 0, conn: 0, backend: 0, pgbClient: 0, pgbServer: 0 };
  readonly pg: PostgresState;
  readonly pgb: PgbState | null;
  /**
   * When the load begins: once every worker of every server has booted (gunicorn.ts
   * bootServers). Arrivals, faults and the end of the run count from here.
   */
  loadStartUs = 0;
  /** Load generator state (load.ts). */
  sent = 0;
  rr = 0;
  inFlight = 0;
  constructor(readonly sc: Scenario) {
    this.rng = new Rng(sc.seed);
    this.eff = effective(sc);
    this.m = new Metrics(sc, this.eff.durationUs);
    this.pg = {
      up: true,
      used: 0,
      backends: new Set(),
      opened: 0,
      refused: 0,
      psV: 0,
      psLast: 0,
      psHeap: [],
      psGen: 0,
      psNextAt: -1,
      psSeq: 0,
      psDue: [],
      otherHeld: 0,
    };
    this.pgb = sc.pgbouncer
      ? {
          up: true,
          clients: 0,
          servers: new Set(),
          serverCount: 0,
          idle: new Fifo<PgbServer>(16),
          waiting: new Fifo<PgbClient>(16),
          waitingCount: 0,
          clientSlots: [],
          freeClients: [],
          serverSlots: [],
          freeServers: [],
          loginFailing: -1,
          waitTimerAt: -1,
        }
      : null;
  }

  get now(): number {
    return this.q.now;
  }

  /** Resume a request's program `delay` µs from now (0: after the current event). */
  resumeAfter(req: Request, step: number, delay: number): void {
    req.step = step;
    this.q.after(delay, K.RESUME, req.slot, req.gen);
  }

  /** A duration drawn around `meanUs` by the scenario's distribution, in whole µs. */
  sample(meanUs: number): number {
    if (meanUs <= 0) return 0;
    switch (this.eff.dist) {
      case 0:
        return Math.round(meanUs);
      case 1:
        return Math.round(this.rng.exponential(meanUs));
      default:
        return Math.round(this.rng.lognormal(meanUs, LOGNORMAL_SIGMA));
    }
  }
}

/** sigma of the underlying normal for `distribution: "lognormal"` (mean is kept). */
export const LOGNORMAL_SIGMA = 0.5;
