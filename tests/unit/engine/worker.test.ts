// The worker API, over a real MessageChannel with comlink (as in a browser Worker),
// and directly.
import { MessageChannel } from 'node:worker_threads';
import { expose, wrap, type Remote } from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter';
import { describe, expect, it } from 'vitest';
import { runInWorker } from '../../../src/engine/client';
import { simulate } from '../../../src/engine/index';
import { createWorkerApi, type WorkerApi } from '../../../src/engine/worker';
import { scenario } from './helpers';

const s = scenario({
  duration_s: 5,
  app: { workers: 2, threads: 4 },
  load: { kind: 'open', rate_per_s: 100 },
});

function channel(): Remote<WorkerApi> {
  const { port1, port2 } = new MessageChannel();
  expose(createWorkerApi(), nodeEndpoint(port1));
  return wrap<WorkerApi>(nodeEndpoint(port2));
}

describe('worker API', () => {
  it('runs over comlink with progress, same result as simulate()', async () => {
    const api = channel();
    const progress: number[] = [];
    const run = runInWorker(s, { trace: true }, (p) => void progress.push(p.progress), api);
    const result = await run.promise;
    expect(result?.report.sim.trace_hash).toBe(simulate(s).report.sim.trace_hash);
    expect(result?.trace?.length).toBeGreaterThan(0);
    expect(progress.length).toBeGreaterThanOrEqual(5);
    expect(progress[progress.length - 1]).toBe(1);
  });

  it('can be cancelled', async () => {
    const api = createWorkerApi();
    const long = scenario({ duration_s: 600, load: { kind: 'open', rate_per_s: 200 } });
    const run = runInWorker(long, {}, undefined, api);
    run.cancel();
    expect(await run.promise).toBeNull();
  });
});
