// A run: build the world from the scenario, then process events until the end.
// createSimulation() gives a steppable run (runUntil), for chunked runs with progress
// and cancel; simulate() runs it to the end.
import type { Scenario } from '../scenario/types';
import { fault, scheduleFaults } from './faults';
import { bootServers, forkWorker, masterTick, workerReady } from './gunicorn';
import { arrival, startLoad } from './load';
import { pgbServerConnected, pgbTick, pgbWaitTimeout } from './pgbouncer';
import { connectOtherClients, psDone } from './postgres';
import { buildCheckpoints } from './replay';
import { buildReport, type Report } from './report';
import { onPoolTimeout, resume } from './request';
import { TraceWriter, TT, type Trace } from './trace';
import { K, World } from './world';

export interface SimOptions {
  /** Record a trace (bounded: default 200,000 events). */
  trace?: boolean | { maxEvents: number };
}

export interface SimResult {
  report: Report;
  trace?: Trace;
}

export interface Simulation {
  /** Process every event up to virtual time `tUs` (µs), or to the end. */
  runUntil(tUs: number): void;
  readonly done: boolean;
  /** 0..1: how far the run is. */
  readonly progress: number;
  readonly nowUs: number;
  readonly events: number;
  /** The report (and trace) of the run so far; final once done. */
  result(): SimResult;
}

export const DEFAULT_TRACE_EVENTS = 200_000;

export function createSimulation(scenario: Scenario, options: SimOptions = {}): Simulation {
  const w = new World(scenario);
  if (options.trace) {
    const max = typeof options.trace === 'object' ? options.trace.maxEvents : DEFAULT_TRACE_EVENTS;
    w.tr = new TraceWriter(() => w.q.now, max);
  }
  const servers = w.servers;
  const procs = w.procs;
  const reqs = w.reqs;
  const dispatch = (kind: number, target: number, arg: number): void => {
    switch (kind) {
      case K.RESUME: {
        const req = reqs[target]!;
        if (req.gen === arg) resume(w, req);
        return;
      }
      case K.PS_DONE:
        psDone(w, arg);
        return;
      case K.ARRIVAL:
        arrival(w, target);
        return;
      case K.POOL_TIMEOUT:
        onPoolTimeout(w, target);
        return;
      case K.FORK:
        forkWorker(w, servers[target]!);
        return;
      case K.WORKER_READY:
        workerReady(w, procs[target]!);
        return;
      case K.MASTER_TICK:
        masterTick(w, servers[target]!);
        return;
      case K.PGB_TICK:
        pgbTick(w);
        return;
      case K.PGB_WAIT_TIMEOUT:
        pgbWaitTimeout(w);
        return;
      case K.PGB_SERVER_CONNECTED:
        pgbServerConnected(w, target, arg);
        return;
      case K.FAULT:
        fault(w, target, arg);
        return;
      case K.END:
        w.stopped = true;
        return;
    }
  };

  w.tr?.emit(TT.PG_UP, 1);
  if (w.pgb) w.tr?.emit(TT.PGB_UP, 1);
  connectOtherClients(w);
  bootServers(w);
  if (w.pgb) {
    pgbTick(w);
  }
  w.m.origin = w.loadStartUs;
  scheduleFaults(w);
  startLoad(w);
  const endAt = w.loadStartUs + w.eff.durationUs;
  w.q.at(endAt, K.END, 0, 0);

  let final: SimResult | null = null;
  return {
    runUntil(tUs: number): void {
      if (w.stopped) return;
      w.q.runUntil(Math.min(tUs, endAt), dispatch);
      if (w.q.size === 0) w.stopped = true;
    },
    get done() {
      return w.stopped;
    },
    get progress() {
      if (w.stopped) return 1;
      const byTime = Math.max(0, w.q.now - w.loadStartUs) / w.eff.durationUs;
      const load = w.sc.load;
      const byCount = load.kind === 'closed' ? w.m.completed / load.requests : 0;
      return Math.min(1, Math.max(byTime, byCount));
    },
    get nowUs() {
      return w.q.now;
    },
    get events() {
      return w.q.events;
    },
    result(): SimResult {
      if (final) return final;
      const report = buildReport(w);
      const out: SimResult = { report };
      if (w.tr) {
        const trace = w.tr.finish(w.q.now, report.sim.trace_hash);
        buildCheckpoints(trace);
        out.trace = trace;
      }
      if (w.stopped) final = out;
      return out;
    },
  };
}

/** Run a scenario to the end. */
export function simulate(scenario: Scenario, options: SimOptions = {}): SimResult {
  const sim = createSimulation(scenario, options);
  sim.runUntil(Infinity);
  return sim.result();
}
