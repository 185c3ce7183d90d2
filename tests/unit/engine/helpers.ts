// Test helpers: build scenarios, run them, and check invariants over a trace.
import { parseScenario, type Scenario, type ScenarioInput } from '../../../src/scenario/index';
import { simulate, TT, type Report, type Trace } from '../../../src/engine/index';

export function scenario(input: ScenarioInput | Record<string, unknown>): Scenario {
  const r = parseScenario(input);
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('\n'));
  return r.scenario;
}

export function run(input: ScenarioInput | Record<string, unknown>): Report {
  return simulate(scenario(input)).report;
}

export interface Violations {
  list: string[];
}

/**
 * Replay a trace and check the invariants every run must keep:
 * the clock never goes back; every request that arrives ends exactly once;
 * a process's pool never has more than pool_size + max_overflow connections checked
 * out; PostgreSQL never has more than max_connections backends; PgBouncer never more
 * servers than its limits.
 */
export function checkInvariants(s: Scenario, trace: Trace): string[] {
  const problems: string[] = [];
  const note = (m: string): void => {
    if (problems.length < 10) problems.push(m);
  };
  let last = 0;
  const open = new Set<number>();
  const ended = new Set<number>();
  const out = new Map<number, Set<number>>();
  const connProc = new Map<number, number>();
  let backends = 0;
  let servers = 0;
  const limit =
    s.pool.class === 'NullPool' || s.pool.max_overflow < 0
      ? Infinity
      : Math.trunc(s.pool.pool_size) + Math.trunc(s.pool.max_overflow);
  const pgb = s.pgbouncer;
  const serverLimit = pgb
    ? Math.min(
        pgb.default_pool_size === 0 ? Infinity : pgb.default_pool_size + pgb.reserve_pool_size,
        pgb.max_db_connections === 0 ? Infinity : pgb.max_db_connections,
      )
    : Infinity;
  for (let i = 0; i < trace.length; i++) {
    const t = trace.t[i]!;
    if (t < last) note(`clock went back at event ${i}: ${t} < ${last}`);
    last = t;
    const a = trace.a[i]!;
    const b = trace.b[i]!;
    const c = trace.c[i]!;
    switch (trace.type[i]) {
      case TT.REQ_ARRIVE:
        open.add(a);
        break;
      case TT.REQ_END:
        if (!open.has(a)) note(`request ${a} ended ${ended.has(a) ? 'twice' : 'without arriving'}`);
        open.delete(a);
        ended.add(a);
        break;
      case TT.CONN_NEW:
        connProc.set(a, b);
        if (trace.d[i] === 1) take(b, a);
        break;
      case TT.CONN_OUT:
        take(b, a);
        break;
      case TT.CONN_IN:
      case TT.CONN_DROP:
        out.get(b)?.delete(a);
        break;
      case TT.PROC_EXIT:
        out.delete(a);
        break;
      case TT.BE_START:
        if (++backends > s.postgres.max_connections)
          note(`${backends} backends > max_connections at ${t}`);
        break;
      case TT.BE_END:
        backends--;
        break;
      case TT.PGB_SERVER:
        servers += b === 1 ? 1 : -1;
        if (servers > serverLimit) note(`${servers} PgBouncer servers > ${serverLimit} at ${t}`);
        break;
    }
    void c;
  }
  function take(proc: number, conn: number): void {
    let set = out.get(proc);
    if (!set) out.set(proc, (set = new Set()));
    set.add(conn);
    if (set.size > limit) problems.push(`process ${proc} has ${set.size} checked out > ${limit}`);
  }
  return problems;
}
