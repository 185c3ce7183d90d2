// The ForkExplorer's reading of the trace: recent fork events with the real
// error texts, FD table copies under way, and the moment to start on.
import { describe, expect, it } from 'vitest';
import { simulate, TT, type Trace } from '../../../src/engine/index';
import { presetById } from '../../../src/scenario/index';
import {
  COPY_US,
  failureBins,
  fdCopiesAt,
  forkMoment,
  recentForkEvents,
} from '../../../src/widgets/parts/fork/fork-events';
import { scenario } from '../engine/helpers';

function run(id: string, app: Record<string, unknown> = {}) {
  const input = structuredClone(presetById(id)!.scenario) as Record<string, unknown>;
  input.app = { ...(input.app as object), ...app };
  return simulate(scenario(input), { trace: true });
}

const firstTime = (trace: Trace, type: number, pred: (i: number) => boolean = () => true) => {
  for (let i = 0; i < trace.length; i++) if (trace.type[i] === type && pred(i)) return trace.t[i]!;
  return -1;
};

describe('fork events', () => {
  const { trace, report } = run('shared-socket-sync-workers');
  const t = trace!;

  it('starts just before the first failed request', () => {
    const failed = firstTime(t, TT.REQ_END, (i) => t.b[i]! >= 0);
    expect(failed).toBeGreaterThan(0);
    expect(forkMoment(t)).toBe(failed - 1000);
  });

  it('lists forks and inherited sockets, and failures with the report text and the worker', () => {
    const failed = firstTime(t, TT.REQ_END, (i) => t.b[i]! >= 0);
    const lines = recentForkEvents(t, failed, report.error_samples, 50);
    expect(lines.some((l) => /^fork: worker pid 100\d from pid 1000$/.test(l.text))).toBe(true);
    expect(lines.some((l) => /inherits socket 1 \(FD table copied\)/.test(l.text))).toBe(true);
    const failure = lines.at(-1)!;
    expect(failure.error).toBe(true);
    expect(failure.text).toMatch(/^pid 100\d: request \d+ failed: \w+: /);
    const kind = failure.text.split(': ')[2]!.split(' ').at(-1)!;
    expect(failure.text).toContain(report.error_samples[kind as 'protocol_error']!);
    expect(lines.map((l) => l.tUs)).toEqual([...lines.map((l) => l.tUs)].sort((a, b) => a - b));
  });

  it('an FD copy travels from the master to the child over COPY_US after the fork', () => {
    const inherit = firstTime(t, TT.FD_INHERIT);
    expect(fdCopiesAt(t, inherit - 1)).toEqual([]);
    const halfway = fdCopiesAt(t, inherit + COPY_US / 2);
    expect(halfway[0]).toMatchObject({ socket: 1, from: 0 });
    expect(halfway[0]!.progress).toBeCloseTo(0.5, 5);
    expect(fdCopiesAt(t, inherit + COPY_US + 1).some((c) => c.to === halfway[0]!.to)).toBe(false);
  });

  it('with no failure, starts once the first round of workers has forked', () => {
    const clean = run('shared-socket-sync-workers', { post_fork: 'dispose_close_false' }).trace!;
    let lastFork = 0;
    for (let i = 0; i < clean.length; i++)
      if (clean.type[i] === TT.PROC_START && clean.b[i]! >= 0) lastFork = clean.t[i]!;
    expect(forkMoment(clean)).toBe(lastFork + COPY_US);
  });
});

describe('failureBins', () => {
  it('counts every failed request once, in the bin of its time', () => {
    const { trace, report } = run('shared-socket-sync-workers');
    const bins = failureBins(trace!, 50);
    expect(bins).toHaveLength(50);
    expect(bins.reduce((a, b) => a + b, 0)).toBe(report.requests.failed);
    const first = firstTime(trace!, TT.REQ_END, (i) => trace!.b[i]! >= 0);
    expect(bins.findIndex((n) => n > 0)).toBe(Math.floor(first / (trace!.endUs / 50)));
  });
});
