// Error texts: the engine's (src/engine/errors.ts, as its reports print them) against the
// ones the real stack printed. Pure.
//
// First, what only says *where* is removed from both: the host and port, the SQL echo
// and its parameters, the exception's class prefix (the harness logs `module.Class:
// message`, as a traceback's last line; SQLAlchemy's own str() puts a wrapped DBAPI
// error's class in parentheses), and the version in SQLAlchemy's error link (kept apart
// and reported). What still differs must be one of EXPLAINED below, with its reason.

export interface TextCore {
  /** The text with host, SQL echo, prefixes and link removed, whitespace collapsed. */
  core: string;
  /** SQLAlchemy's error link version and code (`14/3o7r`), when there is one. */
  link: string | null;
}

/** Reduce an error text to what it says, without where it happened. */
export function normaliseText(text: string): TextCore {
  let t = text;
  const link = /sqlalche\.me\/e\/(\d+)\/(\w+)/.exec(t);
  t = t.replace(/\(Background on this error at: [^)]*\)/g, ' ');
  t = t.replace(/\[SQL: [\s\S]*?\](?=\s|$)/g, ' ').replace(/\[parameters: [^\]]*\]?/g, ' ');
  t = t.replace(/\s*\[PgBouncer log: [^\]]*\]/g, ' ');
  t = t.replace(
    /connection to server at "[^"]*"(?: \([^)]*\))?, port \d+ failed:/g,
    'connection to server failed:',
  );
  // Class prefixes, repeatedly: "sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) ..."
  for (;;) {
    const before = t;
    t = t.trim().replace(/^(?:[a-z_][\w]*\.)*[A-Z]\w*: /, '');
    t = t.trim().replace(/^\((?:[a-z_][\w]*\.)*[A-Z]\w*\) /, '');
    if (t === before.trim()) break;
  }
  let core = t.replace(/\s+/g, ' ').trim();
  // libpq sometimes reports a lost connection twice in one message (the read's error and
  // the connection's): "server closed … request. server closed … request."
  const half = core.slice(0, Math.floor(core.length / 2)).trim();
  if (half && core === `${half} ${half}`) core = half;
  return { core, link: link ? `${link[1]}/${link[2]}` : null };
}

export interface Explanation {
  id: string;
  kind: string;
  /** Matches the engine's text (after normalising); null: the real text has no engine counterpart. */
  engine: RegExp | null;
  /** Matches the real text (after normalising); null: the engine's text was not seen on the real stack. */
  real: RegExp | null;
  /** Holds only for a scenario with `network.tls` (the texts differ without it). */
  tlsOnly?: boolean;
  why: string;
}

/** What a comparison knows of the scenario whose texts it compares. */
export interface TextScenario {
  tls: boolean;
}

