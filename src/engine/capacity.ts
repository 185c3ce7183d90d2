// The connection arithmetic: how many PostgreSQL connections a configuration
// can open at worst, against how many the server lets the app role have.
//
// Each Gunicorn worker process has its own Engine and so its own QueuePool,
// which allows at most pool_size + max_overflow connections at once
// (https://docs.sqlalchemy.org/en/20/core/pooling.html#sqlalchemy.pool.QueuePool).
// A request thread holds at most one connection, so a worker with fewer
// threads than that never reaches its pool's limit. PostgreSQL keeps
// superuser_reserved_connections of max_connections away from ordinary roles
// (https://www.postgresql.org/docs/current/runtime-config-connection.html).
// With PgBouncer in between, the app's connections are PgBouncer clients,
// bounded by max_client_conn, while PostgreSQL sees only PgBouncer's server
// connections (https://www.pgbouncer.org/config.html).
import type { Scenario } from '../scenario/types';

export interface ConnectionBudget {
  /** Gunicorn worker processes over all servers. */
  processes: number;
  /** pool_size + max_overflow of one worker's pool; null when unlimited (pool_size 0, max_overflow -1, NullPool). */
  poolLimit: number | null;
  /** What one worker can really hold at once: its pool limit, or its threads if fewer. */
  perWorker: number;
  /** One connection per server held by a preloaded master that connected while importing the app. */
  masterConnections: number;
  /** Connections the app side can open at worst: processes × perWorker + masters. */
  appConnections: number;
  /** The configured ceiling, ignoring threads: processes × poolLimit (null when unlimited). */
  configuredCeiling: number | null;
  /** Connections held by other clients (Celery, cron...). */
  otherConnections: number;
  /** Connections PostgreSQL can receive at worst from all of the above (through PgBouncer if present). */
  postgresConnections: number;
  /** Slots PostgreSQL gives ordinary roles: max_connections − superuser_reserved_connections. */
  postgresAvailable: number;
  /** PgBouncer's side, when present. */
  pgbouncer: null | {
    /** Client connections the app opens at worst, against max_client_conn. */
    clients: number;
    maxClientConn: number;
    /** Server connections PgBouncer opens at worst: default_pool_size + reserve, capped by max_db_connections. */
    servers: number | null;
  };
  /** Limits that the worst case goes past, each named by its config key. */
  exceeded: ('max_connections' | 'max_client_conn')[];
}

function poolLimitOf(s: Scenario): number | null {
  if (s.pool.class === 'NullPool') return null;
  if (s.pool.pool_size === 0 || s.pool.max_overflow === -1) return null;
  return Math.trunc(s.pool.pool_size) + Math.trunc(s.pool.max_overflow);
}

/** The worst-case connection count of a scenario and the limits it meets. */
export function connectionBudget(s: Scenario): ConnectionBudget {
  const processes = s.app.servers * s.app.workers;
  const poolLimit = poolLimitOf(s);
  const perWorker = poolLimit === null ? s.app.threads : Math.min(poolLimit, s.app.threads);
  const masterConnections = s.app.preload_app && s.app.master_connects ? s.app.servers : 0;
  const appConnections = processes * perWorker + masterConnections;
  const otherConnections = s.other_clients.reduce((sum, c) => sum + c.connections, 0);
  const postgresAvailable = Math.max(
    0,
    s.postgres.max_connections - s.postgres.superuser_reserved_connections,
  );

  let pgbouncer: ConnectionBudget['pgbouncer'] = null;
  let fromApp = appConnections;
  if (s.pgbouncer) {
    const b = s.pgbouncer;
    const pool = b.default_pool_size === 0 ? null : b.default_pool_size + b.reserve_pool_size;
    const cap = b.max_db_connections === 0 ? null : b.max_db_connections;
    const servers = pool === null ? cap : cap === null ? pool : Math.min(pool, cap);
    const clients = appConnections;
    pgbouncer = { clients, maxClientConn: b.max_client_conn, servers };
    fromApp = Math.min(servers ?? Infinity, Math.min(clients, b.max_client_conn));
  }
  const postgresConnections = fromApp + otherConnections;
  const exceeded: ConnectionBudget['exceeded'] = [];
  if (postgresConnections > postgresAvailable) exceeded.push('max_connections');
  if (pgbouncer && pgbouncer.clients > pgbouncer.maxClientConn) exceeded.push('max_client_conn');

  return {
    processes,
    poolLimit,
    perWorker,
    masterConnections,
    appConnections,
    configuredCeiling: poolLimit === null ? null : processes * poolLimit,
    otherConnections,
    postgresConnections,
    postgresAvailable,
    pgbouncer,
    exceeded,
  };
}
