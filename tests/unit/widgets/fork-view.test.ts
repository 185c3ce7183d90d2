// The ForkExplorer's reading of a snapshot: who holds a socket (FD tables)
// versus who uses it (pools), and the text summary built from that.
import { describe, expect, it } from 'vitest';
import { simulate, stateAt, type Snapshot } from '../../../src/engine/index';
import { presetById } from '../../../src/scenario/index';
import { forkMoment } from '../../../src/widgets/parts/fork/fork-events';
import { forkSummary, forkView, listText } from '../../../src/widgets/parts/fork/fork-view';
import { scenario } from '../engine/helpers';

function snap(partial: Partial<Snapshot>): Snapshot {
  return {
    t_us: 42_000,
    events: 0,
    processes: [],
    sockets: [],
    connections: [],
    requests: [],
    postgres: { up: true, backends: [] },
    pgbouncer: null,
    totals: { ok: 0, failed: 0, errors: {} },
    ...partial,
  };
}

const proc = (id: number, fds: number[], role: 'master' | 'worker' = 'worker') => ({
  id,
  pid: 1000 + id,
  server: 0,
  role,
  parent: role === 'master' ? -1 : 0,
  alive: true,
  ready: true,
  exit: null,
  fds,
  pool: { idle: [], checked_out: [], waiting: [] },
  disposed: null,
});

const socket = (id: number, holders: number[], alive = true) => ({
  id,
  opener: 0,
  peer: 'postgres' as const,
  peer_id: id,
  alive,
  cause: alive ? 'open' : 'desync',
  holders,
});

describe('forkView', () => {
  it('a socket two pools use is shared; one only held by several FD tables is not', () => {
    const view = forkView(
      snap({
        processes: [proc(0, [1, 2], 'master'), proc(1, [1]), proc(2, [1, 2])],
        sockets: [socket(1, [0, 1, 2]), socket(2, [0, 2])],
        connections: [
          { id: 10, proc: 1, socket: 1, state: 'checked_out', request: 5 },
          { id: 11, proc: 2, socket: 1, state: 'checked_out', request: 6 },
          { id: 12, proc: 0, socket: 2, state: 'idle', request: -1 },
        ],
      }),
    );
    const [s1, s2] = view.sockets;
    expect(s1).toMatchObject({ shared: true, users: [1, 2], activeUsers: [1, 2], heldOnly: false });
    expect(s2).toMatchObject({ shared: false, users: [0], heldOnly: true });
    expect(view.processes.map((p) => p.label)).toEqual([
      'master pid 1000',
      'worker pid 1001',
      'worker pid 1002',
    ]);
    const worker2 = view.processes[2]!;
    expect(worker2.rows).toEqual([
      { socket: 1, inherited: true, inPool: true, inUse: true, dead: false },
      { socket: 2, inherited: true, inPool: false, inUse: false, dead: false },
    ]);
    const text = forkSummary(view);
    expect(text).toContain('1 socket is shared between pools.');
    expect(text).toContain('pid 1001 and pid 1002 are using it at this instant');
    expect(text).toContain('only the pool of pid 1000 uses it');
  });

  it('a dead socket is not counted as shared', () => {
    const view = forkView(
      snap({
        processes: [proc(0, [1], 'master'), proc(1, [1])],
        sockets: [socket(1, [0, 1], false)],
        connections: [
          { id: 10, proc: 0, socket: 1, state: 'idle', request: -1 },
          { id: 11, proc: 1, socket: 1, state: 'idle', request: -1 },
        ],
        totals: { ok: 3, failed: 2, errors: { protocol_error: 2, ssl_error: 0 } },
      }),
    );
    expect(view.sockets[0]!.shared).toBe(false);
    const text = forkSummary(view);
    expect(text).toContain('dead: desync');
    expect(text).toContain('No socket is shared between pools.');
    expect(text).toContain('So far 3 requests succeeded and 2 failed (2 protocol_error).');
  });
});

describe('listText', () => {
  it('joins with commas and "and"', () => {
    expect(listText([])).toBe('');
    expect(listText(['a'])).toBe('a');
    expect(listText(['a', 'b'])).toBe('a and b');
    expect(listText(['a', 'b', 'c'])).toBe('a, b and c');
  });
});

describe('on engine runs', () => {
  const traceOf = (id: string, app: Record<string, unknown> = {}) => {
    const input = structuredClone(presetById(id)!.scenario) as Record<string, unknown>;
    input.app = { ...(input.app as object), ...app };
    return simulate(scenario(input), { trace: true }).trace!;
  };

  it('without a hook, the master socket is shared by the workers when the first request fails', () => {
    const trace = traceOf('shared-socket-sync-workers');
    const view = forkView(stateAt(trace, forkMoment(trace)));
    expect(view.sockets.some((s) => s.shared)).toBe(true);
  });

  it('with post_fork dispose(close=False) the socket is held by every FD table and used by the master only', () => {
    const trace = traceOf('shared-socket-sync-workers', { post_fork: 'dispose_close_false' });
    const t = forkMoment(trace);
    const view = forkView(stateAt(trace, t));
    const master = view.sockets.find((s) => s.opener === 0)!;
    expect(master.holders.length).toBe(view.processes.length);
    expect(master.users).toEqual([0]);
    expect(forkSummary(view)).toContain('No socket is shared between pools.');
    for (const p of view.processes.filter((q) => q.role === 'worker'))
      expect(p.disposed).toBe('close_false');
  });

  it('the summary at an instant is the same whichever way the instant is reached', () => {
    const trace = traceOf('shared-socket-sync-workers');
    const t = forkMoment(trace) + 5_000;
    const forward = forkSummary(forkView(stateAt(trace, t)));
    stateAt(trace, trace.endUs);
    expect(forkSummary(forkView(stateAt(trace, t)))).toBe(forward);
  });
});
