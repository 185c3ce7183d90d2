// LoadLab in words: the load as `ab` or a rate would describe it, and what
// the run did, from the engine's report. Pure: every figure is the report's.
import { ERROR_KINDS, type ErrorKind, type Report } from '../engine/index';
import type { Scenario } from '../scenario/types';
import { formatNumber } from './charts/format';
import type { PaletteSlot, SeriesSpec } from './charts/options';

const n = (v: number, digits = 1) => formatNumber(v, digits);

/** "closed: like ab -n 1,000 -c 8" or "open: 100/s for 5 s, then 600/s for 5 s". */
export function describeLoad(s: Scenario): string {
  const load = s.load;
  if (load.kind === 'closed')
    return `closed load like ab -n ${n(load.requests, 0)} -c ${n(load.concurrency, 0)}`;
  if (load.phases.length === 0)
    return `open load of ${n(load.rate_per_s)} requests a second for ${n(s.duration_s)} s`;
  return `open load in phases: ${load.phases
    .map((p) => `${n(p.rate_per_s)}/s for ${n(p.duration_s)} s`)
    .join(', then ')}`;
}

/** Error kinds that happened, in the engine's order, each with a palette slot. */
export function errorSeries(report: Report): SeriesSpec[] {
  return ERROR_KINDS.map((kind, i) => ({
    key: kind,
    label: kind,
    values: report.series.errors[kind],
    color: ((i % 8) + 1) as PaletteSlot,
  })).filter((s) => s.values.some((v) => v > 0));
}

export function failuresByKind(report: Report): [ErrorKind, number][] {
  return ERROR_KINDS.map((k): [ErrorKind, number] => [k, report.requests.errors[k]]).filter(
    ([, count]) => count > 0,
  );
}

/** The live summary of a run. */
export function summariseLoadRun(report: Report): string {
  const { requests, latency_ms: lat, pool, postgres, little, sim } = report;
  const failures = failuresByKind(report);
  const sentences = [
    `${describeLoad(report.scenario)[0]!.toUpperCase()}${describeLoad(report.scenario).slice(1)}, seed ${sim.seed}: ` +
      `${n(requests.started, 0)} requests in ${n(sim.virtual_s, 2)} s, ${n(requests.ok, 0)} ok, ` +
      `${n(requests.failed, 0)} failed` +
      (failures.length ? ` (${failures.map(([k, c]) => `${n(c, 0)} ${k}`).join(', ')})` : '') +
      (requests.in_flight ? `, ${n(requests.in_flight, 0)} still in flight at the end` : '') +
      (report.scenario.load.kind === 'closed' && requests.started < report.scenario.load.requests
        ? ` (the run stopped at duration_s before all ${n(report.scenario.load.requests, 0)} were sent)`
        : '') +
      `; ${n(report.throughput_rps)} successful requests a second.`,
    requests.ok
      ? `Latency of the successful ones: p50 ${n(lat.p50)} ms, p95 ${n(lat.p95)} ms, p99 ${n(lat.p99)} ms, max ${n(lat.max)} ms.`
      : 'No request succeeded, so there is no latency to show.',
    `Pools: ${n(pool.checkouts, 0)} checkouts, ${n(pool.waited, 0)} of them waited for a connection` +
      (pool.waited ? ` (p95 wait ${n(pool.wait_ms.p95)} ms)` : '') +
      `; at most ${n(pool.checked_out_peak, 0)} connections checked out at once, ${n(pool.connects, 0)} opened.`,
    `PostgreSQL: peak ${n(postgres.connections_peak, 0)} connections` +
      (postgres.refused ? `, ${n(postgres.refused, 0)} connects refused` : '') +
      (report.pgbouncer
        ? `; PgBouncer peak ${n(report.pgbouncer.clients_peak, 0)} clients, ${n(report.pgbouncer.servers_peak, 0)} server connections`
        : '') +
      '.',
    `Little's law: on average ${n(little.mean_in_system, 2)} requests were in the system = ` +
      `${n(little.arrival_rate_per_s, 1)} arrivals a second × ${n(little.mean_time_in_system_ms, 1)} ms each.`,
  ];
  return sentences.join(' ');
}

/** Bucket start times as category labels for a bar chart: "12.5 s". */
export function bucketLabels(t: readonly number[]): string[] {
  return t.map((s) => `${n(s, 2)} s`);
}
