import { describe, expect, it } from 'vitest';
import {
  simulate,
  stateAfterEvents,
  stateAt,
  traceEvents,
  CHECKPOINT_EVERY,
} from '../../../src/engine/index';
import { PRESETS } from '../../../src/scenario/index';
import { scenario } from './helpers';

describe('trace and stateAt', () => {
  const s = scenario({
    ...PRESETS.find((p) => p.id === 'memo-no-post-fork')!.scenario,
    duration_s: 3,
  });
  const { report, trace } = simulate(s, { trace: true });
  const t = trace!;

  it('records a bounded trace with checkpoints', () => {
    expect(t.length).toBeGreaterThan(CHECKPOINT_EVERY * 3);
    expect(t.checkpoints.length).toBe(Math.floor(t.length / CHECKPOINT_EVERY) + 1);
    const small = simulate(s, { trace: { maxEvents: 1000 } }).trace!;
    expect(small.length).toBe(1000);
    expect(small.truncated).toBe(true);
    expect(small.hash).toBe(report.sim.trace_hash);
  });

  it('gives the same state going forward and backward', () => {
    const times = Array.from({ length: 25 }, (_, i) => Math.round((i * t.endUs) / 24));
    const forward = times.map((x) => stateAt(t, x));
    const backward = [...times]
      .reverse()
      .map((x) => stateAt(t, x))
      .reverse();
    expect(backward).toEqual(forward);
  });

  it('agrees with replaying every event from zero', () => {
    for (const n of [
      0,
      1,
      CHECKPOINT_EVERY - 1,
      CHECKPOINT_EVERY,
      CHECKPOINT_EVERY * 2 + 17,
      t.length,
    ]) {
      const fromCheckpoint = stateAfterEvents(t, n);
      const fromZero = stateAfterEvents(
        { ...t, checkpoints: [t.checkpoints[0]!], checkpointEvery: Number.MAX_SAFE_INTEGER },
        n,
      );
      expect(fromCheckpoint).toEqual(fromZero);
    }
  });

  it('shows what a widget draws: processes, FD tables, shared sockets, pools, backends', () => {
    // Right after the last worker was forked: every worker holds the master's socket.
    const forks = traceEvents(t, 0, 5000).filter((e) => e.type === 'proc_start' && e.d === 1);
    const early = stateAfterEvents(t, forks[forks.length - 1]!.index + 2);
    const master = early.processes.find((p) => p.role === 'master')!;
    const workers = early.processes.filter((p) => p.role === 'worker');
    expect(workers).toHaveLength(4);
    const shared = early.sockets.find((x) => x.id === master.fds[0]);
    expect(shared?.holders.length).toBeGreaterThan(1);
    for (const w of workers) expect(w.fds).toContain(master.fds[0]);
    expect(early.postgres.backends.length).toBeGreaterThan(0);
    const end = stateAt(t, t.endUs);
    expect(end.totals.ok).toBe(report.requests.ok);
    expect(end.totals.errors.protocol_error).toBe(report.requests.errors.protocol_error);
    expect(JSON.parse(JSON.stringify(end))).toEqual(end);
  });

  it('lists events for stepping', () => {
    const evs = traceEvents(t, 0, 5);
    expect(evs.map((e) => e.type)).toContain('proc_start');
    expect(evs[0]!.index).toBe(0);
    expect(traceEvents(t, t.length - 2, 10)).toHaveLength(2);
  });
});
