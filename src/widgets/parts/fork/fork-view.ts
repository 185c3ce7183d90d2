// What the ForkExplorer draws at one instant, read from the engine's snapshot
// (stateAt): each Gunicorn process with its FD table, each socket with the
// processes whose FD table holds it and the processes whose pool uses it, and
// the PostgreSQL backend at its other end. Pure: no DOM, no React.
//
// "Holds" and "uses" differ on purpose. fork() copies the FD table, so every
// child holds the master's sockets (https://man7.org/linux/man-pages/man2/fork.2.html);
// engine.dispose(close=False) drops the child's pool without touching the
// descriptor, so the socket stays held but is no longer used by that child
// (https://docs.sqlalchemy.org/en/20/core/pooling.html#using-connection-pools-with-multiprocessing-or-os-fork).
// Two processes whose pools use one socket is what breaks.
import type { Snapshot } from '../../../engine/index';

export interface FdRow {
  socket: number;
  /** The descriptor came from the parent at fork (this process did not open the socket). */
  inherited: boolean;
  /** This process's pool has a connection on the socket. */
  inPool: boolean;
  /** This process has the connection checked out at this instant (a query, a ping...). */
  inUse: boolean;
  /** The socket's connection has ended (the descriptor may still be open). */
  dead: boolean;
}

export interface ProcView {
  id: number;
  pid: number;
  role: 'master' | 'worker';
  /** e.g. "master pid 1000", "worker pid 1003". */
  label: string;
  disposed: null | 'close_false' | 'close_true';
  rows: FdRow[];
}

export interface SocketView {
  id: number;
  peer: 'postgres' | 'pgbouncer';
  peerId: number;
  alive: boolean;
  /** Why it died (engine SOCK_CAUSES), or "open". */
  cause: string;
  opener: number;
  /** Processes whose FD table holds the socket. */
  holders: number[];
  /** Processes whose pool has a connection on it. */
  users: number[];
  /** Processes with that connection checked out now. */
  activeUsers: number[];
  /** Two or more pools use it: their messages can interleave. */
  shared: boolean;
  /** Held by two or more FD tables, but used by at most one pool. */
  heldOnly: boolean;
  /** The backend at the other end is running a query now. */
  backendBusy: boolean;
}

export interface ForkView {
  tUs: number;
  processes: ProcView[];
  /** Workers that have exited by this instant (max_requests, timeout). */
  exited: number;
  sockets: SocketView[];
  totals: Snapshot['totals'];
}

export function procLabel(role: 'master' | 'worker', pid: number): string {
  return `${role} pid ${pid}`;
}

const byNumber = (a: number, b: number) => a - b;

/** The view at the snapshot's instant: live processes (master first) and every socket still held. */
export function forkView(snapshot: Snapshot): ForkView {
  const users = new Map<number, Set<number>>();
  const active = new Map<number, Set<number>>();
  for (const conn of snapshot.connections) {
    if (!users.has(conn.socket)) users.set(conn.socket, new Set());
    users.get(conn.socket)!.add(conn.proc);
    if (conn.state === 'checked_out') {
      if (!active.has(conn.socket)) active.set(conn.socket, new Set());
      active.get(conn.socket)!.add(conn.proc);
    }
  }
  const busyBackends = new Set(snapshot.postgres.backends.filter((b) => b.busy).map((b) => b.id));
  const sockets: SocketView[] = snapshot.sockets
    .map((s) => {
      const holders = [...s.holders].sort(byNumber);
      const using = [...(users.get(s.id) ?? [])].filter((p) => holders.includes(p)).sort(byNumber);
      const activeUsers = [...(active.get(s.id) ?? [])].filter((p) => using.includes(p));
      return {
        id: s.id,
        peer: s.peer,
        peerId: s.peer_id,
        alive: s.alive,
        cause: s.cause,
        opener: s.opener,
        holders,
        users: using,
        activeUsers: activeUsers.sort(byNumber),
        shared: s.alive && using.length >= 2,
        heldOnly: holders.length >= 2 && using.length <= 1,
        backendBusy: s.alive && s.peer === 'postgres' && busyBackends.has(s.peer_id),
      };
    })
    .sort((a, b) => a.id - b.id);
  const socketById = new Map(sockets.map((s) => [s.id, s]));
  const live = snapshot.processes.filter((p) => p.alive);
  const processes: ProcView[] = [
    ...live.filter((p) => p.role === 'master'),
    ...live.filter((p) => p.role === 'worker'),
  ].map((p) => ({
    id: p.id,
    pid: p.pid,
    role: p.role,
    label: procLabel(p.role, p.pid),
    disposed: p.disposed,
    rows: [...p.fds].sort(byNumber).map((socket) => {
      const s = socketById.get(socket);
      return {
        socket,
        inherited: s ? s.opener !== p.id : false,
        inPool: s ? s.users.includes(p.id) : false,
        inUse: s ? s.activeUsers.includes(p.id) : false,
        dead: s ? !s.alive : true,
      };
    }),
  }));
  return {
    tUs: snapshot.t_us,
    processes,
    exited: snapshot.processes.filter((p) => p.role === 'worker' && !p.alive).length,
    sockets,
    totals: snapshot.totals,
  };
}

