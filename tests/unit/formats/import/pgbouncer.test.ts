import { describe, expect, it } from 'vitest';
import { importConfig } from '../../../../src/formats/import';
import { connectionString, strtolBase0 } from '../../../../src/formats/import/pgbouncer';
import { pgbouncerPattern } from './fixtures/memo';
import { ignoredKeys, lines, reason, values } from './helpers';

const pgb = (text: string) => importConfig(text, { kind: 'pgbouncer' });

describe('pgbouncer.ini', () => {
  it('reads a real-world file with comments, odd spacing and unknown keys', () => {
    const result = pgb(
      lines(
        ';; PgBouncer configuration file',
        '[databases]',
        'appdb = host=10.0.0.5 port=5432 dbname=app pool_size=40 auth_user=pgbouncer',
        'reports = host=10.0.0.6 dbname=reports pool_size=5 pool_mode=session',
        '',
        '[pgbouncer]',
        'listen_addr = *',
        'listen_port = 6432',
        '  auth_type   =   scram-sha-256',
        '# transaction pooling for the web app',
        'pool_mode = Transaction',
        'max_client_conn=2000',
        'default_pool_size = 20',
        'min_pool_size = 0',
        'reserve_pool_size = 5',
        'reserve_pool_timeout = 3.5',
        'max_db_connections = 0',
        'server_idle_timeout = 600',
        'query_wait_timeout = 120',
        'server_lifetime = 3600',
        'max_clients = 10',
      ),
    );
    expect(result.kind).toBe('pgbouncer');
    expect(values(result)).toEqual({
      'pgbouncer.default_pool_size': 40,
      'pgbouncer.pool_mode': 'transaction',
      'pgbouncer.max_client_conn': 2000,
      'pgbouncer.min_pool_size': 0,
      'pgbouncer.reserve_pool_size': 5,
      'pgbouncer.reserve_pool_timeout': 3.5,
      'pgbouncer.max_db_connections': 0,
      'pgbouncer.server_idle_timeout': 600,
      'pgbouncer.query_wait_timeout': 120,
    });
    expect(result.input.pgbouncer).toBeTypeOf('object');
    const perDb = result.recognised.find((r) => r.key === 'appdb: pool_size');
    expect(perDb).toMatchObject({ line: 3, value: 40 });
    expect(perDb?.note).toContain('overriding the [pgbouncer] default');
    expect(ignoredKeys(result)).toEqual([
      'reports: pool_size@4',
      'reports: pool_mode@4',
      'listen_addr@7',
      'listen_port@8',
      'auth_type@9',
      'default_pool_size@13',
      'server_lifetime@20',
      'max_clients@21',
    ]);
    expect(reason(result, 'reports: pool_size')).toBe(
      'the model has one database: only the first entry of [databases] is read',
    );
    expect(reason(result, 'default_pool_size')).toBe('appdb: pool_size on line 3 takes precedence');
    expect(reason(result, 'server_lifetime')).toBe('not modelled');
    expect(reason(result, 'max_clients')).toMatch(/^not a PgBouncer setting/);
    expect(result.errors).toEqual([]);
  });

  it("reads the memo's pgbouncer.ini and warns that PgBouncer would refuse its inline comments", () => {
    const ini = pgbouncerPattern.slice(pgbouncerPattern.indexOf('# PgBouncer config'));
    const result = pgb(ini);
    expect(values(result)).toEqual({
      'pgbouncer.pool_mode': 'transaction',
      'pgbouncer.max_client_conn': 1000,
      'pgbouncer.default_pool_size': 25,
    });
    for (const item of result.recognised) {
      expect(item.note).toContain('PgBouncer reads the whole rest of the line');
    }
    expect(result.recognised[0]?.note).toContain('"transaction    # Or session mode"');
  });

  it('refuses values PgBouncer refuses, and reads octal as it does', () => {
    const result = pgb(
      lines(
        '[pgbouncer]',
        'pool_mode = sessions',
        'max_client_conn = lots',
        'query_wait_timeout = -1',
        'default_pool_size = 010',
        'min_pool_size = 0x10',
      ),
    );
    expect(values(result)).toEqual({
      'pgbouncer.default_pool_size': 8,
      'pgbouncer.min_pool_size': 16,
    });
    expect(reason(result, 'pool_mode')).toBe('not one of session | transaction | statement');
    expect(reason(result, 'max_client_conn')).toBe('not a whole number: PgBouncer refuses it');
    expect(reason(result, 'query_wait_timeout')).toBe(
      'not a number of seconds: PgBouncer refuses it',
    );
    expect(result.recognised[0]?.note).toBe('PgBouncer reads a leading 0 as octal: 010 is 8');
  });

  it('lists includes, users, stray lines and unknown sections', () => {
    const result = pgb(
      lines(
        '%include /etc/pgbouncer/databases.ini',
        'orphan = 1',
        '[pgbouncer]',
        'default_pool_size = 10',
        'just some words',
        '[users]',
        'app = pool_mode=session',
        '[extras]',
      ),
    );
    expect(values(result)).toEqual({ 'pgbouncer.default_pool_size': 10 });
    expect(ignoredKeys(result)).toEqual([
      '%include@1',
      'orphan@2',
      'just some words@5',
      'app@7',
      '[extras]@8',
    ]);
  });

  it('parses connection strings as PgBouncer does', () => {
    expect(connectionString("host=db  port=5432 auth_query='SELECT ''x'''")).toEqual([
      { key: 'host', value: 'db' },
      { key: 'port', value: '5432' },
      { key: 'auth_query', value: "SELECT 'x'" },
    ]);
    expect(connectionString('host=')).toBeNull();
    expect(strtolBase0('  42')).toBe(42);
    expect(strtolBase0('42 # note')).toBeNull();
  });

  it('says when the text has no [pgbouncer] section', () => {
    const result = pgb('hello = world\n');
    expect(result.errors[0]?.message).toBe(
      'No [pgbouncer] section found: is this a pgbouncer.ini?',
    );
  });
});
