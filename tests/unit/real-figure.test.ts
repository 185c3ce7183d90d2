// Real-stack figures for the chapters, read from tests/reality/results.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  realFailingSeconds,
  realFigure,
  realResult,
  realSum,
} from '../../src/components/real-figure';

const saved = (id: string) =>
  JSON.parse(readFileSync(join(__dirname, '../reality/results', `${id}.json`), 'utf8')) as Record<
    string,
    { failed: number[] } & Record<string, unknown>
  >;

describe('real-stack figures', () => {
  it('reads a number by path from the saved case result', () => {
    const file = saved('fork-shared-no-hook');
    expect(realFigure('fork-shared-no-hook', 'requests.failed')).toBe(
      (file.requests as unknown as { failed: number }).failed,
    );
    expect(realFigure('fork-shared-no-hook', 'timeline_per_s.failed.0')).toBe(
      file.timeline_per_s!.failed[0],
    );
  });

  it('sums a list and finds the last failing second', () => {
    const failed = saved('fork-shared-tls').timeline_per_s!.failed;
    expect(realSum('fork-shared-tls', 'timeline_per_s.failed')).toBe(
      failed.reduce((a, b) => a + b, 0),
    );
    expect(realFailingSeconds('fork-shared-tls')).toBe(
      failed.length - [...failed].reverse().findIndex((n) => n > 0),
    );
  });

  it('refuses an unknown case or a path that is not a number', () => {
    expect(() => realResult('no-such-case')).toThrow(/no saved result/);
    expect(() => realFigure('fork-shared-no-hook', 'requests')).toThrow(/no number/);
    expect(() => realSum('fork-shared-no-hook', 'requests.failed')).toThrow(/no list/);
  });
});
