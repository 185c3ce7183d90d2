// Gunicorn: a master per server forks `workers` workers; each worker serves requests
// on `threads` threads (1: the sync worker; more: gthread).
// https://docs.gunicorn.org/en/stable/design.html
// https://docs.gunicorn.org/en/stable/settings.html
//
// - Which worker takes a request: all workers of a server wait on one listening socket
//   and race to accept() a new connection (Gunicorn 20.1; see idleSyncWorker and
//   raceWinner). A sync worker accepts only when idle: the most recently idle one wins;
//   with none idle, the connection waits in the backlog until a worker finishes. A gthread
//   worker accepts even with every thread busy and queues the connection in its own
//   thread pool, so requests can wait in one worker while another has free threads.
// - Python time (app_ms) needs the worker's GIL and one of the server's cores, first
//   come first served; it runs without preemption (no 5 ms switch interval).
// - preload_app: the app (and its Engine) is created in the master, before fork; with
//   master_connects its import-time query leaves a live connection in the master's
//   pool, which fork copies into every worker (FD table and pool). Workers are forked
//   0-100 ms apart (Arbiter.spawn_workers sleeps 0.1 * random()).
// - Hooks run in the child: post_fork right after fork (before the app is loaded when
//   preload_app is off), post_worker_init after load_wsgi, before the first request.
// - A sync worker busy past timeout is killed by the master's loop (about once a
//   second, murder_workers); gthread's main thread keeps the heartbeat. max_requests
//   (+ jitter) ends a worker gracefully after that many requests. Either way the master
//   forks a replacement, which inherits the master's pool again.
import { closeFd, inheritFds } from './fd-table';
import {
  collectHeld,
  createPool,
  disposePool,
  inheritPool,
  openImportConnection,
} from './queue-pool';
import { killRequest, startRequest } from './request';
import { PH, TT } from './trace';
import { K, Proc, S, Server, type Request, type World } from './world';

/** Booting a worker: fork + imports already done in the master. */
const BOOT_PRELOADED_US = 2_000;
/** Booting a worker that imports the app itself (preload_app off). */
const BOOT_IMPORT_US = 50_000;
const MASTER_LOOP_US = 1_000_000;
/** gthread accept race: each later racer in wake (boot) order wins 0.7 times as often (raceWinner). */
const ACCEPT_WAKE_RATIO = 0.7;
/**
 * gunicorn's worker_connections (default 1000): a gthread worker stops accepting while it
 * has this many connections (running or queued for a thread). gunicorn/workers/gthread.py.
 */
export const WORKER_CONNECTIONS = 1000;

function newProc(w: World, server: Server, parent: Proc | null, threads: number): Proc {
  const proc = new Proc(w.procs.length, server, parent === null, parent, threads);
  w.procs.push(proc);
  w.tr?.emit(TT.PROC_START, proc.id, parent ? parent.id : -1, server.index, parent ? 1 : 0);
  return proc;
}

export function bootServers(w: World): void {
  const app = w.sc.app;
  for (let i = 0; i < app.servers; i++) {
    const server = new Server(i, app.cores);
    w.servers.push(server);
    const master = newProc(w, server, null, 0);
    server.master = master;
    let forkAt = 0;
    if (app.preload_app) {
      master.pool = createPool(w, master);
      if (app.master_connects) {
        openImportConnection(w, master);
        forkAt = w.eff.connectUs + w.eff.queryUs;
      }
    }
    let lastFork = 0;
    for (let k = 0; k < app.workers; k++) {
      lastFork = Math.round(forkAt);
      w.q.at(lastFork, K.FORK, i, 0);
      forkAt += w.rng.below(100_000);
    }
    // The load begins once the last worker of every server is ready (forkWorker's boot),
    // 1 µs later so that the worker's own ready event comes first.
    w.loadStartUs = Math.max(w.loadStartUs, lastFork + bootUs(w) + 1);
    if (w.eff.syncWorkers && w.eff.timeoutUs > 0) w.q.at(MASTER_LOOP_US, K.MASTER_TICK, i, 0);
  }
}

