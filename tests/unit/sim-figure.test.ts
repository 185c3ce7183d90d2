import { describe, expect, it } from 'vitest';
import { figure, formatFigure, reportOf } from '../../src/components/sim-figure';

describe('build-time figures', () => {
  it('reads a number from the engine report of a preset, changes applied', () => {
    const base = reportOf('nullpool');
    expect(figure(base, 'requests.started')).toBeGreaterThan(0);
    // NullPool: one connect per checkout.
    expect(figure(base, 'pool.connects')).toBe(figure(base, 'pool.checkouts'));
    const fewer = reportOf('nullpool', { 'load.requests': 100 });
    expect(figure(fewer, 'requests.started')).toBeLessThan(figure(base, 'requests.started'));
  });

  it('refuses a path that is not a number, and a change the schema refuses', () => {
    expect(() => figure(reportOf('nullpool'), 'requests.errors')).toThrow(/no number/);
    expect(() => reportOf('nullpool', { 'pool.pool_size': -1 })).toThrow(/out of range/);
  });

  it('formats with fixed digits', () => {
    expect(formatFigure(1234.5, 1)).toBe('1,234.5');
    expect(formatFigure(3, 0)).toBe('3');
  });
});
