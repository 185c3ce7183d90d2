// Engine throughput: simulated requests (and events) per second of wall time.
//   (a) an M/M/c reduction: one query per request, Poisson arrivals, exponential query
//       times, no connect cost, no Python time; a million requests;
//   (b) the memo's production preset at 500 requests/s for 60 virtual seconds.
// Run alone: npm exec -- tsx tests/bench/engine.ts
import { pathToFileURL } from 'node:url';
import { simulate } from '../../src/engine/index';
import { parseScenario, presetById, type Scenario } from '../../src/scenario/index';

function scenario(input: unknown): Scenario {
  const r = parseScenario(input);
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('; '));
  return r.scenario;
}

export const MMC_1M = scenario({
  seed: 1,
  duration_s: 100,
  app: {
    workers: 1,
    threads: 256,
    cores: 64,
    request: { app_ms: 0, queries: 1, query_ms: 0.6, distribution: 'exponential' },
  },
  pool: { pool_size: 8, max_overflow: 0, pool_timeout: 3600 },
  postgres: { cores: 64 },
  network: { rtt_ms: 0, connect_ms: 0 },
  load: { kind: 'open', rate_per_s: 10_000 },
});

export const MEMO_500 = scenario(presetById('memo-production')!.scenario);

const fmt = (x: number): string => Math.round(x).toLocaleString('en-US');

function measure(
  name: string,
  s: Scenario,
  repeats: number,
): { ms: number; requests: number; events: number } {
  let best = Infinity;
  let requests = 0;
  let events = 0;
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    const r = simulate(s).report;
    const ms = performance.now() - t0;
    if (ms < best) best = ms;
    requests = r.requests.completed;
    events = r.sim.events;
  }
  const s_ = best / 1000;
  console.log(
    `engine  ${name.padEnd(14)} ${fmt(requests / s_).padStart(11)} requests/s ${fmt(events / s_).padStart(11)} events/s  (${fmt(requests)} requests in ${s_.toFixed(2)} s, ${fmt(events)} events; best of ${repeats})`,
  );
  return { ms: best, requests, events };
}

export async function benchEngine(): Promise<void> {
  simulate(MEMO_500); // warm up the JIT
  measure('mmc-1M', MMC_1M, 3);
  const memo = measure('memo-500rps', MEMO_500, 5);
  console.log(`engine  memo-500rps x 60 s took ${memo.ms.toFixed(0)} ms (target < 150 ms)`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await benchEngine();
