// PostgreSQL: one backend process per connection, a fixed number of slots, and CPUs.
// https://www.postgresql.org/docs/current/connect-estab.html
// https://www.postgresql.org/docs/current/runtime-config-connection.html
//
// Admission follows InitProcess/InitPostgres (postinit.c): a new connection that finds
// no free PGPROC slot is refused with "sorry, too many clients already"; otherwise its
// backend takes a slot, authenticates, and is then refused if fewer than
// superuser_reserved_connections slots would stay free ("remaining connection slots are
// reserved for roles with the SUPERUSER attribute", PG 16+; PG <= 15 says "...for
// non-replication superuser connections"). That check runs after authentication, so
// the refusal still costs a whole connect. So the app role can hold at most
// max_connections - superuser_reserved_connections backends.
//
// CPU: queries beyond `cores` at once share the CPU equally (processor sharing). It is
// done with virtual time: V, the service each running query has received, advances at
// rate min(1, cores / n); a query finishes when V reaches its start V + its work. Only the
// next completion is scheduled; arrivals and departures reschedule it (a generation
// counter drops the stale one). Each change is O(log n).
import { E, V as Variant } from './errors';
import { TT } from './trace';
import { Backend, K, type Request, type World } from './world';
import { interrupt } from './request';
import { queryExecuted } from './dbapi';
import { pgbServerLost } from './pgbouncer';

export interface Refusal {
  kind: number;
  variant: number;
}

const refusal: Refusal = { kind: -1, variant: 0 };

/** The refusal of the last startBackend() that returned null. */
export function lastRefusal(): Refusal {
  return refusal;
}

/** A client connects: a backend with a slot, or null (see lastRefusal). kind: 0 app, 1 pgbouncer, 2 other. */
export function startBackend(w: World, kind: number): Backend | null {
  const pg = w.pg;
  if (!pg.up) {
    refusal.kind = E.connect_refused;
    refusal.variant = Variant.plain;
    return null;
  }
  if (pg.used >= w.sc.postgres.max_connections) {
    refusal.kind = E.too_many_clients;
    refusal.variant = Variant.plain;
    pg.refused++;
    return null;
  }
  const be = new Backend();
  be.id = ++w.serial.backend;
  be.kind = kind;
  pg.used++;
  pg.backends.add(be);
  w.m.pgConnections.add(1, w.now);
  w.tr?.emit(TT.BE_START, be.id, kind);
  return be;
}

/** After authentication: the reserved-slot check. False (and the backend gone) if refused. */
export function authenticate(w: World, be: Backend): boolean {
  const pg = w.pg;
  if (!be.alive) return false;
  const free = w.sc.postgres.max_connections - pg.used;
  if (free < w.sc.postgres.superuser_reserved_connections) {
    refusal.kind = E.too_many_clients;
    refusal.variant = Variant.reserved;
    pg.refused++;
    endBackend(w, be);
    return false;
  }
  be.ready = true;
  pg.opened++;
  return true;
}

/** The backend exits (client gone, terminated, restart). A query it was running fails. */
export function endBackend(w: World, be: Backend): void {
  if (!be.alive) return;
  be.alive = false;
  const pg = w.pg;
  pg.used--;
  pg.backends.delete(be);
  w.m.pgConnections.add(-1, w.now);
  w.tr?.emit(TT.BE_END, be.id);
  const sock = be.sock;
  if (sock) {
    be.sock = null;
    sock.backend = null;
    if (sock.alive) {
      sock.alive = false;
      sock.cause = sock.cause || 2;
      w.tr?.emit(TT.SOCK_DEAD, sock.id, sock.cause);
    }
  }
  const running = be.running;
  if (running) {
    be.running = null;
    interrupt(w, running, E.connection_closed, 0);
  }
  const server = be.server;
  if (server) {
    be.server = null;
    pgbServerLost(w, server);
  }
}

// --- processor sharing -------------------------------------------------------------

function rate(w: World, n: number): number {
  const cores = w.eff.pgCores;
  return n <= cores ? 1 : cores / n;
}

function advance(w: World): void {
  const pg = w.pg;
  const n = pg.psHeap.length;
  if (n > 0) pg.psV += (w.now - pg.psLast) * rate(w, n);
  pg.psLast = w.now;
}

function less(a: Request, b: Request): boolean {
  return a.psTag < b.psTag || (a.psTag === b.psTag && a.psSeq < b.psSeq);
}

