// PgBouncer between the app and PostgreSQL. https://www.pgbouncer.org/config.html
//
// Each SQLAlchemy-pooled connection is a PgBouncer *client*; PgBouncer keeps its own
// *server* connections to PostgreSQL, per database/user pair (one pair in the model).
// - A client beyond max_client_conn is refused at login:
//   "no more connections allowed (max_client_conn)".
// - A client gets a server when it sends a query, and keeps it for the session, the
//   transaction or the statement, by pool_mode. Idle servers are reused newest first
//   (server_round_robin = 0).
// - Servers per pool: default_pool_size (0 = unlimited), plus reserve_pool_size once a
//   client has waited reserve_pool_timeout, never above max_db_connections (0 = no limit).
// - A client waiting longer than query_wait_timeout is disconnected; psycopg2 then
//   reports "server closed the connection unexpectedly" (FACTS.md §6, verified live).
// - The janitor (every second in the model) closes servers idle longer than
//   server_idle_timeout down to min_pool_size, opens up to min_pool_size, and lets the
//   reserve pool help clients that waited long enough.
// - A server login PostgreSQL refuses fails the first waiting client and disconnects it
//   (PostgreSQL down: "server login has been failing, try again later (server_login_retry)").
// Simplifications: pre-ping and the rollback on return do not take a server (they cost a
// round trip); statement mode is treated as autocommit.
import { E, V } from './errors';
import { sockDie } from './fd-table';
import { authenticate, endBackend, lastRefusal, runOnBackend, startBackend } from './postgres';
import { interrupt } from './request';
import { CAUSE, TT } from './trace';
import { K, PgbClient, PgbServer, type Request, type World } from './world';

const JANITOR_US = 1_000_000;
/** server_login_retry (default 15 s): after a failed server login, clients needing a server fail at once. */
const SERVER_LOGIN_RETRY_US = 15_000_000;

function loginFailing(w: World): boolean {
  const t = w.pgb!.loginFailing;
  return t >= 0 && w.now - t < SERVER_LOGIN_RETRY_US;
}

const cfg = (w: World) => w.sc.pgbouncer!;

/** A client logs in: the client, or null with the refusal in lastRefusal(). */
export function pgbAdmit(w: World): PgbClient | null {
  const pgb = w.pgb!;
  const r = lastRefusal();
  if (!pgb.up) {
    r.kind = E.connect_refused;
    r.variant = V.pgbouncerDown;
    return null;
  }
  if (pgb.clients >= cfg(w).max_client_conn) {
    r.kind = E.max_client_conn;
    r.variant = 0;
    return null;
  }
  const client = pgb.freeClients.pop() ?? newClient(w);
  client.id = ++w.serial.pgbClient;
  client.gen++;
  client.alive = true;
  client.server = null;
  client.waiting = null;
  client.sock = null;
  pgb.clients++;
  w.m.pgbClients.add(1, w.now);
  w.tr?.emit(TT.PGB_CLIENT, client.id, 1);
  return client;
}

function newClient(w: World): PgbClient {
  const c = new PgbClient();
  c.slot = w.pgb!.clientSlots.length;
  w.pgb!.clientSlots.push(c);
  return c;
}

/** The client connection ends (app closed it, the socket died, PgBouncer restarted). */
export function pgbClientClosed(w: World, client: PgbClient): void {
  if (!client.alive) return;
  const pgb = w.pgb!;
  client.alive = false;
  client.gen++;
  pgb.clients--;
  w.m.pgbClients.add(-1, w.now);
  w.tr?.emit(TT.PGB_CLIENT, client.id, 0);
  const waiting = client.waiting;
  if (waiting) {
    stopWaiting(w, client);
    interrupt(w, waiting, E.connection_closed, 0);
  }
  const server = client.server;
  if (server) {
    unlink(w, client, server);
    // In session mode the server is reset (DISCARD ALL) and reused; a client gone in the
    // middle of a transaction or query leaves a dirty server, which is closed.
    const mid = server.backend?.running != null || cfg(w).pool_mode !== 'session';
    if (mid && server.backend) endBackend(w, server.backend);
    else giveServer(w, server);
  }
  if (client.sock) {
    client.sock.client = null;
    client.sock = null;
  }
  pgb.freeClients.push(client);
}

function stopWaiting(w: World, client: PgbClient): void {
  const pgb = w.pgb!;
  client.waiting = null;
  client.waitGen++;
  pgb.waitingCount--;
  w.m.pgbWaiting.add(-1, w.now);
  w.m.pgbWait.record(w.now - client.waitSince);
  w.tr?.emit(TT.PGB_WAIT, client.id, 0);
}

function link(w: World, client: PgbClient, server: PgbServer): void {
  client.server = server;
  server.client = client;
  w.tr?.emit(TT.PGB_LINK, client.id, server.id);
}

