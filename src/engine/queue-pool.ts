// SQLAlchemy's QueuePool, one per Engine per process (each Gunicorn worker has its own).
// https://docs.sqlalchemy.org/en/20/core/pooling.html#sqlalchemy.pool.QueuePool
// https://github.com/sqlalchemy/sqlalchemy/blob/rel_2_0/lib/sqlalchemy/pool/impl.py
//
// - Checkout (_do_get): take an idle connection (oldest first, newest with pool_use_lifo);
//   if none and fewer than pool_size + max_overflow are open, open one (lazily, never
//   ahead of time); otherwise wait up to pool_timeout for a connection to come back,
//   then raise "QueuePool limit of size N overflow M reached, connection timed out,
//   timeout T". Waiters are woken only by a returned connection, not by a closed one.
// - At checkout, _ConnectionRecord.get_connection replaces a connection older than
//   pool_recycle or older than the pool's last invalidation; then pre-ping (skipped
//   for a connection just opened) costs a round trip, and on a dead connection marks
//   every older connection for replacement (pool._invalidate) and reconnects.
// - Return (_do_return_conn): reset on return rolls back (a round trip); the connection
//   goes back to the idle queue when fewer than pool_size are idle, else it is closed.
// - A disconnect error while in use invalidates that connection and the whole pool
//   (invalidate_pool_on_disconnect); other errors (protocol desync) do not, so the
//   connection goes back to the pool.
// NullPool (null-pool.ts) is the same object with no idle queue and no limit.
import { E, isDisconnect, OK, V } from './errors';
import { closeFd, endUse } from './fd-table';
import {
  connect,
  execute,
  finishConnect,
  importConnect,
  roundTrip,
  roundTripResult,
} from './dbapi';
import {
  dropBorrow,
  sessionCommit,
  sessionCommitted,
  sessionConnLive,
  sessionOwn,
  sessionRelease,
  sessionTurn,
} from './session';
import { pgbRelease } from './pgbouncer';
import { afterReturn, fail } from './request';
import { nullPoolClose } from './null-pool';
import { TT } from './trace';
import { ConnRecord, K, Pool, S, type Proc, type Request, type World } from './world';

export function createPool(w: World, proc: Proc): Pool {
  const pool = new Pool(proc, w.eff.nullPool, w.pools.length);
  w.pools.push(pool);
  return pool;
}

function newRecord(w: World, pool: Pool): ConnRecord {
  const rec = w.freeRecords.pop() ?? new ConnRecord();
  rec.id = ++w.serial.conn;
  rec.pool = pool;
  rec.sock = null;
  rec.startTime = w.now;
  rec.fresh = true;
  rec.out = false;
  rec.dirty = false;
  pool.open++;
  return rec;
}

function markOut(w: World, req: Request, rec: ConnRecord): void {
  rec.out = true;
  rec.pool!.checkedOut++;
  w.m.checkedOut.add(1, w.now);
  req.conn = rec;
  w.tr?.emit(TT.CONN_OUT, rec.id, rec.pool!.proc.id, req.id);
}

/** pool.connect(): get a connection for req, then run its query (or fail it). */
export function checkout(w: World, req: Request): void {
  const pool = req.proc!.pool!;
  const eff = w.eff;
  req.checkoutStart = w.now;
  req.counted = false;
  if (!pool.nullPool) {
    const idle = eff.lifo ? pool.idle.pop() : pool.idle.shift();
    if (idle) {
      w.m.poolWait.record(0);
      markOut(w, req, idle);
      prepare(w, req, idle);
      return;
    }
  }
  if (pool.nullPool || eff.maxOverflow < 0 || pool.open < eff.poolSize + eff.maxOverflow) {
    w.m.poolWait.record(0);
    const rec = newRecord(w, pool);
    w.tr?.emit(TT.CONN_NEW, rec.id, pool.proc.id, -1, 1);
    markOut(w, req, rec);
    connect(w, req, connected);
    return;
  }
  // At the limit: a blocking get on the idle queue for up to pool_timeout.
  w.m.waited++;
  if (eff.poolTimeoutUs === 0) {
    w.m.poolWait.record(0);
    fail(w, req, E.pool_timeout, 0);
    return;
  }
  req.step = S.POOL_WAIT;
  pool.waiters.push(req, req.gen);
  w.m.poolWaiting.add(1, w.now);
  w.tr?.emit(TT.WAIT_START, req.id, pool.proc.id, 0, w.now + eff.poolTimeoutUs);
  if (pool.timerAt < 0) armTimer(w, pool, w.now + eff.poolTimeoutUs);
}

