import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PRESETS, parseScenario, presetById } from '../../../src/scenario/index';

describe('presets', () => {
  const dir = join(__dirname, '../../../src/scenario/presets');
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

  it('every JSON file is listed, with its id as file name', () => {
    expect(PRESETS.map((p) => `${p.id}.json`).sort()).toEqual(files.sort());
    for (const f of files)
      expect(JSON.parse(readFileSync(join(dir, f), 'utf8')).id).toBe(f.replace('.json', ''));
  });

  it('includes the ones the guide needs', () => {
    for (const id of [
      'memo-production',
      'memo-no-post-fork',
      'memo-global-session',
      'memo-post-worker-init-dispose',
      'two-servers-max-connections-100',
      'nullpool',
      'pgbouncer-transaction-default-max-client-conn',
      'failover-no-pre-ping',
      'failover-pre-ping',
    ])
      expect(presetById(id), id).toBeDefined();
  });

  it('each is valid, titled, described, and at most 60 virtual seconds', () => {
    for (const p of PRESETS) {
      const r = parseScenario(p.scenario);
      expect(r.ok, p.id).toBe(true);
      expect(p.title.length).toBeGreaterThan(5);
      expect(p.description.length).toBeGreaterThan(20);
      if (r.ok) expect(r.scenario.duration_s, p.id).toBeLessThanOrEqual(60);
    }
  });

  it('memo-production is the memo setup', () => {
    const r = parseScenario(presetById('memo-production')!.scenario);
    expect(r.ok && r.scenario).toMatchObject({
      app: {
        workers: 4,
        threads: 16,
        preload_app: true,
        master_connects: true,
        post_fork: 'dispose_close_false',
      },
      pool: { pool_size: 10, max_overflow: 20, pool_pre_ping: true, pool_recycle: 3600 },
    });
  });
});