function siftUp(h: Request[], i: number): void {
  const x = h[i]!;
  while (i > 0) {
    const p = (i - 1) >> 1;
    const y = h[p]!;
    if (!less(x, y)) break;
    h[i] = y;
    y.psPos = i;
    i = p;
  }
  h[i] = x;
  x.psPos = i;
}

function siftDown(h: Request[], i: number): void {
  const n = h.length;
  const x = h[i]!;
  for (;;) {
    let c = 2 * i + 1;
    if (c >= n) break;
    if (c + 1 < n && less(h[c + 1]!, h[c]!)) c++;
    const y = h[c]!;
    if (!less(y, x)) break;
    h[i] = y;
    y.psPos = i;
    i = c;
  }
  h[i] = x;
  x.psPos = i;
}

function removeAt(h: Request[], i: number): void {
  const last = h.pop()!;
  if (i < h.length) {
    h[i] = last;
    last.psPos = i;
    siftUp(h, i);
    siftDown(h, last.psPos);
  }
}

function reschedule(w: World): void {
  const pg = w.pg;
  const h = pg.psHeap;
  if (h.length === 0) {
    pg.psNextAt = -1;
    return;
  }
  const dt = Math.max(0, Math.ceil((h[0]!.psTag - pg.psV) / rate(w, h.length) - 1e-6));
  const at = w.now + dt;
  if (at === pg.psNextAt) return;
  pg.psNextAt = at;
  pg.psGen = (pg.psGen + 1) | 0;
  w.q.at(at, K.PS_DONE, 0, pg.psGen);
}

/** Run `workUs` of query work for `req` on backend `be`. */
export function runOnBackend(w: World, req: Request, be: Backend, workUs: number): void {
  const pg = w.pg;
  advance(w);
  be.running = req;
  w.tr?.emit(TT.BE_BUSY, be.id, 1);
  req.psTag = pg.psV + workUs;
  req.psSeq = pg.psSeq++;
  pg.psHeap.push(req);
  siftUp(pg.psHeap, pg.psHeap.length - 1);
  req.qBackend = be;
  // Below `cores` the rate stays 1: unless this query is now the first to finish, the
  // scheduled completion still holds.
  if (pg.psNextAt >= 0 && pg.psHeap[0] !== req && pg.psHeap.length <= w.eff.pgCores) return;
  reschedule(w);
}

/** Take a query off the CPU without finishing it (its backend or its worker died). */
export function cancelQuery(w: World, req: Request): void {
  if (req.psPos < 0) return;
  advance(w);
  removeAt(w.pg.psHeap, req.psPos);
  req.psPos = -1;
  const be = req.qBackend;
  if (be && be.running === req) {
    be.running = null;
    w.tr?.emit(TT.BE_BUSY, be.id, 0);
  }
  req.qBackend = null;
  reschedule(w);
}

export function psDone(w: World, gen: number): void {
  const pg = w.pg;
  if (gen !== pg.psGen) return;
  pg.psNextAt = -1;
  advance(w);
  const h = pg.psHeap;
  const due = pg.psDue;
  while (h.length > 0 && h[0]!.psTag <= pg.psV + 1e-3) {
    const req = h[0]!;
    removeAt(h, 0);
    req.psPos = -1;
    due.push(req);
  }
  reschedule(w);
  for (let i = 0; i < due.length; i++) {
    const req = due[i]!;
    const be = req.qBackend;
    req.qBackend = null;
    if (be && be.running === req) {
      be.running = null;
      w.tr?.emit(TT.BE_BUSY, be.id, 0);
    }
    queryExecuted(w, req);
  }
  due.length = 0;
}

/** Other clients (cron, Celery...) hold their connections from the start. */
export function connectOtherClients(w: World): void {
  let want = 0;
  for (const c of w.sc.other_clients) want += c.connections;
  for (let i = w.pg.otherHeld; i < want; i++) {
    const be = startBackend(w, 2);
    if (!be || !authenticate(w, be)) break;
    w.pg.otherHeld++;
  }
}

/** A fault ends backends: every app backend (terminate_backends) or all of them (restart). */
export function endBackends(w: World, includeOthers: boolean): void {
  const victims: Backend[] = [];
  for (const be of w.pg.backends) if (includeOthers || be.kind !== 2) victims.push(be);
  for (const be of victims) {
    if (be.kind === 2) w.pg.otherHeld--;
    if (be.sock) be.sock.cause = includeOthers ? 3 : 2;
    endBackend(w, be);
  }
}