// pool_timeout: every waiter of a pool waits the same time and they queue in arrival
// order, so deadlines come in queue order. One timer per pool, for the oldest waiter,
// is enough (no event per waiter left behind in the queue when waiters are served).
function armTimer(w: World, pool: Pool, at: number): void {
  pool.timerAt = at;
  w.q.at(at, K.POOL_TIMEOUT, pool.index, 0);
}

/** The pool's timer: fail every waiter whose pool_timeout has passed, re-arm for the next. */
export function poolTimeout(w: World, pool: Pool): void {
  pool.timerAt = -1;
  const waiters = pool.waiters;
  const timeout = w.eff.poolTimeoutUs;
  while (waiters.length > 0) {
    const req = waiters.peek()!;
    if (req.gen !== waiters.peekTag() || req.step !== S.POOL_WAIT) {
      waiters.shift();
      continue;
    }
    const deadline = req.checkoutStart + timeout;
    if (deadline > w.now) {
      armTimer(w, pool, deadline);
      return;
    }
    waiters.shift();
    w.m.poolWaiting.add(-1, w.now);
    w.m.poolWait.record(w.now - req.checkoutStart);
    w.tr?.emit(TT.WAIT_END, req.id, pool.proc.id);
    req.step = S.RUNNING;
    fail(w, req, E.pool_timeout, 0);
  }
}

/** A waiter was handed a returned connection. */
export function gotConnection(w: World, req: Request): void {
  prepare(w, req, req.conn!);
}

/** get_connection (recycle, invalidation) and pre-ping, then the query. */
function prepare(w: World, req: Request, rec: ConnRecord): void {
  const pool = rec.pool!;
  const eff = w.eff;
  if (
    !rec.sock ||
    rec.startTime < pool.invalidateTime ||
    (eff.recycleUs >= 0 && w.now - rec.startTime > eff.recycleUs)
  ) {
    reconnect(w, req, rec);
    return;
  }
  if (eff.prePing && !rec.fresh && rec.sock) {
    if (rec.dirty) {
      // A shared Session's statement ran on it after it came back to the pool (dbapi.ts
      // queryExecuted), so psycopg2 has a transaction open on it. The ping waits for the
      // connection like any command (the statement may still run), then its switch to
      // autocommit is refused, and SQLAlchemy invalidates the connection.
      req.sessionPing = true;
      if (sessionTurn(w, req)) pingRefused(w, req);
      return;
    }
    roundTrip(w, req, rec.sock, S.PINGED, pinged);
    return;
  }
  rec.dirty = false;
  use(w, req);
}

/** The ping on a connection left inside a transaction was refused (see prepare). */
export function pingRefused(w: World, req: Request): void {
  const rec = req.conn!;
  req.sessionPing = false;
  sessionRelease(w, req);
  dropRecord(w, rec, true);
  req.conn = null;
  fail(w, req, E.session_state, V.setSession);
}

/** The checkout succeeded (SQLAlchemy's "checkout" event): run the query. */
function use(w: World, req: Request): void {
  if (!req.counted) {
    req.counted = true;
    w.m.checkouts++;
  }
  if (w.eff.globalSession) sessionOwn(req);
  execute(w, req);
}

function reconnect(w: World, req: Request, rec: ConnRecord): void {
  if (rec.sock) closeFd(w, rec.pool!.proc, rec.sock, true);
  rec.sock = null;
  connect(w, req, connected);
}

export function connected(w: World, req: Request): void {
  const rec = req.conn!;
  const sock = finishConnect(w, req);
  if (!sock) {
    dropRecord(w, rec, false);
    req.conn = null;
    fail(w, req, req.failKind, req.failVariant);
    return;
  }
  rec.sock = sock;
  rec.startTime = w.now;
  rec.fresh = true;
  w.tr?.emit(TT.CONN_SOCK, rec.id, sock.id);
  use(w, req);
}

export function pinged(w: World, req: Request): void {
  const rec = req.conn!;
  const code = roundTripResult(w, req, rec.sock!);
  if (code === OK) {
    use(w, req);
  } else if (isDisconnect(code)) {
    // The ping found a dead connection: invalidate the pool, reconnect transparently.
    rec.pool!.invalidateTime = w.now;
    reconnect(w, req, rec);
  } else {
    // Not a disconnect (a desync): _checkin_failed invalidates this record, the error propagates.
    dropRecord(w, rec, true);
    req.conn = null;
    fail(w, req, code, 1);
  }
}

/** Request teardown: reset on return (rollback), then back to the pool; resumes with afterReturn. */
export function checkin(w: World, req: Request): void {
  if (w.eff.globalSession && !sessionCommit(w, req)) return;
  giveBack(w, req);
}

