// The DBAPI connection (psycopg2 over libpq): connect, execute, ping and rollback over
// one socket, to PostgreSQL directly or to PgBouncer. Each operation is asynchronous in
// virtual time and resumes the request at a given step of its program (request.ts).
// https://www.psycopg.org/docs/connection.html
import { E, OK, V } from './errors';
import { beginUse, endUse, newSock } from './fd-table';
import { pgbAdmit, pgbClientClosed, pgbExecute, pgbRelease } from './pgbouncer';
import { authenticate, endBackend, lastRefusal, runOnBackend, startBackend } from './postgres';
import { queryDone, sessionCheckout } from './request';
import {
  dropBorrow,
  sessionBorrow,
  sessionConnLive,
  sessionRelease,
  sessionTurn,
  sessionUse,
} from './session';
import { PH, TT } from './trace';
import { S, type Request, type Sock, type World } from './world';

/** Open a new connection for req's process; resumes at S.CONNECTED (see finishConnect). */
export function connect(
  w: World,
  req: Request,
  onConnected: (w: World, req: Request) => void,
): void {
  w.tr?.emit(TT.REQ_PHASE, req.id, PH.connect);
  req.dialFail = -1;
  let delay: number;
  if (w.pgb) {
    const client = pgbAdmit(w);
    if (client) {
      req.dialClient = client;
      delay = w.eff.pgbConnectUs;
    } else {
      req.dialFail = lastRefusal().kind;
      req.dialVariant = lastRefusal().variant;
      delay = req.dialFail === E.connect_refused ? w.eff.rttUs : w.eff.pgbConnectUs;
    }
  } else {
    const be = startBackend(w, 0);
    if (be) {
      req.dialBackend = be;
      delay = w.eff.connectUs;
    } else {
      req.dialFail = lastRefusal().kind;
      req.dialVariant = lastRefusal().variant;
      delay = req.dialFail === E.connect_refused ? w.eff.rttUs : w.eff.connectUs;
    }
  }
  if (delay > 0) w.resumeAfter(req, S.CONNECTED, delay);
  else onConnected(w, req);
}

/** At S.CONNECTED: the new socket, or null with req.failKind / req.failVariant set. */
export function finishConnect(w: World, req: Request): Sock | null {
  const proc = req.proc!;
  if (req.dialFail >= 0) {
    req.failKind = req.dialFail;
    req.failVariant = req.dialVariant;
    return null;
  }
  const be = req.dialBackend;
  if (be) {
    req.dialBackend = null;
    if (!be.alive || !authenticate(w, be)) {
      // Refused for the reserved slots after authentication, or the server went away meanwhile.
      const refused = be.alive === false && lastRefusal().kind === E.too_many_clients && w.pg.up;
      req.failKind = refused
        ? E.too_many_clients
        : w.pg.up
          ? E.connection_closed
          : E.connect_refused;
      req.failVariant = refused ? lastRefusal().variant : 0;
      return null;
    }
    const sock = newSock(w, proc);
    sock.backend = be;
    be.sock = sock;
    w.m.connects++;
    w.tr?.emit(TT.SOCK_OPEN, sock.id, proc.id, 0, be.id);
    return sock;
  }
  const client = req.dialClient!;
  req.dialClient = null;
  if (!client.alive) {
    req.failKind = E.connection_closed;
    req.failVariant = 0;
    return null;
  }
  const sock = newSock(w, proc);
  sock.client = client;
  client.sock = sock;
  w.m.connects++;
  w.tr?.emit(TT.SOCK_OPEN, sock.id, proc.id, 1, client.id);
  return sock;
}

/** Give up a connect in progress (the worker died): the half-open session ends. */
export function abandonConnect(w: World, req: Request): void {
  const be = req.dialBackend;
  req.dialBackend = null;
  if (be && be.alive) endBackend(w, be);
  const client = req.dialClient;
  req.dialClient = null;
  if (client && client.alive) pgbClientClosed(w, client);
}

/** Run one query on req.conn; resumes the request with queryDone. */
export function execute(w: World, req: Request): void {
  if (w.eff.globalSession) {
    if (!sessionUse(w, req)) return;
    if (req.borrowed && !sessionBorrow(w, req)) {
      // The transaction it joined has ended: the Session begins one, with a checkout.
      sessionCheckout(w, req);
      return;
    }
    if (!sessionTurn(w, req)) return;
  }
  executeNow(w, req);
}

