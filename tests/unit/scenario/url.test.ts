import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SCENARIO,
  decodeScenarioFromParams,
  encodeScenarioToParams,
  parseScenario,
  PRESETS,
  type Scenario,
} from '../../../src/scenario/index';
import { scenarioInput } from '../engine/arbitraries';

const page = (() => {
  const r = parseScenario(PRESETS[0]!.scenario);
  if (!r.ok) throw new Error('preset');
  return r.scenario;
})();

describe('share links', () => {
  it('write only what differs from the page defaults, named by key path', () => {
    const s: Scenario = { ...page, seed: 7, app: { ...page.app, workers: 2 } };
    expect(encodeScenarioToParams(s, page).toString()).toBe('seed=7&app.workers=2');
    expect(encodeScenarioToParams(page, page).toString()).toBe('');
  });

  it('encode arrays compactly', () => {
    const s: Scenario = {
      ...DEFAULT_SCENARIO,
      faults: [
        { kind: 'terminate_backends', at_s: 20 },
        { kind: 'postgres_restart', at_s: 20, down_s: 5 },
        { kind: 'idle_timeout', after_s: 300 },
      ],
      other_clients: [{ name: 'celery', connections: 10 }],
      load: { kind: 'open', rate_per_s: 200, phases: [{ rate_per_s: 50, duration_s: 30 }] },
    };
    const p = encodeScenarioToParams(s, DEFAULT_SCENARIO);
    expect(p.get('faults')).toBe('terminate_backends@20,postgres_restart@20+5,idle_timeout@300');
    expect(p.get('load.phases')).toBe('50x30');
    expect(p.get('other_clients')).toBe('celery:10');
    expect(decodeScenarioFromParams(p, DEFAULT_SCENARIO)).toEqual({ scenario: s, notices: [] });
  });

  it('round-trip exactly, for any valid scenario and page', () => {
    fc.assert(
      fc.property(scenarioInput, fc.constantFrom(...PRESETS), (input, preset) => {
        const a = parseScenario(input);
        const b = parseScenario(preset.scenario);
        if (!a.ok || !b.ok) return;
        const params = encodeScenarioToParams(a.scenario, b.scenario);
        const back = decodeScenarioFromParams(new URLSearchParams(params.toString()), b.scenario);
        expect(back.notices).toEqual([]);
        expect(back.scenario).toEqual(a.scenario);
      }),
      { numRuns: 300, seed: 7 },
    );
  });

  it('ignore unknown and invalid parameters, saying which and why', () => {
    const params = new URLSearchParams(
      'app.workers=4&pool.pool_size=-3&nope=1&pool.pool_pre_ping=maybe&faults=meteor@3&seed=9&app.threads=1e3',
    );
    const { scenario, notices } = decodeScenarioFromParams(params, DEFAULT_SCENARIO);
    expect(scenario.app.workers).toBe(4);
    expect(scenario.seed).toBe(9);
    expect(scenario.pool.pool_size).toBe(DEFAULT_SCENARIO.pool.pool_size);
    expect(notices).toEqual([
      { param: 'nope', message: 'unknown parameter' },
      { param: 'pool.pool_pre_ping', message: '"maybe": expected true or false' },
      { param: 'faults', message: expect.stringContaining('"meteor@3" is not a valid fault') },
      { param: 'app.threads', message: 'app.threads: 1000 is out of range 1..256' },
      { param: 'pool.pool_size', message: 'pool.pool_size: -3 is out of range 0..1000' },
    ]);
  });

  it('never throw, and cap what they read', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string(), fc.string()), { maxLength: 20 }), (pairs) => {
        const { scenario } = decodeScenarioFromParams(new URLSearchParams(pairs), DEFAULT_SCENARIO);
        expect(parseScenario(scenario).ok).toBe(true);
      }),
      { numRuns: 300 },
    );
    const many = new URLSearchParams(Array.from({ length: 150 }, (_, i) => [`x${i}`, '1']));
    expect(
      decodeScenarioFromParams(many, DEFAULT_SCENARIO).notices.some((n) =>
        n.message.includes('more than 100 parameters'),
      ),
    ).toBe(true);
    const long = new URLSearchParams({ faults: 'terminate_backends@1,'.repeat(100) });
    expect(decodeScenarioFromParams(long, DEFAULT_SCENARIO).notices[0]!.message).toContain(
      'longer than 1000',
    );
  });

  it('switch PgBouncer and the load kind against the page', () => {
    const withPgb: Scenario = {
      ...DEFAULT_SCENARIO,
      pgbouncer: {
        ...DEFAULT_SCENARIO.pgbouncer!,
        ...{
          pool_mode: 'transaction',
          max_client_conn: 100,
          default_pool_size: 20,
          min_pool_size: 0,
          reserve_pool_size: 0,
          reserve_pool_timeout: 5,
          max_db_connections: 0,
          server_idle_timeout: 600,
          query_wait_timeout: 120,
        },
      },
    };
    const p = encodeScenarioToParams(withPgb, DEFAULT_SCENARIO);
    expect(p.toString()).toBe('pgbouncer=on&pgbouncer.pool_mode=transaction');
    expect(encodeScenarioToParams(DEFAULT_SCENARIO, withPgb).toString()).toBe('pgbouncer=off');
  });
});