/** Reset on return (with a shared Session, its commit), then back to the pool. */
export function giveBack(w: World, req: Request): void {
  const rec = req.conn!;
  if (req.borrowed && !sessionConnLive(req)) {
    // The Session's connection is gone (closed by the thread that checked it out): nothing to send.
    dropBorrow(req);
    afterCommit(w, req, sessionCommitted(w, req));
    return;
  }
  if (!rec.sock) {
    const commitLost = sessionCommitted(w, req);
    dropRecord(w, rec, false);
    req.conn = null;
    afterCommit(w, req, commitLost);
    return;
  }
  roundTrip(w, req, rec.sock, S.RETURNED, returned);
}

export function returned(w: World, req: Request): void {
  const commitLost = sessionCommitted(w, req);
  if (req.borrowed) {
    // Its commit went through the Session's connection; the thread that checked that out returns it.
    endUse(w, req);
    dropBorrow(req);
    afterCommit(w, req, commitLost);
    return;
  }
  const rec = req.conn!;
  const sock = rec.sock!;
  const mixedUp = req.usingSock === sock && req.corrupt === E.protocol_error;
  const code = roundTripResult(w, req, sock);
  req.conn = null;
  pgbRelease(w, sock.client, 'transaction');
  if (code === OK && mixedUp) {
    // The rollback read another process's reply: it raises, and the request fails.
    holdUntilCollected(w, rec);
    fail(w, req, E.protocol_error, w.rng.below(2));
    return;
  }
  if (code !== OK) dropRecord(w, rec, true);
  else returnRecord(w, rec);
  afterCommit(w, req, commitLost);
}

/** The connection is back (or let go); with a shared Session, its commit may have lost the close (session.ts). */
function afterCommit(w: World, req: Request, commitLost: boolean): void {
  if (commitLost) fail(w, req, E.session_state, V.commitLost);
  else afterReturn(w, req);
}

/**
 * A rollback that fails while the Session closes (Connection.close() raises before it
 * checks the connection in) leaves the connection checked out, reachable only from the
 * exception's traceback, until the worker's garbage collector frees that reference cycle.
 * Meanwhile the worker's next checkout finds one connection fewer in the pool. Observed
 * on the real stack (tests/reality fork-shared-no-hook, the pool's counts and the failing
 * frame logged after each failed request, 8 runs): all 29 protocol errors raised in
 * do_rollback left the connection checked out and the worker opened another at its next
 * request; none of the 63 raised in do_execute did. The collector gave it back 150 to 330
 * ms later, after GC_MIN_REQUESTS to GC_MIN_REQUESTS + GC_SPAN_REQUESTS more requests of
 * the worker here.
 */
export const GC_MIN_REQUESTS = 5;
export const GC_SPAN_REQUESTS = 20;
/**
 * SQLAlchemy's finalizer resets the collected connection (_finalize_fairy). When that
 * rollback fails too ("Exception during reset or similar"), the record is invalidated:
 * its connection is closed, and libpq's Terminate ends the backend for every process that
 * shares it; the empty record goes back to the pool and reconnects at its next checkout.
 * On the real stack 4 of 23 resets made while the shared backend was alive failed (3 of 5
 * with 4 workers sharing it, fork-shared-no-hook; 1 of 18 with 2, max-requests-refork-
 * no-hook, where the backend usually outlived the run), and each run's first failure is
 * what ended its backend.
 */
export const GC_RESET_FAIL = 0.17;

export function holdUntilCollected(w: World, rec: ConnRecord): void {
  const proc = rec.pool!.proc;
  w.tr?.emit(TT.CONN_HELD, rec.id, proc.id);
  proc.held.push(rec);
  proc.heldUntil.push(proc.served + 1 + GC_MIN_REQUESTS + w.rng.below(GC_SPAN_REQUESTS + 1));
}

/** The worker's garbage collector frees the held connections whose time has come. */
export function collectHeld(w: World, proc: Proc): void {
  for (let i = 0; i < proc.held.length;) {
    if (proc.served < proc.heldUntil[i]!) {
      i++;
      continue;
    }
    const rec = proc.held[i]!;
    proc.held.splice(i, 1);
    proc.heldUntil.splice(i, 1);
    const sock = rec.sock;
    if (!sock || !sock.alive || w.rng.next() < GC_RESET_FAIL) {
      // The reset failed: invalidate (close, Terminate), and check the empty record in.
      if (sock) closeFd(w, proc, sock, true);
      rec.sock = null;
      w.tr?.emit(TT.CONN_SOCK, rec.id, -1);
    }
    returnRecord(w, rec);
  }
}

