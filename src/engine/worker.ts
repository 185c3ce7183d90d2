// The engine in a Web Worker (comlink expose): runs a scenario in chunks of virtual
// time, reports progress between chunks, and stops when cancelled.
// https://github.com/GoogleChromeLabs/comlink
import { expose } from 'comlink';
import type { Scenario } from '../scenario/types';
import { createSimulation, type SimOptions, type SimResult } from './simulation';

export interface RunProgress {
  progress: number;
  virtualUs: number;
  events: number;
}

/** The object the worker exposes; also usable directly (tests, main thread). */
export function createWorkerApi() {
  const cancelled = new Set<number>();
  let next = 1;
  return {
    /** A run id for cancel(); pass it to run(). */
    newRun(): number {
      return next++;
    },
    cancel(runId: number): void {
      cancelled.add(runId);
    },
    async run(
      runId: number,
      scenario: Scenario,
      options: SimOptions,
      onProgress?: (p: RunProgress) => void,
      chunkUs = 1_000_000,
    ): Promise<SimResult | null> {
      const sim = createSimulation(scenario, options);
      let t = 0;
      while (!sim.done) {
        if (cancelled.has(runId)) {
          cancelled.delete(runId);
          return null;
        }
        t += chunkUs;
        sim.runUntil(t);
        if (onProgress)
          await onProgress({ progress: sim.progress, virtualUs: sim.nowUs, events: sim.events });
        // Let cancel() and other messages in between chunks.
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
      cancelled.delete(runId);
      return sim.result();
    },
  };
}

export type WorkerApi = ReturnType<typeof createWorkerApi>;

// In a worker, `self` is the worker scope; in Node tests this module is imported for
// createWorkerApi only, and the expose below is skipped.
const scope = globalThis as unknown as { WorkerGlobalScope?: unknown; postMessage?: unknown };
if (typeof scope.WorkerGlobalScope !== 'undefined') expose(createWorkerApi());
