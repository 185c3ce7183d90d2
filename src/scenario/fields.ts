// The field table: one row per scenario key path. It drives the schema, the defaults,
// the sliders and docs of the site, and the ranges table of README.md (a unit test keeps
// README and this table in agreement). Ranges are bounded so that no valid scenario can
// exhaust a browser tab; see LIMITS for the bounds that span several fields.

export type FieldType = 'int' | 'number' | 'boolean' | 'enum' | 'string';

export interface FieldMeta {
  /** Key path, e.g. `pool.pool_size`; items of arrays as `faults[].at_s`. */
  path: string;
  /** The real configuration key (or the model's own name for a (model) parameter). */
  label: string;
  type: FieldType;
  min?: number;
  max?: number;
  step?: number;
  options?: readonly string[];
  default: number | boolean | string;
  unit?: string;
  /** One line: what it means. */
  meaning: string;
  /** The upstream page it follows; absent for parameters only the simulator has. */
  doc?: string;
  /** True for parameters only the simulator has, marked (model) in the contract. */
  model?: boolean;
}

const SA_ENGINE = 'https://docs.sqlalchemy.org/en/20/core/engines.html#sqlalchemy.create_engine';
const SA_POOL = 'https://docs.sqlalchemy.org/en/20/core/pooling.html';
const GUNICORN = 'https://docs.gunicorn.org/en/stable/settings.html';
const PGB = 'https://www.pgbouncer.org/config.html';
const PG_CONN = 'https://www.postgresql.org/docs/current/runtime-config-connection.html';
const HOOKS = ['none', 'dispose_close_false', 'dispose_close_true'] as const;

/** Bounds that span several fields. */
export const LIMITS = {
  /** Expected requests of a run: closed `requests`, or the sum of rate × duration of an open load. */
  maxRequests: 1_000_000,
  /** Expected requests × (queries + 3): a proxy for the number of events. */
  maxWork: 20_000_000,
  /** Worker processes over all servers (servers × workers). */
  maxProcesses: 256,
  maxPhases: 32,
  maxFaults: 32,
  maxOtherClients: 16,
} as const;

function f(row: FieldMeta): FieldMeta {
  return row;
}

