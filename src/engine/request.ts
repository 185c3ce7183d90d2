// One HTTP request through the Flask app, as a small program with explicit steps
// (the step field says where it resumes). Flask-SQLAlchemy's session checks a
// connection out at the first query and returns it at app-context teardown
// (https://flask-sqlalchemy.readthedocs.io/en/stable/contexts/); with hold "query" the
// connection goes back after each query instead.
//
//   thread -> app_ms/2 of Python -> checkout -> queries -> app_ms/2 of Python -> return
//
// Python time needs the worker's GIL and one of the server's cores (gunicorn.ts);
// database time does not.
import { E, errorText, OK, ERROR_KINDS, V } from './errors';
import { abandonConnect, execute, executeNow } from './dbapi';
import { endUse } from './fd-table';
import { pythonDone, releasePython, releaseThread, runPython } from './gunicorn';
import { requestDone } from './load';
import { cancelQuery } from './postgres';
import { pgbRelease } from './pgbouncer';
import {
  checkin,
  checkout,
  connected,
  giveBack,
  gotConnection,
  holdUntilCollected,
  pingRefused,
  pinged,
  poolTimeout,
  releaseAfterError,
  returned,
} from './queue-pool';
import { sessionAbandon, sessionBorrow, sessionRollback, sessionUse } from './session';
import { CAUSE, PH, TT } from './trace';
import { Request, S, type Proc, type Server, type World } from './world';

/**
 * Python a failed request runs before its thread is free, in place of the rest of its
 * app_ms: the exception unwinds and Flask writes the 500 response. A driver error (a
 * refused or broken connection, a failed query) also goes through psycopg2 and
 * SQLAlchemy's wrapping of the DBAPI error and the pool's clean-up: measured on the real
 * stack (tests/reality, one gthread worker of 16 threads, CPU time from /proc), a request
 * refused by PgBouncer cost about as much CPU as one served, 1 ms or so beyond what the
 * engine charges before the checkout.
 */
export const ERROR_PATH_US = 1_000;

/**
 * A pool timeout is cheaper: SQLAlchemy raises TimeoutError from its own queue, with no
 * driver call and no connection to clean up. Measured on the real stack (tests/reality
 * case fsa-pool-timeout-truncation, pool_timeout 0): one worker of 8 threads failed 196
 * requests in 164 ms, 0.84 ms of its GIL each, of which the engine's first half of the
 * request (the stack's path before the checkout) takes about 0.55.
 */
export const POOL_TIMEOUT_PATH_US = 300;

/**
 * session_scope "global": the Python of a checkout for the shared Session (the pool's
 * checkout, Connection.begin, the after_begin event), run as its own slice of the GIL.
 * Until it is done the Session has no connection, so a thread that enters meanwhile
 * checks out one of its own (SessionTransaction._connection_for_bind has no lock). The
 * checkout does I/O (the pool's events, a pre-ping) and asks for the GIL back at once, so
 * the slice waits for the thread holding the GIL, not behind every waiting one. Measured
 * on the real stack (tests/reality session-global, `W` events): a checkout took 0.10-0.15
 * ms at the median. It is part of app_ms (the calibrated request path includes a
 * checkout), so the first half of app_ms is that much shorter.
 */
export const SESSION_CHECKOUT_US = 100;

export function newRequest(w: World, server: Server): Request {
  const req = w.freeReqs.pop() ?? allocSlot(w);
  req.id = ++w.serial.req;
  req.step = S.QUEUED;
  req.server = server;
  req.proc = null;
  req.thread = -1;
  req.vu = -1;
  req.t0 = w.now;
  req.conn = null;
  req.holdsGil = false;
  req.holdsCore = false;
  req.psPos = -1;
  req.corrupt = -1;
  req.rolledBack = false;
  req.borrowed = 0;
  req.sessionCommit = false;
  req.sessionPing = false;
  req.usingSock = null;
  req.dialBackend = null;
  req.dialClient = null;
  req.qBackend = null;
  req.failKind = -1;
  return req;
}

function allocSlot(w: World): Request {
  const req = new Request(w.reqs.length);
  w.reqs.push(req);
  return req;
}