function unlink(w: World, client: PgbClient, server: PgbServer): void {
  client.server = null;
  server.client = null;
  w.tr?.emit(TT.PGB_LINK, client.id, -1);
}

/** Run a query of `req` through its PgBouncer client. */
export function pgbExecute(w: World, req: Request, client: PgbClient, workUs: number): void {
  const server = client.server;
  if (server && server.backend) {
    runOnBackend(w, req, server.backend, workUs);
    return;
  }
  const pgb = w.pgb!;
  const idle = takeIdleServer(w);
  if (idle) {
    w.m.pgbWait.record(0);
    link(w, client, idle);
    runOnBackend(w, req, idle.backend!, workUs);
    return;
  }
  if (loginFailing(w) && pgb.serverCount === 0) {
    interrupt(w, req, E.connect_refused, V.serverLogin);
    if (client.sock) sockDie(w, client.sock, CAUSE.closed);
    return;
  }
  req.workUs = workUs;
  client.waiting = req;
  client.waitSince = w.now;
  client.waitGen++;
  pgb.waiting.push(client, client.waitGen);
  pgb.waitingCount++;
  w.m.pgbWaiting.add(1, w.now);
  w.tr?.emit(TT.PGB_WAIT, client.id, 1);
  const qwt = cfg(w).query_wait_timeout;
  if (qwt > 0 && pgb.waitTimerAt < 0) armWaitTimer(w, w.now + Math.round(qwt * 1e6));
  openServersForWaiters(w, false);
}

/** End of a transaction (transaction mode) or statement (statement mode): the server goes back. */
export function pgbRelease(
  w: World,
  client: PgbClient | null,
  boundary: 'statement' | 'transaction',
): void {
  if (!client || !client.server) return;
  const mode = cfg(w).pool_mode;
  if (mode === 'session' || (mode === 'transaction' && boundary === 'statement')) return;
  const server = client.server;
  unlink(w, client, server);
  giveServer(w, server);
}

function takeIdleServer(w: World): PgbServer | null {
  const idle = w.pgb!.idle;
  while (idle.length > 0) {
    const s = idle.pop()!;
    if (s.alive && !s.connecting && !s.client && idle.lastTag === s.gen) return s;
  }
  return null;
}

function nextWaiter(w: World): PgbClient | null {
  const waiting = w.pgb!.waiting;
  while (waiting.length > 0) {
    const c = waiting.shift()!;
    if (c.alive && c.waiting && waiting.lastTag === c.waitGen) return c;
  }
  return null;
}

/** A server is free: the longest-waiting client gets it, or it goes idle. */
function giveServer(w: World, server: PgbServer): void {
  if (!server.alive || !server.backend) return;
  const client = nextWaiter(w);
  if (client) {
    const req = client.waiting!;
    stopWaiting(w, client);
    link(w, client, server);
    runOnBackend(w, req, server.backend, req.workUs);
    return;
  }
  server.idleSince = w.now;
  server.gen++;
  w.pgb!.idle.push(server, server.gen);
}

function limit(w: World, reserve: boolean): number {
  const c = cfg(w);
  let n =
    c.default_pool_size === 0
      ? Infinity
      : c.default_pool_size + (reserve ? c.reserve_pool_size : 0);
  if (c.max_db_connections > 0) n = Math.min(n, c.max_db_connections);
  return n;
}

function openServersForWaiters(w: World, reserve: boolean): void {
  const pgb = w.pgb!;
  if (loginFailing(w)) return;
  let connecting = 0;
  for (const s of pgb.servers) if (s.connecting) connecting++;
  while (pgb.waitingCount > connecting && pgb.serverCount < limit(w, reserve)) {
    openServer(w);
    connecting++;
  }
}

function openServer(w: World): void {
  const pgb = w.pgb!;
  const server = pgb.freeServers.pop() ?? newServer(w);
  server.id = ++w.serial.pgbServer;
  server.gen++;
  server.alive = true;
  server.connecting = true;
  server.client = null;
  server.backend = startBackend(w, 1);
  if (server.backend) server.backend.server = server;
  const refusal = server.backend ? -1 : lastRefusal().kind;
  pgb.servers.add(server);
  pgb.serverCount++;
  w.m.pgbServers.add(1, w.now);
  w.tr?.emit(TT.PGB_SERVER, server.id, 1, server.backend?.id ?? -1);
  const delay = refusal === E.connect_refused ? w.eff.rttUs : w.eff.connectUs;
  w.q.after(delay, K.PGB_SERVER_CONNECTED, server.slot, server.gen);
}

function newServer(w: World): PgbServer {
  const s = new PgbServer();
  s.slot = w.pgb!.serverSlots.length;
  w.pgb!.serverSlots.push(s);
  return s;
}

