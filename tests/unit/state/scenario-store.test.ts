import { describe, expect, it } from 'vitest';
import { DEFAULT_SCENARIO } from '../../../src/scenario/defaults';
import { getAtPath, setAtPath } from '../../../src/state/key-path';
import { createScenarioStore } from '../../../src/state/scenario-store';

describe('key paths', () => {
  it('reads nested values and nothing that is not there', () => {
    expect(getAtPath(DEFAULT_SCENARIO, 'pool.pool_size')).toBe(5);
    expect(getAtPath(DEFAULT_SCENARIO, 'pool.nope')).toBeUndefined();
    expect(getAtPath(DEFAULT_SCENARIO, 'pool.pool_size.deeper')).toBeUndefined();
    expect(getAtPath(DEFAULT_SCENARIO, 'toString')).toBeUndefined();
  });

  it('writes a copy and leaves the original alone', () => {
    const next = setAtPath(DEFAULT_SCENARIO, 'app.request.queries', 7);
    expect(next.app.request.queries).toBe(7);
    expect(DEFAULT_SCENARIO.app.request.queries).toBe(3);
    expect(next.pool).toBe(DEFAULT_SCENARIO.pool);
  });

  it('refuses prototype keys', () => {
    expect(() => setAtPath({}, '__proto__.polluted', 1)).toThrow(/not a settable key path/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('scenario store', () => {
  it('applies a valid change', () => {
    const store = createScenarioStore();
    expect(store.getState().setField('app.workers', 4)).toEqual([]);
    expect(store.getState().scenario.app.workers).toBe(4);
  });

  it('refuses an invalid change, names it, and keeps the last valid scenario', () => {
    const store = createScenarioStore();
    const errors = store.getState().setField('pool.pool_size', -3);
    expect(errors.map((e) => e.message)).toEqual(['pool.pool_size: -3 is out of range 0..1000']);
    expect(store.getState().scenario.pool.pool_size).toBe(5);
  });

  it('notifies subscribers, and reset returns to the defaults', () => {
    const store = createScenarioStore();
    const seen: number[] = [];
    store.subscribe((s) => seen.push(s.scenario.app.threads));
    store.getState().setField('app.threads', 16);
    store.getState().reset();
    expect(seen).toEqual([16, 1]);
    expect(store.getState().scenario).toBe(store.getState().defaults);
  });
});
