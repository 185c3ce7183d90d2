import { describe, expect, it } from 'vitest';
import {
  describeBars,
  describeLatency,
  describeTimeSeries,
} from '../../../src/widgets/charts/describe';

describe('describeTimeSeries', () => {
  it('states the peak and when it happened', () => {
    expect(
      describeTimeSeries(
        'PostgreSQL connections',
        [{ label: 'PostgreSQL', values: [3, 42, 7] }],
        [12.2, 12.3, 12.4],
      ),
    ).toBe('PostgreSQL connections over time: peak 42 at 12.3 s');
  });

  it('names each series when there are several, with the unit', () => {
    expect(
      describeTimeSeries(
        'Throughput',
        [
          { label: 'ok', values: [100, 150.25] },
          { label: 'failed', values: [0, 0] },
        ],
        [0, 1],
        'requests/s',
      ),
    ).toBe('Throughput over time: ok peak 150.3\u00a0requests/s at 1 s; failed stays at 0');
  });

  it('says when there is no data', () => {
    expect(describeTimeSeries('X', [], [])).toBe('X over time: no data');
  });
});

describe('describeLatency', () => {
  const latency = { mean: 10, p50: 8.04, p90: 15, p95: 18.5, p99: 25, max: 80 };
  it('gives p50, p95, p99 and the maximum', () => {
    expect(describeLatency('Latency', [{ label: 'QueuePool', latency }])).toBe(
      'Latency: p50 8\u00a0ms, p95 18.5\u00a0ms, p99 25\u00a0ms, max 80\u00a0ms',
    );
  });
  it('names the runs when comparing, and says when none succeeded', () => {
    const none = { mean: 0, p50: 0, p90: 0, p95: 0, p99: 0, max: 0 };
    expect(
      describeLatency('Latency', [
        { label: 'A', latency },
        { label: 'B', latency: none },
      ]),
    ).toBe(
      'Latency: A: p50 8\u00a0ms, p95 18.5\u00a0ms, p99 25\u00a0ms, max 80\u00a0ms; B: no request succeeded',
    );
  });
});

describe('describeBars', () => {
  it('totals each kind, largest first, leaving out the zeros', () => {
    expect(
      describeBars(
        'Failed requests by kind',
        [
          { label: 'too_many_clients', values: [1, 2] },
          { label: 'pool_timeout', values: [5, 7] },
          { label: 'ssl_error', values: [0, 0] },
        ],
        'requests',
      ),
    ).toBe('Failed requests by kind: 12 requests pool_timeout, 3 requests too_many_clients');
  });
  it('says none when nothing happened', () => {
    expect(describeBars('Errors', [{ label: 'x', values: [0] }])).toBe('Errors: none');
  });
});
