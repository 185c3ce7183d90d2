// Process file-descriptor tables and the sockets they point to.
//
// fork() copies the parent's FD table: "the child inherits copies of the parent's set of
// open file descriptors ... each refers to the same open file description"
// (https://man7.org/linux/man-pages/man2/fork.2.html). So after a fork, parent and child
// hold the same TCP connection to PostgreSQL, and libpq warns that using it from both
// "can lead to unpredictable results" (https://www.postgresql.org/docs/current/libpq-connect.html).
//
// What the model does with a socket used by two processes (FACTS.md §3, §11):
// - Without TLS, two uses that overlap in time interleave protocol messages. The backend
//   answers in order and whichever process the kernel wakes first reads the first reply;
//   a reply of the same shape as the one expected passes unnoticed, so only some overlaps
//   break (OVERLAP_MIXUP): both uses then fail with protocol_error ("error with status
//   PGRES_TUPLES_OK and no message from the libpq" / "This result object does not return
//   rows"). SQLAlchemy does not see a disconnect, so the connection stays pooled and
//   overlaps go on. A mix-up that surfaces at the rollback ending a request leaves the
//   connection held by the exception until the worker's garbage collector frees it; the
//   finalizer's reset then often fails too, and closing the invalidated connection sends
//   Terminate, which ends the shared backend (queue-pool.ts). After that each holder gets
//   one connection_closed and opens its own connection; until then the burst goes on.
//   Uses that do not overlap work, as they do on the real stack.
// - With TLS, the session keys and sequence numbers live in the memory of the process
//   that last used the socket: the first use by any other process fails with ssl_error
//   ("SSL error: decryption failed or bad record mac") and the server ends the backend
//   at once; later users read EOF ("SSL SYSCALL error: EOF detected").
// - Closing: libpq's PQfinish sends Terminate, so a process that closes a pooled
//   connection (dispose(), invalidation, recycle, overflow close, graceful exit) ends
//   the backend for every process that shares it. A process that dies (a killed worker)
//   only drops its descriptor; the server sees EOF when the last holder is gone.
import { E, V, OK } from './errors';
import { CAUSE, TT } from './trace';
import type { Proc, Request, Sock, World } from './world';
import { endBackend } from './postgres';
import { pgbClientClosed } from './pgbouncer';
import { Sock as SockClass } from './world';

/**
 * The share of overlapping uses of a shared socket that break a reply. Calibrated on the
 * real stack (tests/reality, Gunicorn 20.1, psycopg2 2.9, PostgreSQL 15): 2 sync workers
 * using the master's connection for 600 requests (max-requests-refork: 516-522 uses by the
 * workers, most of them overlapping) failed only 11-12 of them; 4 sync workers failed
 * 20-21 in their first 1-3 s (fork-shared-no-hook, shared-socket-sync-workers); FACTS.md
 * §11 saw 13-62.
 */
export const OVERLAP_MIXUP = 0.05;
export function newSock(w: World, opener: Proc): Sock {
  // Sockets are not reused: records in other processes' pools may still point at them.
  const s = new SockClass();
  s.id = ++w.serial.sock;
  s.alive = true;
  s.cause = 0;
  s.refs = 1;
  s.opener = opener;
  s.lastUser = opener;
  s.activeUses = 0;
  s.activeProc = null;
  s.activeReq = null;
  s.overlaps = 0;
  s.backend = null;
  s.client = null;
  s.lastActive = w.now;
  opener.fds.push(s);
  return s;
}

/** fork(): the child's FD table is a copy of the parent's. */
export function inheritFds(w: World, parent: Proc, child: Proc): void {
  for (const s of parent.fds) {
    child.fds.push(s);
    s.refs++;
    w.tr?.emit(TT.FD_INHERIT, s.id, child.id);
  }
}

/**
 * A process closes its descriptor. With `terminate` (libpq PQfinish) the server is told
 * to end the session, which breaks it for every other holder; without (process death),
 * the connection ends only when the last holder is gone.
 */
export function closeFd(w: World, proc: Proc, s: Sock, terminate: boolean): void {
  const i = proc.fds.indexOf(s);
  if (i < 0) return;
  proc.fds.splice(i, 1);
  s.refs--;
  w.tr?.emit(TT.FD_CLOSE, s.id, proc.id);
  if (s.alive && (terminate || s.refs === 0)) sockDie(w, s, terminate ? CAUSE.closed : CAUSE.exit);
}

/** The connection ends (either side). Holders find out on their next use. */
export function sockDie(w: World, s: Sock, cause: number): void {
  if (!s.alive) return;
  s.alive = false;
  s.cause = cause;
  w.tr?.emit(TT.SOCK_DEAD, s.id, cause);
  const be = s.backend;
  if (be) {
    s.backend = null;
    be.sock = null;
    if (be.alive) endBackend(w, be);
  }
  const client = s.client;
  if (client) {
    s.client = null;
    client.sock = null;
    if (client.alive) pgbClientClosed(w, client);
  }
}

/** The error a use of a dead socket reports. */
function deadError(w: World, s: Sock, req: Request): number {
  if (s.cause === CAUSE.tls) {
    // Later users of a socket whose TLS session broke read EOF ("SSL SYSCALL error:
    // EOF detected" / "server closed the connection unexpectedly"): a disconnect.
    req.failVariant = V.eof;
    return E.connection_closed;
  }
  if (s.cause === CAUSE.queryWaitTimeout) return E.query_wait_timeout;
  void w;
  req.failVariant = 0;
  return E.connection_closed;
}

/**
 * Begin one use of the socket (a query, a ping, a rollback) by `proc` for `req`.
 * Returns OK, or the error kind the use fails with at once. An overlap is not an
 * immediate failure: both uses are marked and fail when their reply is read.
 */
export function beginUse(w: World, s: Sock, proc: Proc, req: Request): number {
  req.corrupt = -1;
  if (!s.alive) return deadError(w, s, req);
  const idle = w.eff.idleDropUs;
  if (idle >= 0 && s.activeUses === 0 && w.now - s.lastActive > idle) {
    // A firewall or NAT dropped the idle connection silently; the next use finds out.
    // (PostgreSQL would keep the orphaned backend until TCP keepalive ends it; the model
    // frees its slot now.)
    sockDie(w, s, CAUSE.idleDrop);
    return deadError(w, s, req);
  }
  if (proc !== s.opener) w.m.sharedSocketUses++;
  if (w.eff.tls && s.lastUser !== null && s.lastUser !== proc) {
    req.failVariant = V.plain;
    if (s.activeReq && s.activeUses > 0) s.activeReq.corrupt = E.ssl_error;
    sockDie(w, s, CAUSE.tls);
    return E.ssl_error;
  }
  if (s.activeUses > 0 && s.activeProc !== proc && w.rng.next() < OVERLAP_MIXUP) {
    req.corrupt = E.protocol_error;
    if (s.activeReq) s.activeReq.corrupt = E.protocol_error;
    s.overlaps++;
  }
  s.activeUses++;
  s.activeProc = proc;
  s.activeReq = req;
  s.lastUser = proc;
  req.usingSock = s;
  return OK;
}

export function endUse(w: World, req: Request): void {
  const s = req.usingSock;
  if (!s) return;
  req.usingSock = null;
  s.activeUses--;
  s.lastActive = w.now;
  if (s.activeReq === req) s.activeReq = null;
  if (s.activeUses === 0) s.activeProc = null;
}