export const FIELDS: readonly FieldMeta[] = [
  f({ path: 'seed', label: 'seed', type: 'int', min: 0, max: 4294967295, step: 1, default: 1, meaning: 'Seed of the one random generator: same scenario + seed => the same run, event for event.', model: true }),
  f({ path: 'duration_s', label: 'duration_s', type: 'number', min: 0.1, max: 3600, step: 0.1, default: 60, unit: 's', meaning: 'Virtual seconds simulated; a closed load may finish earlier.', model: true }),

  f({ path: 'app.servers', label: 'servers', type: 'int', min: 1, max: 16, step: 1, default: 1, meaning: 'App hosts behind a round-robin load balancer, one Gunicorn master each.', model: true }),
  f({ path: 'app.workers', label: 'workers', type: 'int', min: 1, max: 64, step: 1, default: 1, meaning: 'gunicorn --workers: worker processes per server.', doc: `${GUNICORN}#workers` }),
  f({ path: 'app.threads', label: 'threads', type: 'int', min: 1, max: 256, step: 1, default: 1, meaning: 'gunicorn --threads: 1 is a sync worker, more is a gthread worker.', doc: `${GUNICORN}#threads` }),
  f({ path: 'app.cores', label: 'cores', type: 'int', min: 1, max: 256, step: 1, default: 4, meaning: "CPU cores of each app server, shared by its workers' Python time.", model: true }),
  f({ path: 'app.timeout_s', label: 'timeout', type: 'number', min: 0, max: 3600, step: 1, default: 30, unit: 's', meaning: 'gunicorn --timeout: a sync worker busy longer is killed and re-forked (0 disables).', doc: `${GUNICORN}#timeout` }),
  f({ path: 'app.max_requests', label: 'max_requests', type: 'int', min: 0, max: 1_000_000, step: 1, default: 0, meaning: 'gunicorn --max-requests: recycle a worker after this many requests (0 = never).', doc: `${GUNICORN}#max-requests` }),
  f({ path: 'app.max_requests_jitter', label: 'max_requests_jitter', type: 'int', min: 0, max: 1_000_000, step: 1, default: 0, meaning: 'gunicorn --max-requests-jitter: plus a random 0..jitter per worker.', doc: `${GUNICORN}#max-requests-jitter` }),
  f({ path: 'app.preload_app', label: 'preload_app', type: 'boolean', default: false, meaning: 'gunicorn --preload: the app and its engine are created in the master, before fork.', doc: `${GUNICORN}#preload-app` }),
  f({ path: 'app.master_connects', label: 'master_connects', type: 'boolean', default: false, meaning: "The app runs a query while being imported; with preload_app the master's pool then holds a live connection at fork.", model: true }),
  f({ path: 'app.post_fork', label: 'post_fork', type: 'enum', options: HOOKS, default: 'none', meaning: "engine.dispose(close=False) or engine.dispose() in Gunicorn's post_fork hook (in the child, right after fork).", doc: `${GUNICORN}#post-fork` }),
  f({ path: 'app.post_worker_init', label: 'post_worker_init', type: 'enum', options: HOOKS, default: 'none', meaning: 'The same choices, run in the worker after the app is loaded, before it serves requests.', doc: `${GUNICORN}#post-worker-init` }),
  f({ path: 'app.session_scope', label: 'session_scope', type: 'enum', options: ['scoped', 'global'], default: 'scoped', meaning: "'scoped': a Session per request (Flask-SQLAlchemy); 'global': one Session shared by a worker's threads (a bug).", doc: 'https://docs.sqlalchemy.org/en/20/orm/session_basics.html#is-the-session-thread-safe-is-asyncsession-safe-to-share-in-concurrent-tasks', model: true }),
  f({ path: 'app.engine_config', label: 'engine_config', type: 'enum', options: ['flask_sqlalchemy', 'create_engine'], default: 'flask_sqlalchemy', meaning: 'flask_sqlalchemy: SQLALCHEMY_ENGINE_OPTIONS via engine_from_config, which truncates pool_timeout, pool_recycle, pool_size, max_overflow to integers.', doc: 'https://flask-sqlalchemy.readthedocs.io/en/stable/config/', model: true }),
  f({ path: 'app.request.app_ms', label: 'app_ms', type: 'number', min: 0, max: 60000, step: 0.1, default: 5, unit: 'ms', meaning: 'Python time per request outside the database (needs the GIL and a core).', model: true }),
  f({ path: 'app.request.queries', label: 'queries', type: 'int', min: 0, max: 100, step: 1, default: 3, meaning: 'Queries per request.', model: true }),
  f({ path: 'app.request.query_ms', label: 'query_ms', type: 'number', min: 0, max: 60000, step: 0.1, default: 2, unit: 'ms', meaning: 'Mean database time of one query on an unloaded server.', model: true }),
  f({ path: 'app.request.distribution', label: 'distribution', type: 'enum', options: ['constant', 'exponential', 'lognormal'], default: 'exponential', meaning: 'Distribution of app_ms and query_ms around their means (lognormal: sigma 0.5).', model: true }),
  f({ path: 'app.request.hold', label: 'hold', type: 'enum', options: ['request', 'query'], default: 'request', meaning: "'request': a connection is held from the first query to teardown; 'query': returned after each query.", model: true }),

  f({ path: 'pool.class', label: 'poolclass', type: 'enum', options: ['QueuePool', 'NullPool'], default: 'QueuePool', meaning: 'QueuePool keeps connections; NullPool opens one per checkout and closes it on return.', doc: `${SA_POOL}#switching-pool-implementations` }),
  f({ path: 'pool.pool_size', label: 'pool_size', type: 'int', min: 0, max: 1000, step: 1, default: 5, meaning: 'Connections kept idle at most; 0 = no limit.', doc: `${SA_ENGINE}.params.pool_size` }),
  f({ path: 'pool.max_overflow', label: 'max_overflow', type: 'int', min: -1, max: 1000, step: 1, default: 10, meaning: 'Connections beyond pool_size, closed on return; -1 = no limit.', doc: `${SA_ENGINE}.params.max_overflow` }),
  f({ path: 'pool.pool_timeout', label: 'pool_timeout', type: 'number', min: 0, max: 3600, step: 0.1, default: 30, unit: 's', meaning: 'How long a checkout waits at the limit before TimeoutError.', doc: `${SA_ENGINE}.params.pool_timeout` }),
  f({ path: 'pool.pool_recycle', label: 'pool_recycle', type: 'number', min: -1, max: 86400, step: 1, default: -1, unit: 's', meaning: 'Replace a connection older than this at checkout; -1 = never.', doc: `${SA_POOL}#setting-pool-recycle` }),
  f({ path: 'pool.pool_pre_ping', label: 'pool_pre_ping', type: 'boolean', default: false, meaning: 'Ping a connection at checkout (one round trip) and reconnect if it is dead.', doc: `${SA_POOL}#disconnect-handling-pessimistic` }),
  f({ path: 'pool.pool_use_lifo', label: 'pool_use_lifo', type: 'boolean', default: false, meaning: 'Take the most recently returned idle connection instead of the oldest.', doc: `${SA_POOL}#using-fifo-vs-lifo` }),

  f({ path: 'pgbouncer.pool_mode', label: 'pool_mode', type: 'enum', options: ['session', 'transaction', 'statement'], default: 'session', meaning: 'How long a server connection is held: the client session, one transaction, one statement.', doc: `${PGB}#pool_mode` }),
  f({ path: 'pgbouncer.max_client_conn', label: 'max_client_conn', type: 'int', min: 1, max: 100000, step: 1, default: 100, meaning: 'Client connections PgBouncer accepts; beyond, refused.', doc: `${PGB}#max_client_conn` }),
  f({ path: 'pgbouncer.default_pool_size', label: 'default_pool_size', type: 'int', min: 0, max: 10000, step: 1, default: 20, meaning: 'Server connections per database/user pair (0 = unlimited, PgBouncer >= 1.24).', doc: `${PGB}#default_pool_size` }),
  f({ path: 'pgbouncer.min_pool_size', label: 'min_pool_size', type: 'int', min: 0, max: 10000, step: 1, default: 0, meaning: 'Server connections kept open even when idle.', doc: `${PGB}#min_pool_size` }),
  f({ path: 'pgbouncer.reserve_pool_size', label: 'reserve_pool_size', type: 'int', min: 0, max: 10000, step: 1, default: 0, meaning: 'Extra server connections once a client has waited reserve_pool_timeout.', doc: `${PGB}#reserve_pool_size` }),
  f({ path: 'pgbouncer.reserve_pool_timeout', label: 'reserve_pool_timeout', type: 'number', min: 0, max: 3600, step: 0.1, default: 5, unit: 's', meaning: 'Wait after which the reserve pool may be used.', doc: `${PGB}#reserve_pool_timeout` }),
  f({ path: 'pgbouncer.max_db_connections', label: 'max_db_connections', type: 'int', min: 0, max: 10000, step: 1, default: 0, meaning: 'Server connections per database over all users (0 = unlimited).', doc: `${PGB}#max_db_connections` }),
  f({ path: 'pgbouncer.server_idle_timeout', label: 'server_idle_timeout', type: 'number', min: 0, max: 86400, step: 1, default: 600, unit: 's', meaning: 'Idle server connections are closed after this (0 = never).', doc: `${PGB}#server_idle_timeout` }),
  f({ path: 'pgbouncer.query_wait_timeout', label: 'query_wait_timeout', type: 'number', min: 0, max: 3600, step: 1, default: 120, unit: 's', meaning: 'A client waiting longer for a server connection is disconnected (0 = wait forever).', doc: `${PGB}#query_wait_timeout` }),

  f({ path: 'postgres.max_connections', label: 'max_connections', type: 'int', min: 1, max: 10000, step: 1, default: 100, meaning: 'Backend slots of the PostgreSQL server.', doc: `${PG_CONN}#GUC-MAX-CONNECTIONS` }),
  f({ path: 'postgres.superuser_reserved_connections', label: 'superuser_reserved_connections', type: 'int', min: 0, max: 1000, step: 1, default: 3, meaning: 'Slots out of max_connections that the app role cannot use.', doc: `${PG_CONN}#GUC-SUPERUSER-RESERVED-CONNECTIONS` }),
  f({ path: 'postgres.cores', label: 'cores', type: 'int', min: 1, max: 256, step: 1, default: 8, meaning: 'Queries beyond this many at once share the CPU (processor sharing).', model: true }),

  f({ path: 'network.rtt_ms', label: 'rtt_ms', type: 'number', min: 0, max: 1000, step: 0.01, default: 0.5, unit: 'ms', meaning: 'One round trip app <-> database (pre-ping, rollback on return, query reply).', model: true }),
  f({ path: 'network.connect_ms', label: 'connect_ms', type: 'number', min: 0, max: 10000, step: 0.1, default: 5, unit: 'ms', meaning: 'Opening a PostgreSQL connection: TCP, TLS, auth, backend start.', model: true }),
  f({ path: 'network.pgbouncer_connect_ms', label: 'pgbouncer_connect_ms', type: 'number', min: 0, max: 10000, step: 0.1, default: 1, unit: 'ms', meaning: 'Opening a client connection to PgBouncer.', model: true }),
  f({ path: 'network.tls', label: 'tls', type: 'boolean', default: false, meaning: 'TLS to the database: a socket used by a second process breaks on its first use.', model: true }),

  f({ path: 'other_clients[].name', label: 'name', type: 'string', default: 'other', meaning: 'A label (letters, digits, _ . -; up to 40).', model: true }),
  f({ path: 'other_clients[].connections', label: 'connections', type: 'int', min: 0, max: 10000, step: 1, default: 10, meaning: 'PostgreSQL connections it holds open all run long.', model: true }),

  f({ path: 'faults[].kind', label: 'kind', type: 'enum', options: ['terminate_backends', 'postgres_restart', 'pgbouncer_restart', 'idle_timeout'], default: 'terminate_backends', meaning: 'What breaks connections.', model: true }),
  f({ path: 'faults[].at_s', label: 'at_s', type: 'number', min: 0, max: 3600, step: 0.1, default: 20, unit: 's', meaning: 'When it happens (not for idle_timeout).', model: true }),
  f({ path: 'faults[].down_s', label: 'down_s', type: 'number', min: 0, max: 3600, step: 0.1, default: 5, unit: 's', meaning: 'How long the server stays down (restarts only).', model: true }),
  f({ path: 'faults[].after_s', label: 'after_s', type: 'number', min: 0.001, max: 86400, step: 1, default: 300, unit: 's', meaning: 'idle_timeout: connections idle longer than this are silently dropped.', model: true }),

  f({ path: 'load.kind', label: 'kind', type: 'enum', options: ['closed', 'open'], default: 'closed', meaning: 'closed: like ab -n -c; open: Poisson arrivals.', model: true }),
  f({ path: 'load.concurrency', label: 'concurrency', type: 'int', min: 1, max: 10000, step: 1, default: 50, meaning: 'closed: virtual users, each sending its next request when the last ends (ab -c).', model: true }),
  f({ path: 'load.requests', label: 'requests', type: 'int', min: 1, max: LIMITS.maxRequests, step: 1, default: 10000, meaning: 'closed: requests in all (ab -n).', model: true }),
  f({ path: 'load.rate_per_s', label: 'rate_per_s', type: 'number', min: 0, max: 100000, step: 1, default: 200, unit: '1/s', meaning: 'open: mean arrival rate for duration_s (ignored when phases are given).', model: true }),
  f({ path: 'load.phases[].rate_per_s', label: 'rate_per_s', type: 'number', min: 0, max: 100000, step: 1, default: 200, unit: '1/s', meaning: 'open: arrival rate of this phase.', model: true }),
  f({ path: 'load.phases[].duration_s', label: 'duration_s', type: 'number', min: 0.001, max: 3600, step: 0.1, default: 10, unit: 's', meaning: 'open: length of this phase.', model: true }),
];

export const FIELD_BY_PATH: ReadonlyMap<string, FieldMeta> = new Map(FIELDS.map((row) => [row.path, row]));

/** The field table under the name the brief's consumers expect. */
export const RANGES = FIELDS;
