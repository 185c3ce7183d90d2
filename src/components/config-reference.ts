// What each scenario key changes in the model, for the configuration
// reference. The meaning, default, range and upstream link come from the field
// table (src/scenario/fields.ts); this adds the model's side. A unit test keeps
// the two in step: every key has exactly one entry here.

export interface ReferenceSection {
  /** Heading of the section; its slug is a published anchor. */
  title: string;
  /** Key-path prefix of the fields it lists. */
  prefix: string;
  intro: string;
}

export const REFERENCE_SECTIONS: readonly ReferenceSection[] = [
  {
    title: 'Run',
    prefix: '',
    intro: 'The run itself: how long it lasts and which random draws it makes.',
  },
  {
    title: 'Gunicorn and the app',
    prefix: 'app.',
    intro: 'The app servers, their Gunicorn masters and workers, and what one request does.',
  },
  {
    title: 'SQLAlchemy pool',
    prefix: 'pool.',
    intro: "Each worker process's engine and its pool, as create_engine receives them.",
  },
  {
    title: 'PgBouncer',
    prefix: 'pgbouncer.',
    intro:
      'Present when the scenario has a pgbouncer object; the app then connects to PgBouncer instead of PostgreSQL.',
  },
  {
    title: 'PostgreSQL',
    prefix: 'postgres.',
    intro: 'The database server: its connection slots and its CPU.',
  },
  {
    title: 'Network',
    prefix: 'network.',
    intro: 'What connecting and talking to the database costs.',
  },
  {
    title: 'Other clients',
    prefix: 'other_clients[].',
    intro:
      'Connections held by everything else that uses the database: Celery, cron, migrations, admin sessions.',
  },
  { title: 'Faults', prefix: 'faults[].', intro: 'Events that break connections during the run.' },
  { title: 'Load', prefix: 'load.', intro: 'The traffic that drives the run.' },
];

/** The section a key belongs to: the one with the longest matching prefix. */
export function sectionOf(path: string): ReferenceSection {
  const matching = REFERENCE_SECTIONS.filter((s) =>
    s.prefix === '' ? !path.includes('.') : path.startsWith(s.prefix),
  );
  const best = matching.sort((a, b) => b.prefix.length - a.prefix.length)[0];
  if (!best) throw new Error(`no reference section for ${path}`);
  return best;
}