/** After a failed request: a disconnect invalidates the pool; other errors return the connection. */
export function releaseAfterError(w: World, rec: ConnRecord, kind: number): void {
  const sock = rec.sock;
  if (sock) pgbRelease(w, sock.client, 'transaction');
  if (isDisconnect(kind)) {
    rec.pool!.invalidateTime = w.now;
    dropRecord(w, rec, true);
  } else if (!sock || !sock.alive) dropRecord(w, rec, true);
  else returnRecord(w, rec);
}

function nextWaiter(pool: Pool): Request | null {
  const waiters = pool.waiters;
  while (waiters.length > 0) {
    const r = waiters.shift()!;
    if (r.gen === waiters.lastTag && r.step === S.POOL_WAIT) return r;
  }
  return null;
}

/** _do_return_conn: a waiter gets it, else the idle queue, else (pool_size idle already) close. */
function returnRecord(w: World, rec: ConnRecord): void {
  const pool = rec.pool!;
  rec.fresh = false;
  if (!pool.proc.alive) {
    dropRecord(w, rec, false);
    return;
  }
  if (pool.nullPool) {
    nullPoolClose(w, rec);
    return;
  }
  const waiter = nextWaiter(pool);
  if (waiter) {
    w.m.poolWaiting.add(-1, w.now);
    w.m.poolWait.record(w.now - waiter.checkoutStart);
    w.tr?.emit(TT.WAIT_END, waiter.id, pool.proc.id);
    waiter.conn = rec;
    waiter.step = S.RUNNING;
    w.tr?.emit(TT.CONN_OUT, rec.id, pool.proc.id, waiter.id);
    // The waiter goes on at once (a direct call: everything it does next either
    // schedules an event or fails without handing a connection back).
    prepare(w, waiter, rec);
    return;
  }
  rec.out = false;
  pool.checkedOut--;
  w.m.checkedOut.add(-1, w.now);
  if (w.eff.poolSize === 0 || pool.idle.length < w.eff.poolSize) {
    pool.idle.push(rec);
    w.tr?.emit(TT.CONN_IN, rec.id, pool.proc.id);
  } else dropRecord(w, rec, true);
}

/** The record leaves the pool; with `terminate` its connection is closed (libpq Terminate). */
export function dropRecord(w: World, rec: ConnRecord, terminate: boolean): void {
  const pool = rec.pool!;
  if (rec.sock) closeFd(w, pool.proc, rec.sock, terminate);
  rec.sock = null;
  pool.open--;
  if (rec.out) {
    rec.out = false;
    pool.checkedOut--;
    w.m.checkedOut.add(-1, w.now);
  }
  w.tr?.emit(TT.CONN_DROP, rec.id, pool.proc.id);
}

/**
 * engine.dispose(close=...) in a hook: a new, empty pool replaces the old one. With
 * close=True the old pool's idle connections are closed (Terminate on sockets the
 * parent and siblings may share); with close=False they are dropped untouched and
 * their descriptors stay open in this process.
 */
export function disposePool(w: World, proc: Proc, close: boolean): void {
  const pool = proc.pool;
  if (!pool) return;
  w.tr?.emit(TT.POOL_DISPOSE, proc.id, close ? 1 : 0);
  while (pool.idle.length > 0) {
    const rec = pool.idle.shift()!;
    if (close) dropRecord(w, rec, true);
    else {
      pool.open--;
      w.tr?.emit(TT.CONN_DROP, rec.id, proc.id);
    }
  }
  pool.invalidateTime = -1;
}

/** fork(): the child's pool is a copy of the parent's, pointing at the same sockets. */
export function inheritPool(w: World, parent: Proc, child: Proc): void {
  const from = parent.pool;
  if (!from) return;
  const pool = createPool(w, child);
  child.pool = pool;
  for (const src of from.idle.toArray()) {
    const rec = newRecord(w, pool);
    rec.sock = src.sock;
    rec.startTime = src.startTime;
    rec.fresh = false;
    pool.idle.push(rec);
    w.tr?.emit(TT.CONN_NEW, rec.id, child.id, src.sock ? src.sock.id : -1, 0);
  }
}

/** The app's import-time query (master_connects): one connection opened and returned. */
export function openImportConnection(w: World, proc: Proc): void {
  const pool = proc.pool!;
  const rec = newRecord(w, pool);
  const sock = importConnect(w, proc);
  if (!sock) {
    pool.open--;
    return;
  }
  w.m.connects++;
  w.m.checkouts++;
  rec.sock = sock;
  rec.fresh = false;
  pool.idle.push(rec);
  w.tr?.emit(TT.CONN_NEW, rec.id, proc.id, sock.id, 0);
}