export function forkWorker(w: World, server: Server): void {
  const app = w.sc.app;
  const master = server.master;
  const child = newProc(w, server, master, app.threads);
  server.workers.push(child);
  w.m.forks++;
  inheritFds(w, master, child);
  if (app.max_requests > 0)
    child.maxRequests = app.max_requests + w.rng.below(app.max_requests_jitter + 1);
  if (app.preload_app) {
    inheritPool(w, master, child);
    w.m.inheritedConnections += child.pool!.idle.length;
    runHook(w, child, app.post_fork);
  }
  w.q.after(bootUs(w), K.WORKER_READY, child.id, 0);
}

/** From fork to ready: the boot, and the app's import (with its query) when not preloaded. */
function bootUs(w: World): number {
  const app = w.sc.app;
  let boot = app.preload_app ? BOOT_PRELOADED_US : BOOT_IMPORT_US;
  if (!app.preload_app && app.master_connects) boot += w.eff.connectUs + w.eff.queryUs;
  return boot;
}

function runHook(w: World, proc: Proc, hook: string): void {
  if (hook === 'dispose_close_false') disposePool(w, proc, false);
  else if (hook === 'dispose_close_true') disposePool(w, proc, true);
}

export function workerReady(w: World, proc: Proc): void {
  if (!proc.alive) return;
  const app = w.sc.app;
  if (!app.preload_app) {
    proc.pool = createPool(w, proc);
    if (app.master_connects) openImportConnection(w, proc);
  }
  runHook(w, proc, app.post_worker_init);
  proc.accepting = true;
  w.tr?.emit(TT.PROC_READY, proc.id);
  // The new worker's first accept() takes what is waiting in the listening socket's queue:
  // a sync worker one connection, a gthread worker as many as worker_connections allows.
  const server = proc.server;
  while (server.backlog.length > 0 && canAccept(proc)) take(w, proc, server.backlog.shift()!);
  if (w.eff.syncWorkers && proc.freeThreadCount > 0) server.idleWorkers.push(proc);
}

/** The worker can accept another connection (gthread: nr_conns < worker_connections). */
function canAccept(p: Proc): boolean {
  if (!p.alive || !p.accepting) return false;
  return p.freeThreadCount > 0 || (p.threads > 1 && p.busy + p.queue.length < WORKER_CONNECTIONS);
}

/** The worker accepted `req` after the current event: a free thread runs it, or it queues. */
function take(w: World, proc: Proc, req: Request): void {
  if (proc.freeThreadCount > 0) {
    assign(w, req, proc);
    w.resumeAfter(req, S.START, 0);
  } else {
    req.proc = proc;
    proc.queue.push(req);
  }
}

function assign(w: World, req: Request, proc: Proc): void {
  req.proc = proc;
  req.thread = proc.freeThreads[--proc.freeThreadCount]!;
  proc.busy++;
  if (w.eff.syncWorkers) proc.current = req;
  req.step = S.RUNNING;
  w.tr?.emit(TT.REQ_ASSIGN, req.id, proc.id, req.thread);
}

/**
 * Sync workers: an idle worker waits in select() on the listening socket, and select()
 * puts each new waiter at the head of the socket's wait queue, so a new connection wakes
 * the most recently idle worker first, and it wins the accept (LIFO). A worker that has
 * just finished a request tries accept() before select(), so it takes what waits in the
 * backlog (releaseThread). gunicorn/workers/sync.py (20.1) run_for_one.
 */
function idleSyncWorker(server: Server): Proc | null {
  const idle = server.idleWorkers;
  while (idle.length > 0) {
    const p = idle.pop()!;
    if (p.alive && p.accepting && p.freeThreadCount > 0) return p;
  }
  return null;
}

