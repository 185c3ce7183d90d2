import { describe, expect, it } from 'vitest';
import { simulate } from '../../../src/engine/index';
import { formatReport } from '../../../src/report/markdown';
import { parseScenario, presetById } from '../../../src/scenario/index';
import { MODEL_VERSION } from '../../../src/version';

const report = (() => {
  const r = parseScenario(presetById('flask-sqlalchemy-timeout-truncation')!.scenario);
  if (!r.ok) throw new Error('preset');
  return simulate(r.scenario).report;
})();

describe('formatReport', () => {
  it('markdown: summary, errors with real text, latency, pool figures, seed, hash, link', () => {
    const md = formatReport(report, {
      format: 'markdown',
      shareUrl: 'https://example.org/queuepool/?pool.pool_timeout=0.2#timeout',
      version: '0.1.0',
    });
    expect(md).toContain(`## Pool Lab simulation (Pool Lab 0.1.0, model ${MODEL_VERSION})`);
    expect(md).toContain('```json');
    expect(md).toContain('QueuePool pool_size 2 + max_overflow 0, pool_timeout 0');
    expect(md).toMatch(
      /\| `pool_timeout` \| \d+ \| QueuePool limit of size 2 overflow 0 reached, connection timed out, timeout 0.00/,
    );
    expect(md).toContain('| latency (ok requests) | mean | p50 | p90 | p95 | p99 | max |');
    expect(md).toContain('pool_timeout: 0.2 becomes 0');
    expect(md).toContain(`trace hash \`${report.sim.trace_hash}\``);
    expect(md).toContain(
      'Reproduce: <https://example.org/queuepool/?pool.pool_timeout=0.2#timeout>',
    );
  });

  it('text: one line per figure', () => {
    const txt = formatReport(report, { format: 'text' });
    expect(txt).toMatch(/^requests\s+200 started/m);
    expect(txt).toMatch(/^\s+pool_timeout\s+\d+\s+QueuePool limit/m);
    expect(txt).not.toContain('|');
  });

  it('is pure: same input, same output', () => {
    expect(formatReport(report, { format: 'markdown' })).toBe(
      formatReport(report, { format: 'markdown' }),
    );
  });
});