/** A thread of `proc` takes the request. */
export function startRequest(w: World, req: Request): void {
  req.queriesLeft = w.eff.queries;
  req.threadStart = w.now;
  if (w.eff.appHalfUs > 0) {
    const us = w.sample(w.eff.appHalfUs);
    runPython(w, req, w.eff.globalSession ? Math.max(0, us - SESSION_CHECKOUT_US) : us, S.APP1);
  } else afterApp1(w, req);
}

function afterApp1(w: World, req: Request): void {
  if (req.queriesLeft > 0) beginDb(w, req);
  else beginApp2(w, req);
}

/**
 * The share of mix-ups on a shared socket that surface at the rollback ending the request
 * rather than at the query: the query reads a reply of the right shape, the rollback reads
 * what is left. Measured on the real stack (tests/reality fork-shared-no-hook, the failing
 * frame of each protocol error logged): 10 of 36 protocol errors were raised in
 * do_rollback, the rest in do_execute.
 */
export const MIXUP_AT_ROLLBACK = 0.18;

function beginDb(w: World, req: Request): void {
  if (w.eff.globalSession) {
    if (!sessionUse(w, req)) return;
    if (sessionBorrow(w, req)) {
      execute(w, req);
      return;
    }
    sessionCheckout(w, req);
    return;
  }
  beginCheckout(w, req);
}

/** A thread begins the shared Session's transaction: its checkout (SESSION_CHECKOUT_US). */
export function sessionCheckout(w: World, req: Request): void {
  runPython(w, req, SESSION_CHECKOUT_US, S.CHECKOUT_PY, true);
}

function beginCheckout(w: World, req: Request): void {
  w.tr?.emit(TT.REQ_PHASE, req.id, PH.checkout);
  checkout(w, req);
}

export function queryDone(w: World, req: Request): void {
  if (req.corrupt >= 0) {
    if (
      req.corrupt === E.protocol_error &&
      req.conn &&
      !req.borrowed &&
      w.rng.next() < MIXUP_AT_ROLLBACK
    ) {
      // The query read a plausible reply; the rollback that ends the request reads the
      // leftover one and raises, with the connection still checked out (queue-pool.ts).
      const rec = req.conn;
      req.conn = null;
      endUse(w, req);
      if (rec.sock) pgbRelease(w, rec.sock.client, 'transaction');
      holdUntilCollected(w, rec);
      fail(w, req, E.protocol_error, w.rng.below(2));
      return;
    }
    fail(w, req, req.corrupt, req.corrupt === E.protocol_error ? w.rng.below(2) : 0);
    return;
  }
  req.queriesLeft--;
  if (!w.eff.holdRequest) checkin(w, req);
  else if (req.queriesLeft > 0) execute(w, req);
  else beginApp2(w, req);
}

function beginApp2(w: World, req: Request): void {
  if (w.eff.appHalfUs > 0) runPython(w, req, w.sample(w.eff.appHalfUs), S.APP2);
  else teardown(w, req);
}

function teardown(w: World, req: Request): void {
  if (req.conn) checkin(w, req);
  else finish(w, req, OK, 0);
}

/** The connection is back in the pool. */
export function afterReturn(w: World, req: Request): void {
  if (w.eff.holdRequest) finish(w, req, OK, 0);
  else if (req.queriesLeft > 0) beginDb(w, req);
  else beginApp2(w, req);
}

/** The request fails (in its own flow): its connection is released the way SQLAlchemy does. */
export function fail(w: World, req: Request, kind: number, variant: number): void {
  if (w.eff.globalSession && sessionRollback(w, req, kind, variant)) return;
  const rec = req.conn;
  if (rec) {
    req.conn = null;
    endUse(w, req);
    if (req.borrowed) req.borrowed = 0;
    else releaseAfterError(w, rec, kind);
  }
  if (req.proc && req.proc.alive && !req.holdsGil) {
    // The error path runs in Python before the thread is free (finish at S.ERROR_PATH).
    req.failKind = kind;
    req.failVariant = variant;
    runPython(w, req, kind === E.pool_timeout ? POOL_TIMEOUT_PATH_US : ERROR_PATH_US, S.ERROR_PATH);
    return;
  }
  finish(w, req, kind, variant);
}

/**
 * Something outside the request's flow breaks it (its backend died, PgBouncer dropped
 * it): undo what it was waiting on, and fail it after the current event.
 */