/** "a", "a and b", "a, b and c". */
export function listText(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The text equivalent of the picture: who holds which socket, what is shared, the errors so far. */
export function forkSummary(view: ForkView): string {
  const name = new Map(view.processes.map((p) => [p.id, `pid ${p.pid}`]));
  const pids = (ids: number[]) => listText(ids.map((id) => name.get(id) ?? `process ${id}`));
  const workers = view.processes.filter((p) => p.role === 'worker').length;
  const masters = view.processes.filter((p) => p.role === 'master');
  const sentences: string[] = [
    `At ${(view.tUs / 1e6).toFixed(3)} s, ${listText([
      ...masters.map((m) => `the master (pid ${m.pid})`),
      plural(workers, 'worker'),
    ])} ${masters.length + workers === 1 ? 'is' : 'are'} running` +
      (view.exited > 0 ? ` (${plural(view.exited, 'worker')} exited so far).` : '.'),
  ];
  if (view.sockets.length === 0) sentences.push('No process holds a database socket.');
  for (const s of view.sockets) {
    const peer =
      s.peer === 'postgres' ? `PostgreSQL backend ${s.peerId}` : `PgBouncer client ${s.peerId}`;
    let text = `Socket ${s.id} (to ${peer}${s.alive ? '' : `, dead: ${s.cause}`}) is in the FD table of ${pids(s.holders)}`;
    if (s.shared) {
      text += `, and the pools of ${pids(s.users)} all use it: shared by ${s.users.length} processes`;
      if (s.activeUsers.length >= 2)
        text += `; ${pids(s.activeUsers)} are using it at this instant, so their messages interleave`;
      else if (s.activeUsers.length === 1) text += `; ${pids(s.activeUsers)} is using it now`;
    } else if (s.users.length === 1) {
      text += s.holders.length > 1 ? `; only the pool of ${pids(s.users)} uses it` : '';
      if (s.activeUsers.length === 1) text += `${s.holders.length > 1 ? ',' : ';'} in use now`;
    } else {
      text += '; no pool uses it (a descriptor left open)';
    }
    sentences.push(`${text}.`);
  }
  const shared = view.sockets.filter((s) => s.shared).length;
  const heldOnly = view.sockets.filter((s) => s.heldOnly && s.alive).length;
  sentences.push(
    shared === 0
      ? 'No socket is shared between pools.'
      : `${plural(shared, 'socket is', 'sockets are')} shared between pools.`,
  );
  if (heldOnly > 0)
    sentences.push(
      `${plural(heldOnly, 'socket is', 'sockets are')} held by several FD tables but used by one pool at most.`,
    );
  const { ok, failed, errors } = view.totals;
  const failures = Object.entries(errors)
    .filter(([, n]) => n > 0)
    .map(([kind, n]) => `${n} ${kind}`);
  sentences.push(
    `So far ${plural(ok, 'request')} succeeded and ${failed} failed${failures.length ? ` (${failures.join(', ')})` : ''}.`,
  );
  return sentences.join(' ');
}
