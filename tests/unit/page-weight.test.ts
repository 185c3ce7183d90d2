import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkBudget, measurePage, type PageWeight } from '../bench/page-weight';

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

describe('measurePage', () => {
  it('counts inline scripts, islands and their static imports, not dynamic ones', async () => {
    const dist = mkdtempSync(join(tmpdir(), 'poollab-weight-'));
    try {
      mkdirSync(join(dist, '_astro'));
      mkdirSync(join(dist, 'chapter'));
      writeFileSync(join(dist, '_astro', 'island.js'), 'import "./react.js"; export default 1;');
      writeFileSync(join(dist, '_astro', 'react.js'), 'export const react = 1;'.repeat(10));
      writeFileSync(join(dist, '_astro', 'page.js'), 'import("./search.js");');
      writeFileSync(join(dist, '_astro', 'search.js'), 'x'.repeat(5000));
      writeFileSync(
        join(dist, 'chapter', 'index.html'),
        '<!doctype html><html><head><script type="module" src="/pool-lab/_astro/page.js"></script>' +
          '<script type="application/json">{"not":"code"}</script></head><body>' +
          '<astro-island component-url="/pool-lab/_astro/island.js"></astro-island>' +
          '<script>console.log(1)</script><img src="https://example.com/x.png"></body></html>',
      );
      const weight = await measurePage(dist, 'chapter/', '/pool-lab/');
      expect(weight.files).toEqual([
        '_astro/island.js',
        '_astro/page.js',
        '_astro/react.js',
        'inline',
      ]);
      expect(weight.hasIslands).toBe(true);
      expect(weight.rawBytes).toBe(
        'import "./react.js"; export default 1;'.length +
          'export const react = 1;'.length * 10 +
          'import("./search.js");'.length +
          'console.log(1)'.length,
      );
    } finally {
      rmSync(dist, { recursive: true, force: true });
    }
  });
});
