import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  peakOf,
  ratePerSecond,
  stepPoints,
  timeDomain,
  valueDomain,
} from '../../../src/widgets/charts/series';

describe('peakOf', () => {
  it('finds the highest value and the first bucket that reached it', () => {
    expect(peakOf([1, 5, 3, 5], [0, 0.1, 0.2, 0.3])).toEqual({ value: 5, t: 0.1 });
  });
  it('is null for an empty series', () => {
    expect(peakOf([], [])).toBeNull();
  });
});

describe('ratePerSecond', () => {
  it('divides each count by its bucket length, the last one ending with the run', () => {
    // Buckets of 0.25 s; the run ends at 0.6 s, so the last bucket is 0.1 s long.
    const rates = ratePerSecond([5, 10, 2], [0, 0.25, 0.5], 0.25, 0.6);
    [20, 40, 20].forEach((rate, i) => expect(rates[i]).toBeCloseTo(rate, 9));
  });
  it('gives 0 for a bucket that starts at or after the end', () => {
    expect(ratePerSecond([3], [1], 0.5, 1)).toEqual([0]);
  });
  it('conserves the total count: sum of rate × span = sum of counts', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat(1000), { minLength: 1, maxLength: 50 }),
        fc.double({ min: 0.01, max: 1, noNaN: true }),
        (counts, lastFraction) => {
          const bucket = 0.5;
          const t = counts.map((_, i) => i * bucket);
          const end = (counts.length - 1) * bucket + lastFraction * bucket;
          const rates = ratePerSecond(counts, t, bucket, end);
          const total = rates.reduce((sum, r, i) => sum + r * Math.min(bucket, end - t[i]!), 0);
          expect(total).toBeCloseTo(
            counts.reduce((a, b) => a + b, 0),
            6,
          );
        },
      ),
    );
  });
});

describe('domains', () => {
  it('runs the time axis to the end of the run', () => {
    expect(timeDomain([0, 0.1, 0.2], 0.25)).toEqual([0, 0.25]);
    expect(timeDomain([], 0)).toEqual([0, 1]);
  });
  it('starts the value axis at zero and never gives an empty domain', () => {
    expect(valueDomain([{ values: [3, 7] }, { values: [9] }])).toEqual([0, 9]);
    expect(valueDomain([{ values: [0, 0] }])).toEqual([0, 1]);
    expect(valueDomain([{ values: [-2, 4] }])).toEqual([-2, 4]);
  });
});

describe('stepPoints', () => {
  it('holds the last value to the end of the run', () => {
    expect(stepPoints([0, 1], [4, 6], 1.5)).toEqual([
      [0, 4],
      [1, 6],
      [1.5, 6],
    ]);
  });
  it('draws nothing for no data', () => {
    expect(stepPoints([], [], 3)).toEqual([]);
  });
});
