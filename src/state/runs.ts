// Runs of the engine for the widgets: one run per (scenario, trace) shared by
// every widget that shows it, small runs on the main thread within a frame,
// long ones in the engine's Web Worker with progress and cancel.
import { createStore } from 'zustand/vanilla';
import { runInWorker } from '../engine/client';
import { simulate, type SimResult } from '../engine/index';
import { expectedRequests } from '../scenario/parse';
import type { Scenario } from '../scenario/types';

/** Estimated events above which a run leaves the main thread (a few ms of work). */
export const MAIN_THREAD_EVENTS = 60_000;

export function estimatedEvents(s: Scenario): number {
  return expectedRequests(s) * (s.app.request.queries + 4);
}

export function runsOnMainThread(s: Scenario): boolean {
  return estimatedEvents(s) <= MAIN_THREAD_EVENTS;
}

const CACHE_SIZE = 8;
const cache = new Map<string, SimResult>();

export function runKey(s: Scenario, trace: boolean): string {
  return `${trace ? 't' : 'n'}:${JSON.stringify(s)}`;
}

function remember(key: string, result: SimResult): SimResult {
  cache.delete(key);
  cache.set(key, result);
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  return result;
}

export function cachedRun(s: Scenario, trace: boolean): SimResult | undefined {
  return cache.get(runKey(s, trace));
}

/** Runs on the calling thread (cached): for small scenarios and for Node. */
export function runNow(s: Scenario, trace: boolean): SimResult {
  const key = runKey(s, trace);
  return cache.get(key) ?? remember(key, simulate(s, { trace }));
}

export interface BackgroundRun {
  /** 0..1 while running. */
  progress: number;
  result: SimResult | null;
  cancelled: boolean;
  cancel: () => void;
}

/** Runs going on in the Web Worker, by run key: widgets showing the same run share it. */
export const backgroundRuns = createStore<Record<string, BackgroundRun>>()(() => ({}));

function setRun(key: string, run: BackgroundRun | undefined): void {
  const next = { ...backgroundRuns.getState() };
  if (run) next[key] = run;
  else delete next[key];
  backgroundRuns.setState(next, true);
}

const users = new Map<string, number>();

/**
 * Starts `s` in the Web Worker unless it is cached or already running; the
 * result lands in the cache and in `backgroundRuns`. Returns the run key.
 * Each call must be paired with releaseBackgroundRun(key): a run nobody waits
 * for any more (a slider moved on) is cancelled rather than left running.
 */
export function startBackgroundRun(s: Scenario, trace: boolean): string {
  const key = runKey(s, trace);
  users.set(key, (users.get(key) ?? 0) + 1);
  const current = backgroundRuns.getState()[key];
  if (cache.has(key) || (current && !current.cancelled)) return key;
  const run = runInWorker(s, { trace }, (p) => {
    const now = backgroundRuns.getState()[key];
    if (now && !now.cancelled) setRun(key, { ...now, progress: p.progress });
  });
  const cancel = () => {
    run.cancel();
    const now = backgroundRuns.getState()[key];
    if (now) setRun(key, { ...now, cancelled: true });
  };
  setRun(key, { progress: 0, result: null, cancelled: false, cancel });
  void run.promise.then((result) => {
    if (!result) return;
    remember(key, result);
    setRun(key, { progress: 1, result, cancelled: false, cancel: () => undefined });
  });
  return key;
}

export function releaseBackgroundRun(key: string): void {
  const left = (users.get(key) ?? 1) - 1;
  if (left > 0) {
    users.set(key, left);
    return;
  }
  users.delete(key);
  // Decide after the current render: a widget that re-renders releases and
  // takes the same run again at once, and must not restart it.
  setTimeout(() => {
    if (users.has(key)) return;
    const run = backgroundRuns.getState()[key];
    if (run && !run.result) {
      run.cancel();
      setRun(key, undefined);
    }
  }, 0);
}