/** The query runs now (with a shared Session: its turn on the connection came). */
export function executeNow(w: World, req: Request): void {
  if (req.borrowed && !sessionConnLive(req)) {
    // The Session's connection was closed under it while it waited its turn.
    sessionRelease(w, req);
    dropBorrow(req);
    req.failKind = E.session_state;
    req.failVariant = V.staleConnection;
    w.resumeAfter(req, S.FAIL, 0);
    return;
  }
  const sock = req.conn!.sock!;
  w.tr?.emit(TT.REQ_PHASE, req.id, PH.query);
  const code = beginUse(w, sock, req.proc!, req);
  if (code !== OK) {
    sessionRelease(w, req);
    req.failKind = req.borrowed ? E.session_state : code;
    req.failVariant = req.borrowed ? V.staleConnection : 0;
    w.resumeAfter(req, S.FAIL, 0);
    return;
  }

  const work = w.sample(w.eff.queryUs);
  if (sock.backend) runOnBackend(w, req, sock.backend, work);
  else if (sock.client) pgbExecute(w, req, sock.client, work);
}

/** The server finished the query (postgres.ts); the reply takes one round trip. */
export function queryExecuted(w: World, req: Request): void {
  const sock = req.usingSock;
  // A thread of a shared Session whose statement waited its turn while another thread's
  // commit put the connection back ran it on the pooled connection all the same.
  if (req.borrowed && req.conn && !req.conn.out) req.conn.dirty = true;
  endUse(w, req);
  sessionRelease(w, req);
  if (sock?.client) pgbRelease(w, sock.client, 'statement');
  if (w.eff.rttUs > 0) w.resumeAfter(req, S.QUERY_DONE, w.eff.rttUs);
  else queryDone(w, req);
}

/** A round trip on the socket (pre-ping, rollback); resumes at `step`, or calls `then` at once when rtt is 0. */
export function roundTrip(
  w: World,
  req: Request,
  sock: Sock,
  step: number,
  then: (w: World, req: Request) => void,
): void {
  w.tr?.emit(TT.REQ_PHASE, req.id, step === S.PINGED ? PH.ping : PH.returning);
  if (
    w.eff.rttUs === 0 &&
    step === S.RETURNED &&
    sock.alive &&
    sock.lastUser === req.proc &&
    sock.lastActive === w.now
  ) {
    // A zero-length rollback right after this process's own query: nothing to detect.
    req.useCode = OK;
    then(w, req);
    return;
  }
  req.useCode = beginUse(w, sock, req.proc!, req);
  if (req.useCode === OK && w.eff.rttUs > 0) w.resumeAfter(req, step, w.eff.rttUs);
  else then(w, req);
}

/** After roundTrip: OK or the error kind it met. */
export function roundTripResult(w: World, req: Request, sock: Sock): number {
  const began = req.usingSock === sock;
  endUse(w, req);
  if (req.useCode !== OK) return req.useCode;
  // A round trip that overlapped another process's use corrupts that use (fd-table.ts)
  // but reads a plausible reply itself: only a broken TLS session or a dead socket fails it.
  if (began && req.corrupt >= 0 && req.corrupt !== E.protocol_error) return req.corrupt;
  if (!sock.alive) return E.connection_closed;
  return OK;
}

/** A connection opened while the app is imported (master_connects); its time is part of the boot. */
export function importConnect(w: World, proc: import('./world').Proc): Sock | null {
  if (w.pgb) {
    const client = pgbAdmit(w);
    if (!client) return null;
    const sock = newSock(w, proc);
    sock.client = client;
    client.sock = sock;
    w.tr?.emit(TT.SOCK_OPEN, sock.id, proc.id, 1, client.id);
    return sock;
  }
  const be = startBackend(w, 0);
  if (!be || !authenticate(w, be)) return null;
  const sock = newSock(w, proc);
  sock.backend = be;
  be.sock = sock;
  w.tr?.emit(TT.SOCK_OPEN, sock.id, proc.id, 0, be.id);
  return sock;
}
