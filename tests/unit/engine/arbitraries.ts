// fast-check arbitraries: random valid (small) scenario inputs.
import fc from 'fast-check';

const hook = fc.constantFrom('none', 'dispose_close_false', 'dispose_close_true');
const fault = fc.oneof(
  fc.record({
    kind: fc.constant('terminate_backends'),
    at_s: fc.double({ min: 0, max: 3, noNaN: true }),
  }),
  fc.record({
    kind: fc.constantFrom('postgres_restart', 'pgbouncer_restart'),
    at_s: fc.double({ min: 0, max: 3, noNaN: true }),
    down_s: fc.double({ min: 0, max: 1, noNaN: true }),
  }),
  fc.record({
    kind: fc.constant('idle_timeout'),
    after_s: fc.double({ min: 0.01, max: 2, noNaN: true }),
  }),
);

export const scenarioInput = fc.record({
  seed: fc.nat(),
  duration_s: fc.double({ min: 0.5, max: 4, noNaN: true }),
  app: fc.record({
    servers: fc.integer({ min: 1, max: 2 }),
    workers: fc.integer({ min: 1, max: 3 }),
    threads: fc.integer({ min: 1, max: 6 }),
    cores: fc.integer({ min: 1, max: 4 }),
    timeout_s: fc.constantFrom(0, 0.5, 30),
    max_requests: fc.constantFrom(0, 5, 40),
    max_requests_jitter: fc.integer({ min: 0, max: 5 }),
    preload_app: fc.boolean(),
    master_connects: fc.boolean(),
    post_fork: hook,
    post_worker_init: hook,
    session_scope: fc.constantFrom('scoped', 'global'),
    engine_config: fc.constantFrom('flask_sqlalchemy', 'create_engine'),
    request: fc.record({
      app_ms: fc.double({ min: 0, max: 5, noNaN: true }),
      queries: fc.integer({ min: 0, max: 3 }),
      query_ms: fc.double({ min: 0, max: 30, noNaN: true }),
      distribution: fc.constantFrom('constant', 'exponential', 'lognormal'),
      hold: fc.constantFrom('request', 'query'),
    }),
  }),
  pool: fc.record({
    class: fc.constantFrom('QueuePool', 'QueuePool', 'NullPool'),
    pool_size: fc.integer({ min: 0, max: 6 }),
    max_overflow: fc.integer({ min: -1, max: 4 }),
    pool_timeout: fc.double({ min: 0, max: 1, noNaN: true }),
    pool_recycle: fc.constantFrom(-1, 0, 0.5, 2),
    pool_pre_ping: fc.boolean(),
    pool_use_lifo: fc.boolean(),
  }),
  pgbouncer: fc.option(
    fc.record({
      pool_mode: fc.constantFrom('session', 'transaction', 'statement'),
      max_client_conn: fc.integer({ min: 1, max: 30 }),
      default_pool_size: fc.integer({ min: 0, max: 6 }),
      min_pool_size: fc.integer({ min: 0, max: 2 }),
      reserve_pool_size: fc.integer({ min: 0, max: 2 }),
      reserve_pool_timeout: fc.double({ min: 0, max: 2, noNaN: true }),
      max_db_connections: fc.integer({ min: 0, max: 8 }),
      server_idle_timeout: fc.constantFrom(0, 1, 600),
      query_wait_timeout: fc.constantFrom(0, 0.5, 120),
    }),
    { nil: null },
  ),
  postgres: fc.record({
    max_connections: fc.integer({ min: 4, max: 30 }),
    superuser_reserved_connections: fc.integer({ min: 0, max: 3 }),
    cores: fc.integer({ min: 1, max: 8 }),
  }),
  network: fc.record({
    rtt_ms: fc.constantFrom(0, 0.1, 0.5),
    connect_ms: fc.constantFrom(0, 2, 5),
    pgbouncer_connect_ms: fc.constantFrom(0, 1),
    tls: fc.boolean(),
  }),
  other_clients: fc.array(
    fc.record({
      name: fc.constantFrom('cron', 'celery'),
      connections: fc.integer({ min: 0, max: 5 }),
    }),
    { maxLength: 2 },
  ),
  faults: fc.array(fault, { maxLength: 2 }),
  load: fc.oneof(
    fc.record({
      kind: fc.constant('closed'),
      concurrency: fc.integer({ min: 1, max: 20 }),
      requests: fc.integer({ min: 1, max: 300 }),
    }),
    fc.record({
      kind: fc.constant('open'),
      rate_per_s: fc.double({ min: 0, max: 300, noNaN: true }),
    }),
    fc.record({
      kind: fc.constant('open'),
      rate_per_s: fc.constant(1),
      phases: fc.array(
        fc.record({
          rate_per_s: fc.double({ min: 0, max: 300, noNaN: true }),
          duration_s: fc.double({ min: 0.1, max: 2, noNaN: true }),
        }),
        { minLength: 1, maxLength: 3 },
      ),
    }),
  ),
});
