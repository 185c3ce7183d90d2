import { describe, expect, it } from 'vitest';
import { simulate } from '../../../src/engine/index';
import { alignAfter, compareReports, formatComparison } from '../../../src/report/compare';
import { presetScenario } from '../../../src/state/scenario-store';
import { MODEL_VERSION } from '../../../src/version';

describe('before and after', () => {
  const before = presetScenario('shared-socket-sync-workers');
  const fixed = {
    ...before,
    app: { ...before.app, post_fork: 'dispose_close_false' as const },
    seed: 99,
  };
  const after = alignAfter(before, fixed);
  const [b, a] = [simulate(before).report, simulate(after).report];

  it('runs the after scenario with the before load and seed', () => {
    expect(after.seed).toBe(before.seed);
    expect(after.load).toEqual(before.load);
    expect(after.app.post_fork).toBe('dispose_close_false');
  });

  it('marks the better side of each figure', () => {
    const rows = compareReports(b, a);
    const protocol = rows.find((r) => r.label.trim() === 'protocol_error');
    expect(protocol?.before).toBeGreaterThan(0);
    expect(protocol).toMatchObject({ after: 0, better: 'after' });
    expect(rows.find((r) => r.label === 'PgBouncer clients at peak')).toMatchObject({
      before: null,
      better: null,
    });
  });

  it('formats both runs with the single-run report', () => {
    const md = formatComparison(b, a, { shareUrl: 'http://x/compare/?v=1.6', version: '0.1.0' });
    expect(md).toContain('| protocol_error |');
    expect(md).toContain('Reproduce both: <http://x/compare/?v=1.6>');
    expect(md).toContain('### Before');
    expect(md).toContain(`#### Pool Lab simulation (Pool Lab 0.1.0, model ${MODEL_VERSION})`);
  });
});
