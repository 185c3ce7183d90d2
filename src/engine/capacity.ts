// The connection budget as arithmetic (no simulation): how many connections a
// configuration can open at worst, against what PostgreSQL (and PgBouncer) allow.
// Per FACTS.md §8/§10a: each worker process has its own pool, so the worst case is
// servers × workers × min(threads, pool_size + max_overflow), plus the masters'
// import-time connections and other clients. A thread holds one connection at a time.
import { effectivePool } from '../scenario/parse';
import type { Scenario } from '../scenario/types';

export interface ConnectionBudget {
  processes: number;
  /** Connections one worker can hold at once. */
  perWorker: number;
  /** pool_size + max_overflow after Flask-SQLAlchemy's int(), or null (NullPool, no limit). */
  poolLimit: number | null;
  /** processes × poolLimit, or null. */
  configuredCeiling: number | null;
  masterConnections: number;
  otherConnections: number;
  /** The app's connections at worst (to PostgreSQL, or to PgBouncer as clients). */
  appConnections: number;
  /** PostgreSQL backends at worst. */
  postgresConnections: number;
  /** max_connections - superuser_reserved_connections. */
  postgresAvailable: number;
  pgbouncer: null | { clients: number; maxClientConn: number; servers: number };
  exceeded: ('max_connections' | 'max_client_conn')[];
}

export function connectionBudget(s: Scenario): ConnectionBudget {
  const eff = effectivePool(s);
  const processes = s.app.servers * s.app.workers;
  const poolLimit =
    s.pool.class === 'NullPool' ||
    eff.max_overflow < 0 ||
    (eff.pool_size === 0 && eff.max_overflow < 0)
      ? null
      : eff.pool_size + eff.max_overflow;
  const perWorker = poolLimit === null ? s.app.threads : Math.min(s.app.threads, poolLimit);
  const masterConnections = s.app.preload_app && s.app.master_connects ? s.app.servers : 0;
  const otherConnections = s.other_clients.reduce((a, c) => a + c.connections, 0);
  const appConnections = processes * perWorker + masterConnections;
  const postgresAvailable = s.postgres.max_connections - s.postgres.superuser_reserved_connections;
  const exceeded: ConnectionBudget['exceeded'] = [];
  let pgbouncer: ConnectionBudget['pgbouncer'] = null;
  let postgresConnections: number;
  if (s.pgbouncer) {
    const p = s.pgbouncer;
    let servers =
      p.default_pool_size === 0 ? appConnections : p.default_pool_size + p.reserve_pool_size;
    if (p.max_db_connections > 0) servers = Math.min(servers, p.max_db_connections);
    servers = Math.min(servers, appConnections);
    pgbouncer = { clients: appConnections, maxClientConn: p.max_client_conn, servers };
    postgresConnections = servers + otherConnections;
    if (appConnections > p.max_client_conn) exceeded.push('max_client_conn');
  } else postgresConnections = appConnections + otherConnections;
  if (postgresConnections > postgresAvailable) exceeded.unshift('max_connections');
  return {
    processes,
    perWorker,
    poolLimit,
    configuredCeiling: poolLimit === null ? null : processes * poolLimit,
    masterConnections,
    otherConnections,
    appConnections,
    postgresConnections,
    postgresAvailable,
    pgbouncer,
    exceeded,
  };
}
