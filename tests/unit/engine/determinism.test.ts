import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSimulation, simulate } from '../../../src/engine/index';
import { PRESETS } from '../../../src/scenario/index';
import { scenario } from './helpers';

describe('determinism', () => {
  const memo = scenario({
    ...PRESETS.find((p) => p.id === 'memo-no-post-fork')!.scenario,
    duration_s: 5,
  });

  it('same scenario and seed give the same trace hash and report', () => {
    const a = simulate(memo).report;
    const b = simulate(memo).report;
    expect(a.sim.trace_hash).toMatch(/^[0-9a-f]{16}$/);
    expect(b.sim.trace_hash).toBe(a.sim.trace_hash);
    expect(b).toEqual(a);
  });

  it('a different seed gives a different run', () => {
    const a = simulate(memo).report;
    const b = simulate({ ...memo, seed: memo.seed + 1 }).report;
    expect(b.sim.trace_hash).not.toBe(a.sim.trace_hash);
    expect(b.requests.started).not.toBe(a.requests.started);
  });

  it('recording a trace does not change the run', () => {
    const a = simulate(memo).report;
    const b = simulate(memo, { trace: true }).report;
    expect(b.sim.trace_hash).toBe(a.sim.trace_hash);
  });

  it('running in chunks gives the same run as running at once', () => {
    const sim = createSimulation(memo);
    for (let t = 0; !sim.done; t += 137_000) sim.runUntil(t);
    expect(sim.result().report.sim.trace_hash).toBe(simulate(memo).report.sim.trace_hash);
  });

  it('every preset runs, deterministically', () => {
    for (const p of PRESETS) {
      const s = scenario(p.scenario);
      const a = simulate(s).report;
      expect(a.requests.started, p.id).toBeGreaterThan(0);
      expect(a.sim.virtual_s, p.id).toBeLessThanOrEqual(60);
      expect(simulate(s).report.sim.trace_hash, p.id).toBe(a.sim.trace_hash);
    }
  });

  it('the engine never reads the wall clock or Math.random', () => {
    const dir = join(__dirname, '../../../src/engine');
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      const text = readFileSync(join(dir, file), 'utf8').replace(/\/\/.*$/gm, '');
      expect(text, file).not.toMatch(/Math\.random|Date\.now|new Date|performance\.now/);
    }
  });
});
