// Each way a request can fail, with the text the real stack prints (SQLAlchemy 2.0 with
// psycopg2, PostgreSQL 16+, PgBouncer, Gunicorn). Sources are in shared/domain/FACTS.md;
// the upstream pages are linked beside each text.

export const ERROR_KINDS = [
  'pool_timeout',
  'too_many_clients',
  'protocol_error',
  'ssl_error',
  'connection_closed',
  'max_client_conn',
  'query_wait_timeout',
  'worker_timeout',
  'session_state',
  'connect_refused',
] as const;

export type ErrorKind = (typeof ERROR_KINDS)[number];

/** Integer codes used inside the engine (index into ERROR_KINDS, plus OK). */
export const OK = -1;
export const E = {
  pool_timeout: 0,
  too_many_clients: 1,
  protocol_error: 2,
  ssl_error: 3,
  connection_closed: 4,
  max_client_conn: 5,
  query_wait_timeout: 6,
  worker_timeout: 7,
  session_state: 8,
  connect_refused: 9,
} as const satisfies Record<ErrorKind, number>;

/** Which variant of a kind's text applies (e.g. the two PostgreSQL refusals). */
export const V = {
  plain: 0,
  /** too_many_clients: the reserved-slot refusal after authentication. */
  reserved: 1,
  /** protocol_error: SQLAlchemy reading a reply meant for another statement. */
  noRows: 1,
  /** ssl_error / connection_closed: a later user of a socket whose TLS session already broke. */
  eof: 1,
  /** connect_refused: through PgBouncer while PostgreSQL is down. */
  serverLogin: 1,
  /** connect_refused: PgBouncer itself is down. */
  pgbouncerDown: 2,
  /** session_state: pre-ping on a connection another thread's transaction holds. */
  setSession: 2,
  /** session_scope "global": a commit whose transaction another thread's commit or rollback closed first. */
  commitLost: 3,
  /** session_scope "global": a statement on the Session's connection after another thread's commit closed it. */
  staleConnection: 4,
} as const;

const BG_E3Q8 = '(Background on this error at: https://sqlalche.me/e/20/e3q8)';
const PG = 'connection to server at "postgres" (10.0.0.5), port 5432 failed';
const PGB = 'connection to server at "pgbouncer" (10.0.0.6), port 6432 failed';
const CLOSED =
  'server closed the connection unexpectedly\n\tThis probably means the server terminated abnormally\n\tbefore or while processing the request.';

export interface TextContext {
  poolSize: number;
  overflow: number;
  timeout: number;
  viaPgbouncer: boolean;
  pid: number;
}

/** The text an application log shows for an error of this kind. */
export function errorText(kind: number, variant: number, c: TextContext): string {
  const host = c.viaPgbouncer ? PGB : PG;
  switch (kind) {
    case E.pool_timeout:
      // sqlalchemy/pool/impl.py QueuePool._do_get; code 3o7r, https://docs.sqlalchemy.org/en/20/errors.html#error-3o7r
      return `QueuePool limit of size ${c.poolSize} overflow ${c.overflow} reached, connection timed out, timeout ${c.timeout.toFixed(2)} (Background on this error at: https://sqlalche.me/e/20/3o7r)`;
    case E.too_many_clients:
      // postinit.c (PG 16+ wording; PG <= 15: "...reserved for non-replication superuser connections")
      return variant === V.reserved
        ? `(psycopg2.OperationalError) ${host}: FATAL:  remaining connection slots are reserved for roles with the SUPERUSER attribute\n${BG_E3Q8}`
        : `(psycopg2.OperationalError) ${host}: FATAL:  sorry, too many clients already\n${BG_E3Q8}`;
    case E.protocol_error:
      // psycopg2 #994 / #281; sqlalchemy ResourceClosedError
      return variant === V.noRows
        ? '(sqlalchemy.exc.ResourceClosedError) This result object does not return rows. It has been closed automatically.'
        : '(psycopg2.DatabaseError) error with status PGRES_TUPLES_OK and no message from the libpq';
    case E.ssl_error:
      // nautobot #127, taranis-ai #381
      return variant === V.eof
        ? `(psycopg2.OperationalError) SSL SYSCALL error: EOF detected\n${BG_E3Q8}`
        : `(psycopg2.OperationalError) SSL error: decryption failed or bad record mac\n${BG_E3Q8}`;
    case E.connection_closed:
      return variant === V.eof
        ? `(psycopg2.OperationalError) SSL SYSCALL error: EOF detected\n${BG_E3Q8}`
        : `(psycopg2.OperationalError) ${CLOSED}\n${BG_E3Q8}`;
    case E.max_client_conn:
      // pgbouncer src/client.c
      return `(psycopg2.OperationalError) ${PGB}: FATAL:  no more connections allowed (max_client_conn)\n${BG_E3Q8}`;
    case E.query_wait_timeout:
      // PgBouncer sends FATAL query_wait_timeout and disconnects; psycopg2 reports a closed connection.
      return `(psycopg2.OperationalError) ${CLOSED}\n${BG_E3Q8}  [PgBouncer log: closing because: query_wait_timeout]`;
    case E.worker_timeout:
      // gunicorn/arbiter.py murder_workers
      return `[CRITICAL] WORKER TIMEOUT (pid:${c.pid})`;
    case E.session_state:
      // https://docs.sqlalchemy.org/en/20/orm/session_basics.html#is-the-session-thread-safe-is-asyncsession-safe-to-share-in-concurrent-tasks
      if (variant === V.setSession)
        // psycopg2 connection.set_session (autocommit) refused inside a transaction
        return '(psycopg2.ProgrammingError) set_session cannot be used inside a transaction\n(Background on this error at: https://sqlalche.me/e/20/f405)';
      if (variant === V.commitLost)
        return "AttributeError: 'NoneType' object has no attribute 'dispatch'";
      if (variant === V.staleConnection)
        return "(builtins.AttributeError) 'NoneType' object has no attribute 'cursor'";
      return variant === 1
        ? "AttributeError: 'NoneType' object has no attribute 'twophase'"
        : "(sqlalchemy.exc.InvalidRequestError) This session is in 'prepared' state; no further SQL can be emitted within this transaction.";
    case E.connect_refused:
      if (variant === V.serverLogin)
        return `(psycopg2.OperationalError) ${PGB}: FATAL:  server login has been failing, try again later (server_login_retry)\n${BG_E3Q8}`;
      return `(psycopg2.OperationalError) ${variant === V.pgbouncerDown ? PGB : host}: Connection refused\n\tIs the server running on that host and accepting TCP/IP connections?\n${BG_E3Q8}`;
    default:
      return 'unknown error';
  }
}

/**
 * Errors that SQLAlchemy's psycopg2 dialect treats as a disconnect (is_disconnect): the
 * connection is invalidated and, by default, the whole pool with it
 * (https://github.com/sqlalchemy/sqlalchemy/blob/rel_2_0/lib/sqlalchemy/dialects/postgresql/psycopg2.py).
 * Protocol desync errors are not disconnects: that connection goes back to the pool.
 */
export function isDisconnect(kind: number): boolean {
  return kind === E.connection_closed || kind === E.ssl_error || kind === E.query_wait_timeout;
}
