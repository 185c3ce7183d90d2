import { describe, expect, it } from 'vitest';
import { errorText, ERROR_KINDS } from '../../../src/engine/index';
import { compareTexts, EXPLAINED, normaliseText } from '../../../tests/reality/compare/texts';
import { caseDescriptions } from '../../../tests/reality/compare/subjects';

const REAL_CLOSED =
  'sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) server closed the connection unexpectedly\n\tThis probably means the server terminated abnormally\n\tbefore or while processing the request.\n\n[SQL: SELECT pg_sleep(%(s)s)]\n[parameters: ...]\n(Background on this error at: https://sqlalche.me/e/14/e3q8)';

const ctx = { poolSize: 1, overflow: 0, timeout: 1, viaPgbouncer: false, pid: 1 };
const kind = (k: string) => ERROR_KINDS.indexOf(k as (typeof ERROR_KINDS)[number]);

describe('normaliseText', () => {
  it('removes the class prefixes, the SQL echo, the host and the error link', () => {
    const n = normaliseText(REAL_CLOSED);
    expect(n.core).toBe(
      'server closed the connection unexpectedly This probably means the server terminated abnormally before or while processing the request.',
    );
    expect(n.link).toBe('14/e3q8');
    expect(normaliseText(errorText(kind('connection_closed'), 0, ctx)).core).toBe(n.core);
  });

  it('removes where a connection went', () => {
    const real =
      'sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) connection to server at "127.0.0.1", port 47987 failed: FATAL:  no more connections allowed (max_client_conn)\n\n(Background on this error at: https://sqlalche.me/e/14/e3q8)';
    const engine = errorText(kind('max_client_conn'), 0, { ...ctx, viaPgbouncer: true });
    expect(normaliseText(engine).core).toBe(normaliseText(real).core);
  });
});

describe('compareTexts', () => {
  it('finds the same text and notes the link version', () => {
    const rows = compareTexts(
      'connection_closed',
      [errorText(kind('connection_closed'), 0, ctx)],
      [REAL_CLOSED],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.verdict).toBe('same');
    expect(rows[0]!.note).toContain('/e/20/ vs /e/14/');
  });

  it('explains PostgreSQL 15 against 16 wording of the reserved-slot refusal', () => {
    const real =
      'sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) connection to server at "127.0.0.1", port 1 failed: FATAL:  remaining connection slots are reserved for non-replication superuser connections';
    const rows = compareTexts(
      'too_many_clients',
      [errorText(kind('too_many_clients'), 1, ctx)],
      [real],
    );
    expect(rows[0]!.verdict).toBe('explained');
    expect(rows[0]!.explanation).toContain('PostgreSQL 16');
  });

  it('explains the TLS alert text', () => {
    const real =
      'sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) SSL error: sslv3 alert bad record mac';
    const rows = compareTexts('ssl_error', [errorText(kind('ssl_error'), 0, ctx)], [real]);
    expect(rows[0]!.verdict).toBe('explained');
  });

  it('flags a difference nobody explained', () => {
    const rows = compareTexts(
      'pool_timeout',
      [errorText(kind('pool_timeout'), 0, ctx)],
      ['sqlalchemy.exc.TimeoutError: something else'],
    );
    expect(rows.some((r) => r.verdict === 'unexplained')).toBe(true);
  });

  it("skips the harness's notes and lists real-only texts with their reason", () => {
    const rows = compareTexts(
      'session_state',
      [errorText(kind('session_state'), 1, ctx)],
      [
        '(moved from connection_closed: a note)',
        "builtins.AttributeError: 'NoneType' object has no attribute 'twophase'",
        "builtins.AttributeError: 'NoneType' object has no attribute 'dispatch'",
      ],
    );
    expect(rows.map((r) => r.verdict)).toEqual(['same', 'explained']);
    expect(rows[1]!.side).toBe('real');
  });

  it('has an explanation per entry with a reason', () => {
    for (const e of EXPLAINED) {
      expect(ERROR_KINDS as readonly string[]).toContain(e.kind);
      expect(e.why.length, e.id).toBeGreaterThan(40);
      expect(e.engine !== null || e.real !== null, e.id).toBe(true);
    }
  });
});

describe('caseDescriptions', () => {
  it("reads each case's description from harness/cases.py", () => {
    const src = `CASES = {\n    "pool-timeout-too-few": (\n        "8 threads share 1 pooled connection: pool timeouts",\n        expect(),\n    ),\n    "other": (\n        "the \\"same\\" thing",\n    ),\n    "long": (\n        "first line, "\n        "second line",\n        expect(("x", lambda r: "no" in r)),\n`;
    expect(caseDescriptions(src)).toEqual({
      'pool-timeout-too-few': '8 threads share 1 pooled connection: pool timeouts',
      other: 'the \\"same\\" thing',
      long: 'first line, second line',
    });
  });
});

describe('texts: libpq repeats and engine variants', () => {
  it("reads libpq's doubled message as one", () => {
    const once =
      'server closed the connection unexpectedly\n\tThis probably means the server terminated abnormally\n\tbefore or while processing the request.';
    expect(normaliseText(`(psycopg2.OperationalError) ${once}\n${once}`).core).toBe(
      normaliseText(once).core,
    );
  });

  it('matches a real text to an engine variant its report did not show', () => {
    const shown = errorText(kind('too_many_clients'), 1, ctx);
    const real =
      'sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) connection to server at "127.0.0.1", port 1 failed: FATAL:  sorry, too many clients already';
    const variants = () => [0, 1].map((v) => errorText(kind('too_many_clients'), v, ctx));
    const rows = compareTexts('too_many_clients', [shown], [real], variants);
    expect(rows.find((r) => r.side === 'both' && r.real === real)?.verdict).toBe('same');
  });

  it('over TLS only, accepts a closed-connection text the short real run did not print', () => {
    const plain = errorText(kind('connection_closed'), 0, ctx);
    const eof = errorText(kind('connection_closed'), 1, ctx);
    const real =
      'sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) SSL SYSCALL error: EOF detected\n\n[SQL: SELECT pg_sleep(%(s)s)]';
    const tls = compareTexts('connection_closed', [plain, eof], [real], () => [], { tls: true });
    expect(tls.map((r) => r.verdict)).toEqual(['explained', 'same']);
    expect(tls[0]!.side).toBe('engine');
    const plainTcp = compareTexts('connection_closed', [plain, eof], [real]);
    expect(plainTcp[0]!.verdict).toBe('unexplained');
  });

  it("explains a shared Session's text that the real run did not print", () => {
    const twophase = errorText(kind('session_state'), 1, ctx);
    expect(twophase).toContain('twophase');
    const real =
      "sqlalchemy.exc.InvalidRequestError: This session is in 'prepared' state; no further SQL can be emitted within this transaction.";
    const variants = () => [0, 1].map((v) => errorText(kind('session_state'), v, ctx));
    const rows = compareTexts('session_state', [twophase], [real], variants);
    expect(rows.every((r) => r.verdict !== 'unexplained')).toBe(true);
    expect(rows.find((r) => r.engine === twophase)?.verdict).toBe('explained');
  });
});
