// Defaults: the real libraries' defaults, and the model's own for (model) parameters.
// They are read from the field table so that the table, the docs and the normaliser
// cannot disagree.
import { FIELD_BY_PATH } from './fields';
import type { PgBouncerConfig, Scenario } from './types';

function d<T>(path: string): T {
  const row = FIELD_BY_PATH.get(path);
  if (!row) throw new Error(`no field ${path}`);
  return row.default as T;
}

/** PgBouncer's own defaults (config.md), used when `pgbouncer` is an object. */
export const PGBOUNCER_DEFAULTS: PgBouncerConfig = {
  pool_mode: d('pgbouncer.pool_mode'),
  max_client_conn: d('pgbouncer.max_client_conn'),
  default_pool_size: d('pgbouncer.default_pool_size'),
  min_pool_size: d('pgbouncer.min_pool_size'),
  reserve_pool_size: d('pgbouncer.reserve_pool_size'),
  reserve_pool_timeout: d('pgbouncer.reserve_pool_timeout'),
  max_db_connections: d('pgbouncer.max_db_connections'),
  server_idle_timeout: d('pgbouncer.server_idle_timeout'),
  query_wait_timeout: d('pgbouncer.query_wait_timeout'),
};

export const DEFAULT_SCENARIO: Scenario = {
  version: 1,
  seed: d('seed'),
  duration_s: d('duration_s'),
  app: {
    servers: d('app.servers'),
    workers: d('app.workers'),
    threads: d('app.threads'),
    cores: d('app.cores'),
    timeout_s: d('app.timeout_s'),
    max_requests: d('app.max_requests'),
    max_requests_jitter: d('app.max_requests_jitter'),
    preload_app: d('app.preload_app'),
    master_connects: d('app.master_connects'),
    post_fork: d('app.post_fork'),
    post_worker_init: d('app.post_worker_init'),
    session_scope: d('app.session_scope'),
    engine_config: d('app.engine_config'),
    request: {
      app_ms: d('app.request.app_ms'),
      queries: d('app.request.queries'),
      query_ms: d('app.request.query_ms'),
      distribution: d('app.request.distribution'),
      hold: d('app.request.hold'),
    },
  },
  pool: {
    class: d('pool.class'),
    pool_size: d('pool.pool_size'),
    max_overflow: d('pool.max_overflow'),
    pool_timeout: d('pool.pool_timeout'),
    pool_recycle: d('pool.pool_recycle'),
    pool_pre_ping: d('pool.pool_pre_ping'),
    pool_use_lifo: d('pool.pool_use_lifo'),
  },
  pgbouncer: null,
  postgres: {
    max_connections: d('postgres.max_connections'),
    superuser_reserved_connections: d('postgres.superuser_reserved_connections'),
    cores: d('postgres.cores'),
  },
  network: {
    rtt_ms: d('network.rtt_ms'),
    connect_ms: d('network.connect_ms'),
    pgbouncer_connect_ms: d('network.pgbouncer_connect_ms'),
    tls: d('network.tls'),
  },
  other_clients: [],
  faults: [],
  load: { kind: 'closed', concurrency: d('load.concurrency'), requests: d('load.requests') },
};

export const OPEN_LOAD_DEFAULTS = {
  kind: 'open' as const,
  rate_per_s: d<number>('load.rate_per_s'),
  phases: [],
};