/**
 * gthread workers: every worker's main thread waits in epoll_wait on the listening socket;
 * a new connection wakes them all and the first back in accept() gets it, whether or not
 * it has a free thread (it queues the connection in its own thread pool: gthread.py 20.1
 * accept / enqueue_req; benoitc/gunicorn#3433). A worker whose GIL a request thread holds
 * (Python running) gets back late, as its main thread must wait for the GIL, so it loses
 * to any worker whose GIL is free. The others are not equal either: the kernel wakes them
 * in a fixed order, and the first woken usually gets back first. On the real stack
 * (tests/reality, 4 workers x 8 or 16 threads at 60 req/s, six runs) the workers took
 * 35, 31, 19 and 15 % of the requests on average, the first booted most often the most,
 * never 25 each. So the racer k-th in boot order wins with weight ACCEPT_WAKE_RATIO^k
 * (fitted: 37/28/20/15 % on those runs' load). Checked against the same runs: with 4
 * workers x 16 threads PostgreSQL peaked at 23-25 (this rule 25 over 20 seeds; a uniform
 * draw 26, the longest-idle-thread rule of model revision 1 40, a most-recently-idle rule
 * 14-21), and a shared Session's worker pools peaked at 18-20 (this rule 22; uniform 15).
 */
function raceWinner(w: World, server: Server): Proc | null {
  const ws = server.workers;
  let n = 0;
  let gilFree = 0;
  let only: Proc | null = null;
  for (let i = 0; i < ws.length; i++) {
    const p = ws[i]!;
    if (!canAccept(p)) continue;
    n++;
    only = p;
    if (p.gilHolder === null) gilFree++;
  }
  if (n <= 1) return only;
  const byGil = gilFree > 0;
  // The k-th racer in boot order has weight ACCEPT_WAKE_RATIO^k; one uniform draw picks.
  let u = w.rng.next() * raceWeightTotal(byGil ? gilFree : n);
  let weight = 1;
  for (let i = 0; i < ws.length; i++) {
    const p = ws[i]!;
    if (!canAccept(p) || (byGil && p.gilHolder !== null)) continue;
    u -= weight;
    if (u < 0) return p;
    weight *= ACCEPT_WAKE_RATIO;
  }
  return only;
}

/**
 * The sum of the first `racers` weights (1 + r + r^2 + ...), kept as they are first needed.
 * Summed as products, not with Math.pow, whose last bit may differ between JavaScript
 * engines, so every engine draws the same winner.
 */
const RACE_TOTALS: number[] = [0];
let nextRaceWeight = 1;
function raceWeightTotal(racers: number): number {
  while (RACE_TOTALS.length <= racers) {
    RACE_TOTALS.push(RACE_TOTALS[RACE_TOTALS.length - 1]! + nextRaceWeight);
    nextRaceWeight *= ACCEPT_WAKE_RATIO;
  }
  return RACE_TOTALS[racers]!;
}

/** A request reaches the server (from the load balancer). */
export function acceptRequest(w: World, server: Server, req: Request): void {
  const proc =
    server.backlog.length > 0
      ? null
      : w.eff.syncWorkers
        ? idleSyncWorker(server)
        : raceWinner(w, server);
  if (!proc) {
    server.backlog.push(req);
    return;
  }
  if (proc.freeThreadCount > 0) {
    assign(w, req, proc);
    startRequest(w, req);
  } else {
    req.proc = proc;
    proc.queue.push(req);
  }
}

/**
 * The request is done: its thread takes the next connection the worker queued, or (once
 * below its limit) the worker accepts the next one waiting; else the thread waits.
 */
export function releaseThread(w: World, req: Request, proc: Proc): void {
  if (!proc.alive) return;
  proc.busy--;
  proc.freeThreads[proc.freeThreadCount++] = req.thread;
  proc.served++;
  if (proc.held.length > 0) collectHeld(w, proc);
  if (proc.maxRequests > 0 && proc.served >= proc.maxRequests && !proc.exiting) {
    proc.exiting = true;
    proc.accepting = false;
  }
  const queued = proc.queue.shift();
  if (queued) {
    assign(w, queued, proc);
    w.resumeAfter(queued, S.START, 0);
    return;
  }
  if (proc.exiting) {
    if (proc.busy === 0) exitWorker(w, proc, false);
    return;
  }
  const next = proc.server.backlog.shift();
  if (next) {
    assign(w, next, proc);
    w.resumeAfter(next, S.START, 0);
  } else if (w.eff.syncWorkers) proc.server.idleWorkers.push(proc);
}