/** Every known difference between the engine's texts and the real ones, with its reason. */
export const EXPLAINED: Explanation[] = [
  {
    id: 'pg15-reserved-slots',
    kind: 'too_many_clients',
    engine: /remaining connection slots are reserved for roles with the SUPERUSER attribute/,
    real: /remaining connection slots are reserved for non-replication superuser connections/,
    why: 'Wording of the reserved-slot refusal: PostgreSQL 16 reworded it when it added reserved_connections ("…reserved for roles with the SUPERUSER attribute"); the harness runs PostgreSQL 15, which says "…reserved for non-replication superuser connections". Same check, same SQLSTATE 53300.',
  },
  {
    id: 'tls-alert-vs-local-mac',
    kind: 'ssl_error',
    engine: /SSL error: decryption failed or bad record mac/,
    real: /SSL error: sslv3 alert bad record mac/,
    why: 'Which side notices first. When two processes write on one TLS session, the record counters stop matching. If the client checks a record and finds it corrupt, OpenSSL reports "decryption failed or bad record mac" (what FACTS §11 and the engine quote). Here the server found it first and sent an alert, and the client\'s OpenSSL 3 reports the alert it received as "sslv3 alert bad record mac". Both are the same failure, and both are ssl_error.',
  },
  {
    id: 'qwt-tls-closed-text',
    kind: 'query_wait_timeout',
    engine: /server closed the connection unexpectedly/,
    real: /SSL connection has been closed unexpectedly/,
    why: 'With TLS, libpq reports a closed connection from its TLS layer: "SSL connection has been closed unexpectedly" instead of "server closed the connection unexpectedly". The engine prints the plain-TCP text whether or not tls is set.',
  },
  {
    id: 'tls-closed-either-text',
    kind: 'connection_closed',
    engine: /^(SSL SYSCALL error: EOF detected|server closed the connection unexpectedly)/,
    real: null,
    tlsOnly: true,
    why: 'Over TLS, a connection whose backend has ended reads as either text: "SSL SYSCALL error: EOF detected" or "server closed the connection unexpectedly". The real stack prints both: in the full comparisons of 2026-12-02 and 2026-12-03, the real runs of fork-shared-tls and tls-shared-socket each printed both, while a run of a few seconds with three or four such failures may print only one of them. The engine prints the first after the TLS session broke and the second after another process closed the connection.',
  },
  {
    id: 'worker-timeout-vantage',
    kind: 'worker_timeout',
    engine: /WORKER TIMEOUT/,
    real: /connection closed by the server with no HTTP response/,
    why: 'Different vantage points. The engine prints Gunicorn\'s log line ("[CRITICAL] WORKER TIMEOUT (pid:N)"). The harness records what the HTTP client saw: its connection closed with no reply. Gunicorn logged WORKER TIMEOUT in the same real runs (extra.gunicorn[].worker_timeouts).',
  },
  {
    id: 'session-state-variants',
    kind: 'session_state',
    engine: null,
    real: /'NoneType' object has no attribute '(dispatch|cursor)'|This transaction is inactive|connection pointer is NULL|unknown error|This Connection is closed|set_session cannot be used inside a transaction/,
    why: "Which line of SQLAlchemy a second thread trips over depends on timing. The engine prints the two texts FACTS lists ('prepared' state, 'twophase'). With a module-level Session shared by 8 or 16 threads, SQLAlchemy 1.4.46 and psycopg2 also gave these; tests/reality/README.md counts them.",
  },
  {
    id: 'session-state-engine-not-seen',
    kind: 'session_state',
    engine: /This session is in 'prepared' state|'NoneType' object has no attribute 'twophase'/,
    real: null,
    why: "One of the two texts FACTS lists for threads sharing a Session. The engine's report keeps the first text of each kind, drawn between the two; a real run of a few hundred requests may print only the other one, or only the other texts SQLAlchemy gives for the same race (session-state-variants). Both appear across real runs (tests/reality/README.md counts them).",
  },
  {
    id: 'pg-starting-up',
    kind: 'connect_refused',
    engine: null,
    real: /FATAL: the database system is (starting up|shutting down)/,
    why: 'A connect that arrives while PostgreSQL is shutting down or starting up again is refused with this FATAL message, before the port closes or after it opens. The engine has neither window: the server is up, then down, then up.',
  },
  {
    id: 'pg-closing-connect',
    kind: 'connect_refused',
    engine: null,
    real: /^connection to server failed: server closed the connection unexpectedly/,
    why: 'A new connection that PostgreSQL accepted and closed at once because it was shutting down: libpq reports it with the text of a lost connection. The engine refuses connects during an outage at TCP level (Connection refused) and has no shutdown window.',
  },
  {
    id: 'pgbouncer-server-login-retry',
    kind: 'connect_refused',
    engine: /server login has been failing, try again later \(server_login_retry\)/,
    real: null,
    why: "PgBouncer's answer while it cannot log in to PostgreSQL (for server_login_retry). Only a PostgreSQL outage behind PgBouncer causes it, and no real case here has one: the PgBouncer restart case refuses at TCP level instead.",
  },
  {
    id: 'resource-closed-not-seen',
    kind: 'protocol_error',
    engine: /This result object does not return rows/,
    real: null,
    why: "One of the two desync texts FACTS §11 quotes: SQLAlchemy reads a reply meant for another statement. On this machine only the other one (PGRES_TUPLES_OK) came up in the saved runs. Which one appears depends on how the two processes' messages interleave.",
  },
  {
    id: 'too-many-sorry-first-sample',
    kind: 'too_many_clients',
    engine: null,
    real: /sorry, too many clients already/,
    why: 'Refused at the very start, when every slot is taken, superuser ones included: the refusals that are still in progress hold slots too. The engine has this text as well (errorText, when every slot is taken), but its report keeps only the first text of each kind, and that was the reserved-slot refusal.',
  },
  {
    id: 'reserved-not-seen',
    kind: 'too_many_clients',
    engine: /remaining connection slots are reserved for roles with the SUPERUSER attribute/,
    real: null,
    why: "The reserved-slot refusal (PostgreSQL 16's wording). In this real run every refusal came earlier, at 'sorry, too many clients already': the refusals still in progress held the remaining slots.",
  },
  {
    id: 'too-many-sorry-not-seen',
    kind: 'too_many_clients',
    engine: /sorry, too many clients already/,
    real: null,
    why: 'Refused when every slot is taken, superuser ones included. In these runs, the reserved-slot check usually refused the app role first.',
  },
];

/**
 * Every text the engine has for one kind (errors.ts errorText, all its variants), for the
 * real texts that the engine's report did not show: a report keeps the first text of each
 * kind, so a real text may match a variant the engine prints elsewhere.
 */
