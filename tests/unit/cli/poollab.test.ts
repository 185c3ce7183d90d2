import { describe, expect, it } from 'vitest';
import { main, type CliIo } from '../../../src/cli/poollab';

function cli(args: string[], files: Record<string, string> = {}, stdin = '') {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: (s) => void out.push(s),
    stderr: (s) => void err.push(s),
    readStdin: () => stdin,
    readFile: (p) => {
      const text = files[p];
      if (text === undefined) throw new Error(`ENOENT: no such file ${p}`);
      return text;
    },
  };
  const code = main(args, io);
  return { code, stdout: out.join(''), stderr: err.join('') };
}

const small = JSON.stringify({
  app: { workers: 2, threads: 2 },
  load: { kind: 'closed', concurrency: 4, requests: 200 },
});

describe('poollab', () => {
  it('simulate prints a text report by default and exits 0', () => {
    const r = cli(['simulate', 'a.json'], { 'a.json': small });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/requests\s+200 started, 200 ok, 0 failed/);
    expect(r.stdout).toMatch(/trace hash [0-9a-f]{16}/);
  });

  it('--format json prints the result object of the contract', () => {
    const r = cli(['simulate', '-', '--format', 'json'], {}, small);
    const report = JSON.parse(r.stdout);
    expect(Object.keys(report)).toEqual(
      expect.arrayContaining([
        'scenario',
        'requests',
        'latency_ms',
        'throughput_rps',
        'pool',
        'postgres',
        'pgbouncer',
        'fork',
        'sim',
      ]),
    );
    expect(report.requests.errors).toHaveProperty('connect_refused', 0);
  });

  it('--format markdown and --seed', () => {
    const a = cli(['simulate', 'a.json', '--format=markdown', '--seed', '3'], { 'a.json': small });
    expect(a.stdout).toContain('## Pool Lab simulation');
    expect(a.stdout).toContain('Seed 3');
    const h1 = cli(['simulate', 'a.json', '--trace-hash-only', '--seed', '3'], {
      'a.json': small,
    }).stdout.trim();
    const h2 = cli(['simulate', 'a.json', '--trace-hash-only', '--seed', '4'], {
      'a.json': small,
    }).stdout.trim();
    expect(h1).toMatch(/^[0-9a-f]{16}$/);
    expect(h1).not.toBe(h2);
  });

  it('runs presets by id and lists them', () => {
    expect(cli(['simulate', 'nullpool', '--trace-hash-only']).code).toBe(0);
    expect(cli(['presets']).stdout).toContain('memo-production');
  });

  it('normalize prints the normalised scenario', () => {
    const r = cli(['normalize', '-'], {}, '{"pool":{"pool_size":7}}');
    expect(JSON.parse(r.stdout).pool).toMatchObject({ pool_size: 7, max_overflow: 10 });
  });

  it('exits 2 on an invalid scenario, naming every error on stderr', () => {
    const r = cli(['simulate', 'bad.json'], {
      'bad.json': '{"pool":{"pool_size":-3},"app":{"threads":0}}',
    });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('pool.pool_size: -3 is out of range 0..1000');
    expect(r.stderr).toContain('app.threads: 0 is out of range 1..256');
    expect(cli(['simulate', 'x.json'], { 'x.json': '{nope' }).code).toBe(2);
    expect(cli(['simulate', 'a.json', '--seed', '-1'], { 'a.json': small }).code).toBe(2);
  });

  it('exits 1 otherwise', () => {
    expect(cli(['simulate', 'missing.json']).code).toBe(1);
    expect(cli(['frobnicate', 'a.json'], { 'a.json': small }).code).toBe(1);
    expect(cli(['simulate', 'a.json', '--format', 'yaml'], { 'a.json': small }).code).toBe(1);
    expect(cli([]).code).toBe(1);
  });
});

describe('poollab import', () => {
  it('hands config files to the importer and prints a scenario', () => {
    const r = cli(['import', 'tests/unit/cli/fixtures/gunicorn.conf.py']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      app: { workers: 4, threads: 16, preload_app: true },
    });
    expect(r.stderr).toContain('app.workers');
    expect(cli(['import']).code).toBe(2);
    expect(cli(['import', 'tests/unit/cli/fixtures/missing.py']).code).toBe(1);
  });
});