/**
 * The worker ends (max_requests or killed). Its pooled connections are not closed one by
 * one (no Terminate): the kernel drops its descriptors, so a connection it shares with the
 * master survives in the other holders. (Observed on the real stack: with max_requests
 * and no hook, the master's connection stayed alive across re-forks; tests/reality.)
 */
function exitWorker(w: World, proc: Proc, killed: boolean): void {
  proc.alive = false;
  proc.accepting = false;
  w.tr?.emit(TT.PROC_EXIT, proc.id, killed ? 1 : 0);
  const pool = proc.pool;
  if (pool) for (const rec of pool.idle.toArray()) w.tr?.emit(TT.CONN_DROP, rec.id, proc.id);
  for (const rec of proc.held) w.tr?.emit(TT.CONN_DROP, rec.id, proc.id);
  proc.held.length = 0;
  proc.heldUntil.length = 0;
  for (const s of [...proc.fds]) closeFd(w, proc, s, false);
  if (pool) {
    while (pool.idle.length > 0) pool.idle.shift();
    pool.open = 0;
    if (pool.checkedOut > 0) w.m.checkedOut.add(-pool.checkedOut, w.now);
    pool.checkedOut = 0;
  }
  const server = proc.server;
  server.workers.splice(server.workers.indexOf(proc), 1);
  if (killed) w.m.workerKills++;
  else w.m.workerExits++;
  w.q.after(0, K.FORK, server.index, 0);
}

/** murder_workers: a sync worker whose request has run past timeout is killed. */
export function masterTick(w: World, server: Server): void {
  for (const proc of [...server.workers]) {
    const req = proc.current;
    if (!proc.alive || !req || req.step === S.DONE) continue;
    if (w.now - req.threadStart <= w.eff.timeoutUs) continue;
    proc.alive = false;
    killRequest(w, req);
    proc.alive = true;
    exitWorker(w, proc, true);
  }
  w.q.after(MASTER_LOOP_US, K.MASTER_TICK, server.index, 0);
}

/**
 * Python time: the worker's GIL, then one of the server's cores, then `us` of work.
 * `next`: the thread gets the GIL next, before the threads already waiting for it (it
 * let the GIL go for a moment's I/O and asked for it back at once; CPython makes the
 * holder drop it within the switch interval).
 */
export function runPython(w: World, req: Request, us: number, step: number, next = false): void {
  req.step = step;
  req.pyUs = us;
  w.tr?.emit(TT.REQ_PHASE, req.id, PH.app);
  const proc = req.proc!;
  if (proc.gilHolder === null) {
    proc.gilHolder = req;
    req.holdsGil = true;
    takeCore(w, req);
  } else if (next) proc.gilQueue.pushFront(req, req.gen);
  else proc.gilQueue.push(req, req.gen);
}

function takeCore(w: World, req: Request): void {
  const server = req.proc!.server;
  if (server.coresFree > 0) {
    server.coresFree--;
    req.holdsCore = true;
    w.q.after(req.pyUs, K.RESUME, req.slot, req.gen);
  } else server.coreQueue.push(req, req.gen);
}

export function pythonDone(w: World, req: Request): void {
  releasePython(w, req);
}

/** Give back the core and the GIL; the next waiters get them. */
export function releasePython(w: World, req: Request): void {
  const proc = req.proc;
  if (!proc) return;
  if (req.holdsCore) {
    req.holdsCore = false;
    const q = proc.server.coreQueue;
    let next: Request | null = null;
    while (q.length > 0) {
      const r = q.shift()!;
      if (r.gen === q.lastTag) {
        next = r;
        break;
      }
    }
    if (next) {
      next.holdsCore = true;
      w.q.after(next.pyUs, K.RESUME, next.slot, next.gen);
    } else proc.server.coresFree++;
  }
  if (req.holdsGil) {
    req.holdsGil = false;
    proc.gilHolder = null;
    const q = proc.gilQueue;
    while (q.length > 0) {
      const r = q.shift()!;
      if (r.gen !== q.lastTag) continue;
      proc.gilHolder = r;
      r.holdsGil = true;
      takeCore(w, r);
      break;
    }
  }
}
