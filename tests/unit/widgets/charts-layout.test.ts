import { describe, expect, it } from 'vitest';
import {
  axisTitle,
  formatNumber,
  formatPercent,
  withUnit,
} from '../../../src/widgets/charts/format';
import { chartLayout } from '../../../src/widgets/charts/layout';
import { DEFAULT_LAYOUT, paletteVar } from '../../../src/widgets/charts/options';

describe('chartLayout', () => {
  it('puts the plot area inside the margins', () => {
    const l = chartLayout({
      width: 400,
      height: 200,
      marginLeft: 50,
      marginRight: 10,
      marginTop: 20,
      marginBottom: 30,
    });
    expect(l).toMatchObject({
      left: 50,
      right: 390,
      top: 20,
      bottom: 170,
      width: 400,
      height: 200,
    });
  });

  it('uses the measured width unless a width is given', () => {
    expect(chartLayout({}, 350).width).toBe(350);
    expect(chartLayout({ width: 500 }, 350).width).toBe(500);
    expect(chartLayout({}).width).toBe(DEFAULT_LAYOUT.width);
  });

  it('never collapses the plot area on a narrow container', () => {
    const l = chartLayout({}, 10);
    expect(l.right - l.left).toBeGreaterThanOrEqual(40);
    expect(l.bottom - l.top).toBeGreaterThanOrEqual(0);
  });

  it('ignores options given as undefined', () => {
    expect(chartLayout({ marginLeft: undefined }).left).toBe(DEFAULT_LAYOUT.marginLeft);
  });
});

describe('format', () => {
  it('prints numbers with separators and at most the digits asked', () => {
    expect(formatNumber(1234.567)).toBe('1,234.6');
    expect(formatNumber(42, 2)).toBe('42');
    expect(formatNumber(Infinity)).toBe('Infinity');
  });

  it('joins a value and its unit with a no-break space', () => {
    expect(withUnit(12.34, 'ms')).toBe('12.3\u00a0ms');
    expect(withUnit(7)).toBe('7');
  });

  it('titles an axis with its unit in parentheses', () => {
    expect(axisTitle({ label: 'latency', unit: 'ms' })).toBe('latency (ms)');
    expect(axisTitle({ label: 'connections' })).toBe('connections');
  });

  it('prints fractions as percentages', () => {
    expect(formatPercent(0.95)).toBe('95%');
    expect(formatPercent(0.999)).toBe('99.9%');
  });

  it('names palette slots as CSS variables (light and dark values live in widgets.css)', () => {
    expect(paletteVar(3)).toBe('var(--poollab-chart-3)');
  });
});
