import { describe, expect, it } from 'vitest';
import { checkBudget, type PageWeight } from '../bench/page-weight';

const weight = (page: string, gzipBytes: number, hasIslands: boolean): PageWeight => ({
  page,
  files: [],
  rawBytes: gzipBytes * 3,
  gzipBytes,
  hasIslands,
});

describe('checkBudget', () => {
  const budget = { textPage: 20_000, widgetPage: 200_000 };

  it('passes pages within their budget', () => {
    expect(checkBudget([weight('', 6_000, false), weight('lab/', 150_000, true)], budget)).toEqual(
      [],
    );
  });

  it('catches a text page that ships too much JavaScript', () => {
    expect(checkBudget([weight('start/', 25_000, false)], budget)).toEqual([
      { page: 'start/', gzipBytes: 25_000, budget: 20_000 },
    ]);
  });

  it('holds widget pages to the widget budget', () => {
    expect(checkBudget([weight('lab/', 250_000, true)], budget)).toEqual([
      { page: 'lab/', gzipBytes: 250_000, budget: 200_000 },
    ]);
  });
});
