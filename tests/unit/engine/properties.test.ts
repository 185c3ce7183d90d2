// Property-based tests over random valid scenarios (fast-check): whatever the
// configuration, every request ends exactly once, pools never exceed their limit,
// PostgreSQL never exceeds max_connections, PgBouncer never exceeds its server limits,
// the clock never goes back, and the report adds up.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { simulate, stateAt } from '../../../src/engine/index';
import { parseScenario } from '../../../src/scenario/index';
import { scenarioInput } from './arbitraries';
import { checkInvariants } from './helpers';

describe('invariants over random valid scenarios', () => {
  it('hold on every run', () => {
    fc.assert(
      fc.property(scenarioInput, (input) => {
        const parsed = parseScenario(input);
        if (!parsed.ok) return; // e.g. reserved >= max_connections: rejected, tested elsewhere
        const s = parsed.scenario;
        const { report: r, trace } = simulate(s, { trace: { maxEvents: 1_000_000 } });
        expect(trace!.truncated).toBe(false);
        expect(checkInvariants(s, trace!)).toEqual([]);
        const q = r.requests;
        expect(q.completed).toBe(q.ok + q.failed);
        expect(q.started).toBe(q.completed + q.in_flight);
        expect(Object.values(q.errors).reduce((a, b) => a + b, 0)).toBe(q.failed);
        expect(r.postgres.connections_peak).toBeLessThanOrEqual(s.postgres.max_connections);
        if (s.load.kind === 'closed') expect(q.started).toBeLessThanOrEqual(s.load.requests);
        const end = stateAt(trace!, trace!.endUs);
        expect(end.requests.length).toBe(q.in_flight);
        expect(end.totals.ok).toBe(q.ok);
        expect(end.totals.failed).toBe(q.failed);
        expect(end.postgres.backends.length).toBeLessThanOrEqual(s.postgres.max_connections);
      }),
      { numRuns: 300, seed: 20261125 },
    );
  });
});
