import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  barsMax,
  groupedBars,
  nonEmpty,
  stackedBars,
  thinCategories,
} from '../../../src/widgets/charts/stack';

const series = [
  { key: 'pool_timeout', values: [1, 0, 3] },
  { key: 'too_many_clients', values: [2, 0, 0] },
  { key: 'ssl_error', values: [0, 0, 0] },
];

describe('stackedBars', () => {
  it('stacks each category bottom to top in series order, skipping empty segments', () => {
    expect(stackedBars(3, series)).toEqual([
      { key: 'pool_timeout', category: 0, y0: 0, y1: 1, slot: 0 },
      { key: 'pool_timeout', category: 2, y0: 0, y1: 3, slot: 0 },
      { key: 'too_many_clients', category: 0, y0: 1, y1: 3, slot: 0 },
    ]);
  });

  it('makes each stack as tall as the category total', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.nat(50), { minLength: 4, maxLength: 4 }), {
          minLength: 1,
          maxLength: 6,
        }),
        (rows) => {
          const s = rows.map((values, i) => ({ key: `k${i}`, values }));
          const segments = stackedBars(4, s);
          for (let c = 0; c < 4; c++) {
            const total = rows.reduce((sum, values) => sum + values[c]!, 0);
            const top = Math.max(0, ...segments.filter((g) => g.category === c).map((g) => g.y1));
            expect(top).toBe(total);
          }
        },
      ),
    );
  });
});

describe('groupedBars', () => {
  it('puts each series in its own slot from zero', () => {
    expect(groupedBars(2, [series[0]!, { key: 'b', values: [0, 5] }])).toEqual([
      { key: 'pool_timeout', category: 0, y0: 0, y1: 1, slot: 0 },
      { key: 'b', category: 1, y0: 0, y1: 5, slot: 1 },
    ]);
  });
});

describe('helpers', () => {
  it('drops series that are zero throughout', () => {
    expect(nonEmpty(series).map((s) => s.key)).toEqual(['pool_timeout', 'too_many_clients']);
  });
  it('finds the tallest bar', () => {
    expect(barsMax(stackedBars(3, series))).toBe(3);
    expect(barsMax([])).toBe(0);
  });
  it('thins category labels, keeping the first', () => {
    const labels = Array.from({ length: 100 }, (_, i) => `${i}`);
    const thinned = thinCategories(labels, 6);
    expect(thinned[0]).toBe('0');
    expect(thinned.length).toBeLessThanOrEqual(6);
    expect(thinCategories(['a', 'b'], 6)).toEqual(['a', 'b']);
  });
});