export const MODEL_EFFECTS: Readonly<Record<string, string>> = {
  seed: 'Every random draw (arrivals, app and query times, the order of racing events) comes from one generator seeded with it; change it to see another run of the same configuration.',
  duration_s:
    'The run stops at this virtual time; an open load sends arrivals until then, a closed load may finish sooner.',

  'app.servers':
    'Each server has its own Gunicorn master, workers and cores; requests are dealt to servers in turn.',
  'app.workers':
    'Worker processes forked by each master. Each has its own pool, its own GIL and its own copy of what the master held at fork.',
  'app.threads':
    'Request threads per worker. A request waits for a free thread; one thread holds at most one connection, so a worker never has more connections checked out than threads.',
  'app.cores':
    "Python time (app_ms) runs on one of the server's cores and needs its worker's GIL; with more runnable threads than cores, they queue.",
  'app.timeout_s':
    'A sync worker (threads = 1) busy on one request longer than this is killed: its request fails with worker_timeout, its connections close, and the master forks a replacement.',
  'app.max_requests':
    'After this many requests a worker exits gracefully and the master forks a new one, which inherits the master’s pool again.',
  'app.max_requests_jitter':
    'Adds a random 0..jitter to each worker’s max_requests, so that workers are not all replaced at once.',
  'app.preload_app':
    'The engine is created in the master before fork, so workers inherit its pool object and any connection it holds.',
  'app.master_connects':
    'With preload_app, the master runs a query while importing the app, so its pool holds one live connection that every forked worker inherits.',
  'app.post_fork':
    'Runs in each new worker right after fork: dispose_close_false gives it an empty pool; dispose_close_true also closes the inherited sockets, ending the backends the master and other workers share. Without preload_app there is no engine yet and it does nothing.',
  'app.post_worker_init':
    'The same choices, run after the app is loaded in the worker, before it serves requests.',
  'app.session_scope':
    'global: the threads of a worker share one Session; two requests using it at once fail with session_state.',
  'app.engine_config':
    'flask_sqlalchemy truncates pool_timeout and pool_recycle to whole numbers before the pool sees them (a pool_timeout of 0.5 waits 0 s); create_engine passes them unchanged.',
  'app.request.app_ms':
    'Python time per request, split around its queries; it holds the GIL, so threads of one worker cannot overlap it.',
  'app.request.queries':
    'Database round trips per request, each taking query_ms on the server plus one rtt_ms.',
  'app.request.query_ms':
    'Server time of one query when PostgreSQL is idle; with more running queries than postgres.cores, each takes longer.',
  'app.request.distribution':
    'How app_ms and query_ms vary around their means: constant, exponential, or lognormal with sigma 0.5.',
  'app.request.hold':
    'request: the connection is checked out at the first query and returned at teardown, as Flask-SQLAlchemy’s session does; query: it is returned after each query.',

  'pool.class':
    'NullPool opens a connection on every checkout and closes it on every return; QueuePool keeps up to pool_size idle.',
  'pool.pool_size':
    'Idle connections a QueuePool keeps; a connection returned while pool_size are already idle is closed.',
  'pool.max_overflow':
    'Connections a pool may open beyond pool_size; a checkout that finds no idle connection and no room waits for a return.',
  'pool.pool_timeout':
    'How long that wait lasts before the checkout fails with pool_timeout (QueuePool limit … reached).',
  'pool.pool_recycle':
    'At checkout, a connection older than this is closed and replaced by a new one (a connect).',
  'pool.pool_pre_ping':
    'At checkout of a connection that is not brand new, one round trip checks it; a dead one is replaced transparently, and older pooled connections are marked for replacement.',
  'pool.pool_use_lifo':
    'Checkout takes the most recently returned idle connection, so surplus ones stay idle (and may be dropped by an idle timeout).',

  'pgbouncer.pool_mode':
    'How long a server connection stays linked to a client: its whole session, one transaction (one request with hold: request), or one statement.',
  'pgbouncer.max_client_conn':
    'Client connections beyond this are refused at connect with max_client_conn.',
  'pgbouncer.default_pool_size':
    'Server connections for the app’s database and user; a client needing one when all are linked waits.',
  'pgbouncer.min_pool_size': 'Server connections opened at start and kept open even when idle.',
  'pgbouncer.reserve_pool_size':
    'Extra server connections opened once a client has waited reserve_pool_timeout.',
  'pgbouncer.reserve_pool_timeout': 'How long a client waits before the reserve pool may be used.',
  'pgbouncer.max_db_connections': 'Caps the server connections to the database over all pools.',
  'pgbouncer.server_idle_timeout': 'A server connection idle this long is closed.',
  'pgbouncer.query_wait_timeout':
    'A client that waits this long for a server connection is disconnected; the app sees server closed the connection unexpectedly.',

  'postgres.max_connections':
    'Backend slots. Connects beyond them are refused with too_many_clients.',
  'postgres.superuser_reserved_connections':
    'Slots the app role cannot use: its connects are refused once only these remain.',
  'postgres.cores':
    'Up to this many queries run at full speed; beyond it they share the CPU, so each takes longer.',

  'network.rtt_ms':
    'Added to every query, pre-ping and return (the rollback that resets a connection).',
  'network.connect_ms':
    'Every new PostgreSQL connection costs this before its first query, including refused ones.',
  'network.pgbouncer_connect_ms': 'Every new client connection to PgBouncer costs this.',
  'network.tls':
    'A socket used by a second process breaks at once with ssl_error, instead of desynchronising.',

  'other_clients[].name': 'A label for the report.',
  'other_clients[].connections':
    'Open from the start of the run to its end, taking PostgreSQL slots from the app.',

  'faults[].kind':
    'terminate_backends ends every app backend; postgres_restart also refuses connects while down; pgbouncer_restart ends every client connection to PgBouncer; idle_timeout silently drops connections idle too long.',
  'faults[].at_s': 'When a terminate or restart happens.',
  'faults[].down_s': 'How long a restarted server refuses connects (connect_refused).',
  'faults[].after_s':
    'For idle_timeout: a connection idle longer than this is dropped, and found dead on its next use.',

  'load.kind':
    'closed: a fixed number of users, each sending its next request when the last ends; open: requests arrive at random (Poisson) whether or not earlier ones are done.',
  'load.concurrency': 'Closed load: users, like ab -c.',
  'load.requests': 'Closed load: requests in all, like ab -n.',
  'load.rate_per_s': 'Open load: mean arrivals per second over the whole run.',
  'load.phases[].rate_per_s': 'Open load in phases: mean arrivals per second during this phase.',
  'load.phases[].duration_s': 'Open load in phases: how long this phase lasts.',
};
