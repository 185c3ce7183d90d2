// session_scope "global": the worker's threads share one SQLAlchemy Session (a module-level
// `Session(engine)` instead of a scoped one). The Session is not thread-safe
// (https://docs.sqlalchemy.org/en/20/orm/session_basics.html#is-the-session-thread-safe-is-asyncsession-safe-to-share-in-concurrent-tasks).
// How it breaks, from SQLAlchemy 1.4.46's orm/session.py, psycopg2 2.9's pqpath.c, and
// tracebacks and commit states logged on the real stack (tests/reality, session-global):
//
// - The Session has one transaction at a time. The first thread to use it after the last
//   one ended begins one (autobegin) and checks out a connection; the threads that use
//   the Session meanwhile join it and run their statements on that connection, with no
//   checkout of their own (sessionBorrow). A thread that arrives while the first is still
//   checking out sees no connection yet and checks out its own; the last one wins.
// - psycopg2 runs one command at a time on a connection (its connection lock,
//   https://www.psycopg.org/docs/usage.html#thread-and-process-safety), so the threads'
//   statements and commits take turns (sessionTurn). Which waiting thread gets the lock
//   next is the scheduler's choice (COMMIT_FIRST).
// - A thread's commit at the end of its request commits the transaction for everyone:
//   `_prepare_impl` puts it in the "prepared" state, then the commit waits for the
//   connection and closes the transaction. Any thread that checks out or sends a
//   statement through the Session in that window fails: "This session is in 'prepared'
//   state".
// - A failed request rolls the Session back (the app's error handler does): an active
//   transaction simply ends, and the others begin a new one at their next statement.
// - In the prepared window, a second thread's commit and a failed thread's rollback both
//   go for the same transaction (its state allows them) and wait for the connection, so
//   a failed thread is held until the window ends. Then they race for the GIL: whoever
//   closes the transaction first wins, and every other commit fails when it finds
//   `self.session` gone ("'NoneType' object has no attribute 'dispatch'"). The model
//   gives the close to one of them at random. Logged on the real stack: of 85 commits
//   that began a window, 36 succeeded; of 62 that came second, 17 did.
// - A statement whose turn came after a commit had put the connection back runs on the
//   pooled connection all the same, leaving psycopg2 inside a transaction there; the next
//   checkout's pre-ping cannot switch it to autocommit ("set_session cannot be used
//   inside a transaction"), and SQLAlchemy invalidates it (queue-pool.ts prepare).
import { Request, S, TX, type World } from './world';
import { E, V } from './errors';

/**
 * When the Session's connection comes free and a commit is among the threads waiting for
 * it, the chance that the commit goes next; otherwise a waiting thread at random. Fitted
 * on the real stack (tests/reality, SQLAlchemy 1.4.46, psycopg2 2.9.5): session-global
 * (1 worker, 8 busy threads, 2 queries of 5 ms) and memo-global-session (4 workers of 16
 * threads at 60 requests a second, 3 queries of 29 ms). With 0.25 the first gives 68-81
 * commit windows of 11-13 ms in a run, against the 85 of 14 ms logged (from the commit's
 * call to its return, so a little longer); a strict queue gives about 38 windows of
 * 33-39 ms and half as many successful requests as measured, commits always first about
 * 120 windows of 5 ms and twice as many.
 */
export const COMMIT_FIRST = 0.25;

function failSoon(w: World, req: Request, variant: number): void {
  req.failKind = E.session_state;
  req.failVariant = variant;
  w.resumeAfter(req, S.FAIL, 0);
}

/**
 * The thread is about to use the Session (its checkout, or a statement). False when the
 * transaction is being committed: the request fails ("prepared" state).
 */
export function sessionUse(w: World, req: Request): boolean {
  const proc = req.proc!;
  if (proc.tx === TX.PREPARED) {
    failSoon(w, req, V.plain);
    return false;
  }
  proc.tx = TX.ACTIVE;
  return true;
}

/**
 * A thread that uses the Session while its transaction runs on a connection another
 * thread checked out uses that connection (SessionTransaction._connection_for_bind):
 * no checkout of its own. True when req now borrows it.
 */
export function sessionBorrow(w: World, req: Request): boolean {
  const proc = req.proc!;
  const rec = proc.txConn;
  if (!rec || rec.id !== proc.txConnId || !rec.out || !rec.sock) {
    proc.txConn = null;
    dropBorrow(req);
    return false;
  }
  req.conn = rec;
  req.borrowed = rec.id;
  return true;
}

/** req lets go of the Session's connection it borrowed (the thread that checked it out returns it). */
export function dropBorrow(req: Request): void {
  req.conn = null;
  req.borrowed = 0;
}

/** The connection req checked out is now the Session's (the last checkout wins, as in _connection_for_bind). */
export function sessionOwn(req: Request): void {
  const proc = req.proc!;
  proc.txConn = req.conn;
  proc.txConnId = req.conn!.id;
}

