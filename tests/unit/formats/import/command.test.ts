import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importConfig, importToScenario } from '../../../../src/formats/import';
import { runImport } from '../../../../src/formats/import/node';
import { formatImport } from '../../../../src/formats/import/report';
import { postFork, productionOptions } from './fixtures/memo';
import { values } from './helpers';

describe('poollab import (runImport)', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'poollab-import-'));
    await writeFile(
      join(dir, 'gunicorn.conf.py'),
      `workers = 4\nthreads = 16\npreload_app = True\n\n${postFork}`,
    );
    await writeFile(join(dir, 'config.py'), productionOptions);
    await writeFile(join(dir, 'postgresql.conf'), 'max_connections = 200000\n');
    await writeFile(join(dir, 'binary.bin'), new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1]));
    await writeFile(join(dir, 'huge.txt'), 'x'.repeat(300 * 1024));
    await writeFile(join(dir, 'notes.txt'), 'nothing to see\n');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('prints the scenario the files set, and what it read on stderr', async () => {
    const result = runImport(
      ['gunicorn.conf.py', 'config.py', 'postgresql.conf'].map((f) => join(dir, f)),
    );
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      version: 1,
      app: {
        workers: 4,
        threads: 16,
        preload_app: true,
        post_fork: 'dispose_close_false',
        engine_config: 'flask_sqlalchemy',
      },
      pool: {
        pool_size: 10,
        max_overflow: 20,
        pool_pre_ping: true,
        pool_recycle: 3600,
        pool_timeout: 30,
      },
    });
    expect(result.stderr).toContain('line 1: workers = 4 -> app.workers');
    expect(result.stderr).toContain('line 8: ignored echo_pool: not modelled');
    expect(result.stderr).toContain('postgresql.conf line 1: out of range 1..10000');
  });

  it('prints the whole scenario with full', async () => {
    const result = runImport([join(dir, 'config.py')], { full: true });
    expect(JSON.parse(result.stdout).network.rtt_ms).toBe(0.5);
  });

  it('refuses unreadable, binary and huge files with a message and nothing else', async () => {
    const missing = runImport([join(dir, 'missing.py')]);
    expect(missing).toMatchObject({ stdout: '', status: 1 });
    expect(missing.stderr).toContain('cannot read it (ENOENT)');
    const binary = runImport([join(dir, 'binary.bin')]);
    expect(binary).toMatchObject({ stdout: '', status: 1 });
    expect(binary.stderr).toContain('binary file');
    const huge = runImport([join(dir, 'huge.txt')]);
    expect(huge).toMatchObject({ stdout: '', status: 1 });
    expect(huge.stderr).toContain('256 KiB');
    const nothing = runImport([join(dir, 'notes.txt')]);
    expect(nothing).toMatchObject({ stdout: '', status: 2 });
    expect(nothing.stderr).toContain('Could not tell');
    expect(runImport([]).status).toBe(2);
  });
});

describe('the plain-text report', () => {
  it('lists every file with what was recognised, ignored, noted and refused', () => {
    const text = formatImport(
      importToScenario([
        { text: 'gunicorn -w 100 --bind :80 app:app' },
        { text: 'workers = multiprocessing.cpu_count()\n', fileName: 'gunicorn.conf.py' },
      ]),
    );
    expect(text).toBe(
      [
        'the command line (gunicorn-cli)',
        '  line 1: ignored --bind: not modelled: the simulator has no network addresses',
        '  line 1: ignored app:app: the application to run: not a setting',
        '  line 1: ignored -w: out of range 1..64',
        'gunicorn.conf.py (gunicorn)',
        '  line 1: ignored workers: computed value: give the number (multiprocessing.cpu_count() is only known when Python runs)',
        'refused: -w = 100 in the command line line 1: out of range 1..64',
        '',
      ].join('\n'),
    );
  });
});

describe('line endings and odd corners', () => {
  it('reads CRLF files with the same lines', () => {
    const gunicorn = importConfig('# conf\r\nworkers = 3\r\n\r\nthreads = 2\r\n', {
      kind: 'gunicorn',
    });
    expect(gunicorn.recognised.map((r) => r.line)).toEqual([2, 4]);
    const pgb = importConfig('[pgbouncer]\r\npool_mode = session\r\n', { kind: 'pgbouncer' });
    expect(values(pgb)).toEqual({ 'pgbouncer.pool_mode': 'session' });
    const conf = importConfig('max_connections = 90\r\n', { kind: 'postgresql-conf' });
    expect(values(conf)).toEqual({ 'postgres.max_connections': 90 });
    const cli = importConfig('gunicorn \\\r\n  -w 3 app:app\r\n', { kind: 'gunicorn-cli' });
    expect(values(cli)).toEqual({ 'app.workers': 3 });
  });

  it('drops a byte-order mark', () => {
    expect(values(importConfig('\ufeffworkers = 2\n', { kind: 'gunicorn' }))).toEqual({
      'app.workers': 2,
    });
  });

  it('names an asyncio engine as not modelled', () => {
    const result = importConfig('engine = create_async_engine(url, pool_size=5)\n', {
      kind: 'sqlalchemy',
    });
    expect(result.ignored[0]?.reason).toMatch(/^an asyncio engine/);
  });

  it('refuses text the Python parser cannot build a tree for, without failing', () => {
    const damaged = "((((]]]{{{\"''\\\n".repeat(1000);
    for (const kind of ['gunicorn', 'sqlalchemy'] as const) {
      const result = importConfig(damaged, { kind });
      expect(result.recognised).toEqual([]);
      expect(result.errors.length).toBeGreaterThan(0);
      expect(result.errors.every((e) => !e.message.includes('unexpectedly'))).toBe(true);
    }
  });
});
