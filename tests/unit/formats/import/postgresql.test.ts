import { describe, expect, it } from 'vitest';
import { importConfig } from '../../../../src/formats/import';
import { pgParseInt, tokenize } from '../../../../src/formats/import/postgresql-conf';
import { ignoredKeys, lines, reason, values } from './helpers';

const conf = (text: string) => importConfig(text, { kind: 'postgresql-conf' });
const show = (text: string) => importConfig(text, { kind: 'show-output' });

describe('postgresql.conf', () => {
  it('reads a real-world excerpt with units, quotes, comments and odd spacing', () => {
    const result = conf(
      lines(
        '# -----------------------------',
        '# PostgreSQL configuration file',
        '# -----------------------------',
        "listen_addresses = '*'\t\t# what IP address(es) to listen on;",
        'port = 5432\t\t\t\t# (change requires restart)',
        'max_connections = 200\t\t\t# (change requires restart)',
        '#superuser_reserved_connections = 3\t# (change requires restart)',
        'superuser_reserved_connections=5',
        'shared_buffers = 128MB\t\t\t# min 128kB',
        "log_line_prefix = '%m [%p] %q%u@%d '",
        'reserved_connections 2',
        "include_dir 'conf.d'",
      ),
    );
    expect(values(result)).toEqual({
      'postgres.max_connections': 200,
      'postgres.superuser_reserved_connections': 5,
    });
    expect(result.recognised[0]?.line).toBe(6);
    expect(ignoredKeys(result)).toEqual([
      'listen_addresses@4',
      'port@5',
      'shared_buffers@9',
      'log_line_prefix@10',
      'reserved_connections@11',
      'include_dir@12',
    ]);
    expect(reason(result, 'reserved_connections')).toContain('pg_use_reserved_connections');
    expect(reason(result, 'include_dir')).toBe('another file: import it too');
    expect(result.errors).toEqual([]);
  });

  it('reads integers as parse_int does', () => {
    const result = conf(lines("max_connections = '0x64'", 'superuser_reserved_connections = 2.5'));
    expect(values(result)).toEqual({
      'postgres.max_connections': 100,
      'postgres.superuser_reserved_connections': 2,
    });
    expect(pgParseInt('010')).toBe(8);
    expect(pgParseInt('3.5')).toBe(4);
    expect(pgParseInt('1e2')).toBe(100);
    expect(pgParseInt('100MB')).toBeNull();
    expect(pgParseInt('lots')).toBeNull();
  });

  it('refuses a unit or a word where a number must be', () => {
    const result = conf(
      lines('max_connections = 100MB', "superuser_reserved_connections = 'three'"),
    );
    expect(values(result)).toEqual({});
    expect(reason(result, 'max_connections')).toBe(
      '"100MB" is not a whole number (and max_connections takes no unit): PostgreSQL refuses it',
    );
  });

  it('keeps the last setting; ALTER SYSTEM wins over the file, the command line over both', () => {
    const result = conf(
      lines(
        "ALTER SYSTEM SET max_connections TO '300';",
        'max_connections = 100',
        'max_connections = 150',
        'alter system set superuser_reserved_connections = 4;',
      ),
    );
    expect(values(result)).toEqual({
      'postgres.max_connections': 300,
      'postgres.superuser_reserved_connections': 4,
    });
    expect(ignoredKeys(result)).toEqual(['max_connections@2', 'max_connections@3']);
    expect(result.recognised[0]?.note).toContain('ALTER SYSTEM');
    const command = conf('postgres -c max_connections=500 -c shared_buffers=1GB\n');
    expect(values(command)).toEqual({ 'postgres.max_connections': 500 });
  });

  it('explains why SET cannot change max_connections', () => {
    const result = conf('SET max_connections = 500;\n');
    expect(values(result)).toEqual({});
    expect(result.ignored[0]?.reason).toContain('can only be set at server start');
  });

  it('reports syntax errors by line', () => {
    const result = conf(lines('max_connections = 100', "work_mem = '4MB", 'a = b = c'));
    expect(values(result)).toEqual({ 'postgres.max_connections': 100 });
    expect(result.errors.map((e) => e.line)).toEqual([2, 3]);
  });

  it('tokenizes like guc-file.l', () => {
    expect(tokenize('search_path = \'"$user", public\'  # c').map((t) => t.type)).toEqual([
      'id',
      'equals',
      'string',
    ]);
    expect(tokenize("a = 'it''s'")[2]?.text).toBe("it's");
    expect(tokenize('pg_stat_statements.max = 10000')[0]?.text).toBe('pg_stat_statements.max');
  });
});

describe('SHOW output', () => {
  it('reads psql aligned output with its prompt', () => {
    const result = show(
      lines(
        'app=> SHOW max_connections;',
        ' max_connections ',
        '-----------------',
        ' 100',
        '(1 row)',
        '',
      ),
    );
    expect(values(result)).toEqual({ 'postgres.max_connections': 100 });
    expect(result.recognised[0]).toMatchObject({ key: 'max_connections', line: 4 });
  });

  it('reads expanded (\\x) output, unicode borders and tuples-only output', () => {
    const expanded = show(
      lines(
        'postgres=# SHOW superuser_reserved_connections;',
        '-[ RECORD 1 ]------------------+--',
        'superuser_reserved_connections | 3',
      ),
    );
    expect(values(expanded)).toEqual({ 'postgres.superuser_reserved_connections': 3 });
    const unicode = show(lines(' max_connections ', '─────────────────', ' 250', '(1 row)'));
    expect(values(unicode)).toEqual({ 'postgres.max_connections': 250 });
    const tuples = show(lines('db=# show max_connections;', ' 400', ''));
    expect(values(tuples)).toEqual({ 'postgres.max_connections': 400 });
  });

  it('reads pg_settings rows', () => {
    const result = show(
      lines(
        '              name              | setting | unit ',
        '--------------------------------+---------+------',
        ' max_connections                | 120     | ',
        ' superuser_reserved_connections | 3       | ',
        ' work_mem                       | 4096    | kB',
        '(3 rows)',
      ),
    );
    expect(values(result)).toEqual({
      'postgres.max_connections': 120,
      'postgres.superuser_reserved_connections': 3,
    });
    expect(reason(result, 'work_mem')).toBe('not modelled');
  });

  it("reads PgBouncer's SHOW CONFIG", () => {
    const result = show(
      lines(
        'pgbouncer=# SHOW CONFIG;',
        '            key            |  value  | default | changeable ',
        '---------------------------+---------+---------+------------',
        ' default_pool_size         | 30      | 20      | yes',
        ' listen_port               | 6432    | 6432    | no',
        ' max_client_conn           | 500     | 100     | yes',
        ' pool_mode                 | transaction | session | yes',
        ' query_wait_timeout        | 120     | 120     | yes',
        '(5 rows)',
      ),
    );
    expect(values(result)).toEqual({
      'pgbouncer.default_pool_size': 30,
      'pgbouncer.max_client_conn': 500,
      'pgbouncer.pool_mode': 'transaction',
      'pgbouncer.query_wait_timeout': 120,
    });
    expect(result.input.pgbouncer).toBeTypeOf('object');
    expect(reason(result, 'listen_port')).toBe('not modelled');
  });

  it('says when there is no output to read', () => {
    expect(show('nothing here\n').errors[0]?.message).toMatch(/^No SHOW output found/);
  });
});