/** The connection req borrowed is still the one it borrowed, and open. */
export function sessionConnLive(req: Request): boolean {
  const rec = req.conn;
  return rec !== null && rec.id === req.borrowed && rec.sock !== null;
}

/** A statement (query or commit) waits its turn on the Session's connection; true when it may run now. */
export function sessionTurn(w: World, req: Request): boolean {
  const proc = req.proc!;
  if (proc.sessionCmd === null || proc.sessionCmd === req) {
    proc.sessionCmd = req;
    return true;
  }
  req.step = S.SESSION_WAIT;
  proc.sessionWait.push(req, req.gen);
  return false;
}

/** The Session's statement is done (or abandoned): the next queued thread's runs. */
export function sessionRelease(w: World, req: Request): void {
  const proc = req.proc;
  if (!proc || proc.sessionCmd !== req) return;
  proc.sessionCmd = null;
  const q = proc.sessionWait;
  const live: Request[] = [];
  while (q.length > 0) {
    const r = q.shift()!;
    if (r.gen === q.lastTag && r.step === S.SESSION_WAIT) live.push(r);
  }
  if (live.length === 0) return;
  let pick = live.findIndex((r) => r.sessionCommit);
  if (pick < 0 || w.rng.next() >= COMMIT_FIRST)
    pick = live.length === 1 ? 0 : w.rng.below(live.length);
  for (let i = 0; i < live.length; i++) if (i !== pick) q.push(live[i]!, live[i]!.gen);
  const next = live[pick]!;
  proc.sessionCmd = next;
  w.resumeAfter(next, S.SESSION_GO, 0);
}

/**
 * The request's commit (at its end, or after each query with hold "query"). True when it
 * goes on to the connection now (it is the transaction's committer, or there is nothing
 * to commit); false when it waits (its turn, or another thread's commit).
 */
export function sessionCommit(w: World, req: Request): boolean {
  const proc = req.proc!;
  if (!req.sessionCommit) {
    if (proc.tx === TX.PREPARED) {
      req.failKind = -1;
      req.step = S.TX_WAIT;
      proc.txRacers.push(req, req.gen);
      return false;
    }
    if (proc.tx === TX.NONE) return true; // another thread's commit took its statements
    proc.tx = TX.PREPARED;
    proc.txCommitter = req;
    req.sessionCommit = true;
  }
  return sessionTurn(w, req);
}

/**
 * The commit is done (or abandoned): the transaction is closed, by this commit or by one
 * of the commits and rollbacks that waited for it (see above). The commits that lost
 * fail; the rollbacks go on failing their requests. Returns true when this one lost.
 */
export function sessionCommitted(w: World, req: Request): boolean {
  const proc = req.proc;
  if (!proc || !req.sessionCommit) return false;
  req.sessionCommit = false;
  sessionRelease(w, req);
  if (proc.txCommitter !== req) return false;
  const racers: Request[] = [];
  const q = proc.txRacers;
  while (q.length > 0) {
    const r = q.shift()!;
    if (r.gen === q.lastTag && r.step === S.TX_WAIT) racers.push(r);
  }
  const closer = w.rng.below(1 + racers.length);
  proc.tx = TX.NONE;
  proc.txCommitter = null;
  proc.txConn = null;
  for (let i = 0; i < racers.length; i++) {
    const r = racers[i]!;
    if (r.failKind >= 0) w.resumeAfter(r, S.FAIL, 0);
    else if (i + 1 === closer) w.resumeAfter(r, S.TX_WON, 0);
    else failSoon(w, r, V.commitLost);
  }
  return closer !== 0;
}

/**
 * A failed request rolls the Session back (the app's error handler). True when the
 * rollback waits for another thread's commit (the request resumes at S.FAIL after it).
 */
export function sessionRollback(w: World, req: Request, kind: number, variant: number): boolean {
  const proc = req.proc;
  if (!proc || !proc.alive || req.rolledBack) return false;
  req.rolledBack = true;
  if (proc.tx === TX.ACTIVE) {
    proc.tx = TX.NONE;
    proc.txConn = null;
  }
  if (proc.tx !== TX.PREPARED || proc.txCommitter === req) return false;
  req.failKind = kind;
  req.failVariant = variant;
  req.step = S.TX_WAIT;
  proc.txRacers.push(req, req.gen);
  return true;
}

/** The request stops where it is (interrupted, or its worker died): give up its place. */
export function sessionAbandon(w: World, req: Request): void {
  if (req.step === S.SESSION_WAIT || req.step === S.TX_WAIT) req.step = S.RUNNING;
  req.sessionPing = false;
  if (req.sessionCommit) sessionCommitted(w, req);
  else sessionRelease(w, req);
}