export function pgbServerConnected(w: World, slot: number, gen: number): void {
  const server = w.pgb!.serverSlots[slot];
  if (!server || server.gen !== gen || !server.alive) return;
  server.connecting = false;
  const be = server.backend;
  if (be) be.server = null;
  if (be && authenticate(w, be)) {
    be.server = server;
    w.pgb!.loginFailing = -1;
    giveServer(w, server);
    return;
  }
  const downOrRefused = be
    ? lastRefusal()
    : { kind: w.pg.up ? E.too_many_clients : E.connect_refused, variant: 0 };
  const kind =
    downOrRefused.kind === E.connect_refused || !w.pg.up ? E.connect_refused : E.too_many_clients;
  const variant = kind === E.connect_refused ? V.serverLogin : downOrRefused.variant;
  dropServer(w, server);
  const client = nextWaiter(w);
  if (client && client.waiting) {
    const req = client.waiting;
    stopWaiting(w, client);
    interrupt(w, req, kind, variant);
    if (client.sock) sockDie(w, client.sock, CAUSE.closed);
  }
  // PgBouncer waits server_login_retry before the next login; the janitor retries.
  w.pgb!.loginFailing = w.now;
}

function dropServer(w: World, server: PgbServer): void {
  const pgb = w.pgb!;
  if (!server.alive) return;
  server.alive = false;
  server.gen++;
  pgb.servers.delete(server);
  pgb.serverCount--;
  w.m.pgbServers.add(-1, w.now);
  w.tr?.emit(TT.PGB_SERVER, server.id, 0, server.backend?.id ?? -1);
  const be = server.backend;
  server.backend = null;
  if (be) {
    be.server = null;
    if (be.alive) endBackend(w, be);
  }
  pgb.freeServers.push(server);
}

/** The server's backend ended: PgBouncer drops it and disconnects a client linked to it. */
export function pgbServerLost(w: World, server: PgbServer): void {
  const client = server.client;
  if (client) unlink(w, client, server);
  dropServer(w, server);
  if (client && client.sock) sockDie(w, client.sock, CAUSE.terminated);
  else if (client) pgbClientClosed(w, client);
  openServersForWaiters(w, false);
}

// query_wait_timeout: one timer for the oldest waiting client (deadlines come in
// queue order), re-armed for the next one.
function armWaitTimer(w: World, at: number): void {
  w.pgb!.waitTimerAt = at;
  w.q.at(at, K.PGB_WAIT_TIMEOUT, 0, 0);
}

export function pgbWaitTimeout(w: World): void {
  const pgb = w.pgb!;
  pgb.waitTimerAt = -1;
  const timeoutUs = Math.round(cfg(w).query_wait_timeout * 1e6);
  const waiting = pgb.waiting;
  while (waiting.length > 0) {
    const client = waiting.peek()!;
    if (!client.alive || !client.waiting || waiting.peekTag() !== client.waitGen) {
      waiting.shift();
      continue;
    }
    const deadline = client.waitSince + timeoutUs;
    if (deadline > w.now) {
      armWaitTimer(w, deadline);
      return;
    }
    waiting.shift();
    const req = client.waiting;
    stopWaiting(w, client);
    interrupt(w, req, E.query_wait_timeout, 0);
    if (client.sock) sockDie(w, client.sock, CAUSE.queryWaitTimeout);
    else pgbClientClosed(w, client);
  }
}

export function pgbTick(w: World): void {
  const pgb = w.pgb!;
  const c = cfg(w);
  if (pgb.up) {
    if (c.server_idle_timeout > 0) {
      const limitUs = c.server_idle_timeout * 1e6;
      const old: PgbServer[] = [];
      for (const s of pgb.servers)
        if (!s.connecting && !s.client && w.now - s.idleSince > limitUs) old.push(s);
      for (const s of old) if (pgb.serverCount > c.min_pool_size) dropServer(w, s);
    }
    while (pgb.serverCount < c.min_pool_size && pgb.serverCount < limit(w, false)) openServer(w);
    const head = pgb.waiting.length > 0 ? pgb.waiting.peek() : undefined;
    const reserve =
      head !== undefined &&
      head.waiting !== null &&
      w.now - head.waitSince >= c.reserve_pool_timeout * 1e6;
    if (pgb.waitingCount > 0) openServersForWaiters(w, reserve);
  }
  w.q.after(JANITOR_US, K.PGB_TICK, 0, 0);
}

/** PgBouncer restarts: every client and server connection ends; logins refused while down. */
export function pgbDown(w: World): void {
  const pgb = w.pgb!;
  pgb.up = false;
  w.tr?.emit(TT.PGB_UP, 0);
  for (const client of pgb.clientSlots) {
    if (!client.alive) continue;
    if (client.sock) sockDie(w, client.sock, CAUSE.pgbouncerRestart);
    else pgbClientClosed(w, client);
  }
  for (const server of [...pgb.servers]) dropServer(w, server);
}

export function pgbUp(w: World): void {
  w.pgb!.up = true;
  w.tr?.emit(TT.PGB_UP, 1);
}