export type Variants = (kind: string) => string[];

export type TextVerdict = 'same' | 'explained' | 'unexplained';

export interface TextRow {
  kind: string;
  side: 'both' | 'engine' | 'real';
  engine: string | null;
  real: string | null;
  verdict: TextVerdict;
  /** Notes on what normalising removed that still differs (the link's version). */
  note: string;
  explanation: string | null;
}

function explain(
  kind: string,
  engineCore: string | null,
  realCore: string | null,
  sc: TextScenario,
): Explanation | undefined {
  return EXPLAINED.find(
    (e) =>
      e.kind === kind &&
      (!e.tlsOnly || sc.tls) &&
      (e.engine === null
        ? engineCore === null
        : engineCore !== null && e.engine.test(engineCore)) &&
      (e.real === null ? realCore === null : realCore !== null && e.real.test(realCore)),
  );
}

function linkNote(a: string | null, b: string | null): string {
  if (!a || !b || a === b) return '';
  const [va, ca] = a.split('/');
  const [vb, cb] = b.split('/');
  if (ca === cb && va !== vb)
    return `error link /e/${va}/ vs /e/${vb}/: SQLAlchemy ${va === '20' ? '2.0' : va} vs ${vb === '14' ? '1.4' : vb} link their own version's page (same code ${ca})`;
  return `error link ${a} vs ${b}`;
}

/**
 * Compare the engine's texts of one kind with the real ones of that kind. Real texts that
 * the harness added as notes (starting with "(moved from") are skipped.
 */
export function compareTexts(
  kind: string,
  engineTexts: string[],
  realTexts: string[],
  variants: Variants = () => [],
  sc: TextScenario = { tls: false },
): TextRow[] {
  const rows: TextRow[] = [];
  const reals = realTexts
    .filter((t) => !t.startsWith('(moved from'))
    .map((t) => ({ raw: t, ...normaliseText(t) }));
  const engines = engineTexts.map((t) => ({ raw: t, ...normaliseText(t) }));
  const matchedReal = new Set<number>();
  for (const e of engines) {
    const same = reals.findIndex((r) => r.core === e.core);
    if (same >= 0) {
      matchedReal.add(same);
      rows.push({
        kind,
        side: 'both',
        engine: e.raw,
        real: reals[same]!.raw,
        verdict: 'same',
        note: linkNote(e.link, reals[same]!.link),
        explanation: null,
      });
      continue;
    }
    // Differs from every real text: an explanation pairing it with one of them, or an engine-only one.
    let found: { ex: Explanation; ri: number } | null = null;
    for (let ri = 0; ri < reals.length && !found; ri++) {
      const ex = explain(kind, e.core, reals[ri]!.core, sc);
      if (ex) found = { ex, ri };
    }
    if (found) {
      matchedReal.add(found.ri);
      const r = reals[found.ri]!;
      rows.push({
        kind,
        side: 'both',
        engine: e.raw,
        real: r.raw,
        verdict: 'explained',
        note: linkNote(e.link, r.link),
        explanation: found.ex.why,
      });
      continue;
    }
    const alone = explain(kind, e.core, null, sc);
    // Explained on its own: the real run did not print this one. Unexplained: shown beside
    // the first real text of the kind, for whoever has to explain it.
    rows.push({
      kind,
      side: alone || !reals.length ? 'engine' : 'both',
      engine: e.raw,
      real: alone ? null : (reals[0]?.raw ?? null),
      verdict: alone ? 'explained' : 'unexplained',
      note: '',
      explanation: alone?.why ?? null,
    });
  }
  reals.forEach((r, i) => {
    if (matchedReal.has(i)) return;
    // A real text the engine's texts did not match: covered by a pairing with an engine text, or a real-only one.
    if (engines.some((e) => r.core === e.core || explain(kind, e.core, r.core, sc))) return;
    const variant = variants(kind).find((v) => normaliseText(v).core === r.core);
    if (variant) {
      rows.push({
        kind,
        side: 'both',
        engine: variant,
        real: r.raw,
        verdict: 'same',
        note: `the engine has this text too; its report showed another of the kind first${linkNote(normaliseText(variant).link, r.link) ? `; ${linkNote(normaliseText(variant).link, r.link)}` : ''}`,
        explanation: null,
      });
      return;
    }
    const ex = explain(kind, null, r.core, sc);
    rows.push({
      kind,
      side: 'real',
      engine: null,
      real: r.raw,
      verdict: ex ? 'explained' : engines.length ? 'unexplained' : 'explained',
      note: engines.length ? '' : 'the engine had none of this kind in this scenario',
      explanation: ex?.why ?? null,
    });
  });
  return rows;
}
