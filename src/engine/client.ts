// Run a scenario off the main thread: a module Worker running worker.ts, driven through
// comlink. Progress comes back between chunks; cancel() stops the run at the next chunk.
import { proxy, wrap, type Remote } from 'comlink';
import type { Scenario } from '../scenario/types';
import type { SimOptions, SimResult } from './simulation';
import type { RunProgress, WorkerApi } from './worker';

let shared: { worker: Worker; api: Remote<WorkerApi> } | null = null;

function engineWorker(): { worker: Worker; api: Remote<WorkerApi> } {
  if (!shared) {
    const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
    shared = { worker, api: wrap<WorkerApi>(worker) };
  }
  return shared;
}

/** Run `scenario` in a Web Worker. `promise` resolves to null when cancelled. */
export function runInWorker(
  scenario: Scenario,
  options: SimOptions = {},
  onProgress?: (p: RunProgress) => void,
  api: Remote<WorkerApi> | WorkerApi = engineWorker().api,
): { promise: Promise<SimResult | null>; cancel: () => void } {
  const runId = Promise.resolve(api.newRun());
  const promise = runId.then((id) =>
    api.run(id, scenario, options, onProgress ? proxy(onProgress) : undefined),
  );
  return {
    promise,
    cancel: () => void runId.then((id) => api.cancel(id)),
  };
}

export type { RunProgress };
