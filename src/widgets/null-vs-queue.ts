// The NullVsQueue comparison as data and words: the two scenarios (the
// scope's, once with NullPool and once with QueuePool, same seed) and the
// sentences that compare their reports. Pure: every figure is read from the
// engine's reports; only differences and rates are computed here.
import type { Report } from '../engine/index';
import type { PoolClass, Scenario } from '../scenario/types';
import { formatNumber } from './charts/format';

export function withPoolClass(scenario: Scenario, poolClass: PoolClass): Scenario {
  return { ...scenario, pool: { ...scenario.pool, class: poolClass } };
}

export interface RunFigures {
  requests: number;
  failed: number;
  connects: number;
  connectsPerS: number;
  checkoutsPerRequest: number;
  p50: number;
  p95: number;
  pgPeak: number;
}

export function runFigures(report: Report): RunFigures {
  const seconds = report.sim.virtual_s;
  return {
    requests: report.requests.completed,
    failed: report.requests.failed,
    connects: report.pool.connects,
    connectsPerS: seconds > 0 ? report.pool.connects / seconds : 0,
    checkoutsPerRequest: report.requests.started
      ? report.pool.checkouts / report.requests.started
      : 0,
    p50: report.latency_ms.p50,
    p95: report.latency_ms.p95,
    pgPeak: report.postgres.connections_peak,
  };
}

const n = (v: number, digits = 1) => formatNumber(v, digits);
const signed = (v: number) => `${v >= 0 ? '+' : '−'}${n(Math.abs(v))}`;

/** The live summary: what the two runs did differently, figure by figure. */
export function compareRuns(nullReport: Report, queueReport: Report): string {
  const a = runFigures(nullReport);
  const b = runFigures(queueReport);
  const seconds = n(nullReport.sim.virtual_s, 2);
  const perRequest = n(a.checkoutsPerRequest, 2);
  const sentences = [
    `Same scenario and seed ${nullReport.sim.seed}, ${seconds} s simulated.`,
    `NullPool opened ${n(a.connects, 0)} PostgreSQL connections (${n(a.connectsPerS)} a second, ` +
      `one per checkout, ${perRequest} ${perRequest === '1' ? 'checkout' : 'checkouts'} per request); ` +
      `QueuePool opened ${n(b.connects, 0)} (${n(b.connectsPerS)} a second) and reused them.`,
    `Latency p50 ${n(a.p50)} ms with NullPool against ${n(b.p50)} ms with QueuePool ` +
      `(${signed(a.p50 - b.p50)} ms); p95 ${n(a.p95)} against ${n(b.p95)} ms (${signed(a.p95 - b.p95)} ms).`,
    `PostgreSQL connections peaked at ${n(a.pgPeak, 0)} with NullPool and ${n(b.pgPeak, 0)} with QueuePool.`,
    a.failed || b.failed
      ? `Failed requests: ${n(a.failed, 0)} of ${n(a.requests, 0)} with NullPool, ${n(b.failed, 0)} of ${n(b.requests, 0)} with QueuePool.`
      : `No request failed (${n(a.requests, 0)} with NullPool, ${n(b.requests, 0)} with QueuePool).`,
  ];
  return sentences.join(' ');
}