export function interrupt(w: World, req: Request, kind: number, variant: number): void {
  if (req.step === S.DONE) return;
  let k = req.corrupt >= 0 && req.corrupt !== E.protocol_error ? req.corrupt : kind;
  if (req.borrowed && req.usingSock?.cause === CAUSE.closed) {
    // Another thread of the shared Session closed the connection this statement ran on
    // (its pool closed or invalidated it): the thread meets the closed connection.
    k = E.session_state;
    variant = V.staleConnection;
  }
  cleanup(w, req);
  req.gen++;
  req.failKind = k;
  req.failVariant = variant;
  w.resumeAfter(req, S.FAIL, 0);
}

/** Stop whatever the request is doing right now (query on the CPU, socket use, Python). */
export function cleanup(w: World, req: Request): void {
  cancelQuery(w, req);
  endUse(w, req);
  sessionAbandon(w, req);
  releasePython(w, req);
  abandonConnect(w, req);
  if (req.step === S.POOL_WAIT) {
    const pool = req.proc?.pool;
    pool?.waiters.remove(req);
    w.m.poolWaiting.add(-1, w.now);
    req.step = S.RUNNING;
  }
}

/** The worker died under the request (gunicorn timeout): no connection is returned. */
export function killRequest(w: World, req: Request): void {
  if (req.step === S.DONE) return;
  cleanup(w, req);
  if (req.conn) {
    const rec = req.conn;
    req.conn = null;
    if (req.borrowed) req.borrowed = 0;
    else pgbRelease(w, rec.sock?.client ?? null, 'transaction');
  }
  finish(w, req, E.worker_timeout, 0);
}

function finish(w: World, req: Request, kind: number, variant: number): void {
  const proc = req.proc;
  if (kind >= 0 && w.m.errorSamples[kind] === null)
    w.m.errorSamples[kind] = sampleText(w, proc, kind, variant);
  w.m.finish(w.now, req.t0, kind);
  w.tr?.emit(TT.REQ_END, req.id, kind);
  req.step = S.DONE;
  req.gen++;
  if (proc) {
    if (proc.current === req) proc.current = null;
    releaseThread(w, req, proc);
  }
  requestDone(w, req);
  req.proc = null;
  req.server = null;
  w.freeReqs.push(req);
}

function sampleText(w: World, proc: Proc | null, kind: number, variant: number): string {
  const pool = proc?.pool;
  return errorText(kind, variant, {
    poolSize: w.eff.poolSize,
    overflow: pool ? pool.open - w.eff.poolSize : w.eff.maxOverflow,
    timeout: w.eff.poolTimeoutS,
    viaPgbouncer: w.pgb !== null,
    pid: proc?.pid ?? 0,
  });
}

/** A request's next step is due (event K.RESUME). */
export function resume(w: World, req: Request): void {
  switch (req.step) {
    case S.START:
      startRequest(w, req);
      return;
    case S.APP1:
      pythonDone(w, req);
      afterApp1(w, req);
      return;
    case S.APP2:
      pythonDone(w, req);
      teardown(w, req);
      return;
    case S.CHECKOUT_PY:
      pythonDone(w, req);
      beginCheckout(w, req);
      return;
    case S.CONNECTED:
      connected(w, req);
      return;
    case S.PINGED:
      pinged(w, req);
      return;
    case S.GOT_CONN:
      gotConnection(w, req);
      return;
    case S.QUERY_DONE:
      queryDone(w, req);
      return;
    case S.SESSION_GO:
      if (req.sessionCommit) giveBack(w, req);
      else if (req.sessionPing) pingRefused(w, req);
      else executeNow(w, req);
      return;
    case S.RETURNED:
      returned(w, req);
      return;
    case S.TX_WON:
      giveBack(w, req);
      return;
    case S.FAIL:
      fail(w, req, req.failKind, req.failVariant);
      return;
    case S.ERROR_PATH:
      pythonDone(w, req);
      finish(w, req, req.failKind, req.failVariant);
      return;
    default:
      return;
  }
}

export function onPoolTimeout(w: World, poolIndex: number): void {
  const pool = w.pools[poolIndex];
  if (pool) poolTimeout(w, pool);
}

export const ERROR_NAMES = ERROR_KINDS;
