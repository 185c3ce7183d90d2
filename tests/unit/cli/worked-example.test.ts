// The worked example in examples/memo-postmortem: its README pastes what `poollab` prints,
// and its production.json and fixed.json are what `poollab import` wrote. This runs the
// README's own commands in-process, in the example's directory as the README says, and
// checks every pasted output byte for byte, so the page cannot drift from the tool. After a
// change to the importers or the engine, `UPDATE_EXAMPLE=1 npm run test:unit --
// tests/unit/cli/worked-example.test.ts` writes the new outputs into the files (then read the
// README's own words again: its reading of the figures is checked below, not rewritten).
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main, type CliIo } from '../../../src/cli/poollab';

const DIR = fileURLToPath(new URL('../../../examples/memo-postmortem/', import.meta.url));
const read = (name: string): string => readFileSync(`${DIR}${name}`, 'utf8');

const IMPORT_PRODUCTION = ['import', 'config.py', 'gunicorn.conf.py', 'run.sh'];
const IMPORT_FIXED = ['import', 'config.fixed.py', 'gunicorn.conf.py', 'run.sh'];
const BASE = ['--base', 'load.json'];
const COMPARE = ['compare', 'production.json', 'fixed.json'];

/** Runs the CLI with the example's directory as the working directory, as the README does. */
function poollab(args: string[]): { code: number; stdout: string; stderr: string } {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: (s) => void out.push(s),
    stderr: (s) => void err.push(s),
    readStdin: () => '',
    readFile: (path) => readFileSync(path, 'utf8'),
  };
  const code = main(args, io);
  return { code, stdout: out.join(''), stderr: err.join('') };
}

/** The README's line for a command, as a reader types it. */
function commandLine(args: string[], redirect?: string): string {
  return `npm exec -- poollab ${args.join(' ')}${redirect ? ` > ${redirect}` : ''}`;
}

/** Where the fenced block after `<!-- output: name -->` starts and ends in the README. */
function blockAt(readme: string, name: string): { start: number; end: number } {
  const marker = `<!-- output: ${name} -->\n\n`;
  const at = readme.indexOf(marker);
  expect(at, `README has no ${marker.trim()}`).toBeGreaterThanOrEqual(0);
  expect(readme.indexOf(marker, at + 1), `README has ${marker.trim()} twice`).toBe(-1);
  const rest = readme.slice(at + marker.length);
  const open = /^(`{3,}|~{3,})[^\n]*\n/.exec(rest);
  expect(open, `no fenced block right after ${marker.trim()}`).not.toBeNull();
  const fence = open![1]!;
  const body = rest.slice(open![0].length);
  // A closing fence is a line of at least as many of the same character, so the report's
  // own ```json blocks stay inside a ```` block.
  const close = new RegExp(`^\\${fence[0]}{${fence.length},}[ \\t]*$`, 'm').exec(body);
  expect(close, `the block after ${marker.trim()} is not closed`).not.toBeNull();
  const start = at + marker.length + open![0].length;
  return { start, end: start + close!.index };
}

/** The fenced block right after `<!-- output: name -->`, exactly as it stands between its fences. */
function pasted(readme: string, name: string): string {
  const { start, end } = blockAt(readme, name);
  return readme.slice(start, end);
}

/** The README with the block after `<!-- output: name -->` replaced by `text`. */
function paste(readme: string, name: string, text: string): string {
  const { start, end } = blockAt(readme, name);
  return readme.slice(0, start) + text + readme.slice(end);
}

interface Report {
  requests: { ok: number; failed: number };
  latency_ms: { mean: number; p50: number; p95: number; p99: number };
  throughput_rps: number;
  pool: { connects: number; waited: number };
  postgres: { connections_peak: number; connections_opened: number };
  fork: { shared_socket_uses: number };
  scenario: {
    app: { workers: number; threads: number; request: { app_ms: number } };
    load: { concurrency: number };
  };
}

describe('examples/memo-postmortem', () => {
  let readme = read('README.md');
  let cwd = '';
  let production: ReturnType<typeof poollab>;
  let fixed: ReturnType<typeof poollab>;
  let compare: ReturnType<typeof poollab>;
  let json: { before: Report; after: Report };

  beforeAll(() => {
    cwd = process.cwd();
    process.chdir(DIR);
    production = poollab([...IMPORT_PRODUCTION, ...BASE]);
    fixed = poollab([...IMPORT_FIXED, ...BASE]);
    const update = process.env.UPDATE_EXAMPLE === '1';
    if (update) {
      writeFileSync('production.json', production.stdout);
      writeFileSync('fixed.json', fixed.stdout);
    }
    compare = poollab([...COMPARE, '--format', 'markdown']);
    json = JSON.parse(poollab([...COMPARE, '--format', 'json']).stdout) as typeof json;
    if (update) {
      readme = paste(readme, 'import production', production.stderr);
      readme = paste(readme, 'import fixed', fixed.stderr);
      readme = paste(readme, 'compare', compare.stdout);
      writeFileSync('README.md', readme);
    }
  });

  afterAll(() => {
    process.chdir(cwd);
  });

  it('shows the commands it runs', () => {
    expect(readme).toContain(commandLine([...IMPORT_PRODUCTION, ...BASE], 'production.json'));
    expect(readme).toContain(commandLine([...IMPORT_FIXED, ...BASE], 'fixed.json'));
    expect(readme).toContain(commandLine([...COMPARE, '--format', 'markdown']));
  });

  it('commits the scenarios import writes', () => {
    expect(production.code).toBe(0);
    expect(fixed.code).toBe(0);
    expect(production.stdout).toBe(read('production.json'));
    expect(fixed.stdout).toBe(read('fixed.json'));
  });

  it('pastes the import accounts as the CLI prints them', () => {
    expect(pasted(readme, 'import production')).toBe(production.stderr);
    expect(pasted(readme, 'import fixed')).toBe(fixed.stderr);
    expect(production.stderr).toContain('line 8: ignored echo_pool: not modelled');
    // "The two accounts differ only in the name of the first file and its lines 3 and 4."
    const [a, b] = [production.stderr.split('\n'), fixed.stderr.split('\n')];
    expect(a.length).toBe(b.length);
    const differ = a.flatMap((line, i) => (line === b[i] ? [] : [i]));
    expect(differ.map((i) => a[i])).toEqual([
      'config.py (sqlalchemy)',
      '  line 3: pool_size = 10 -> pool.pool_size',
      '  line 4: max_overflow = 20 -> pool.max_overflow',
    ]);
  });

  it('pastes the comparison as the CLI prints it', () => {
    expect(compare.code).toBe(0);
    expect(compare.stderr).toBe('');
    expect(pasted(readme, 'compare')).toBe(compare.stdout);
  });

  it('still says what its reading of the comparison says', () => {
    const { before, after } = json;
    const worstCase = before.scenario.app.workers * before.scenario.app.threads;
    for (const run of [before, after]) {
      expect(run.requests.failed).toBe(0);
      expect(run.fork.shared_socket_uses).toBe(0);
      expect(run.pool.waited).toBe(0);
      expect(run.postgres.connections_peak).toBeLessThanOrEqual(worstCase);
      expect(run.postgres.connections_opened).toBe(run.pool.connects);
      // Python time sets the pace: each worker runs one thread's app_ms at a time (the GIL),
      // a little under that bound, as the accept race leaves a worker idle now and then.
      const gilBound = (run.scenario.app.workers * 1000) / run.scenario.app.request.app_ms;
      expect(run.throughput_rps).toBeLessThan(0.98 * gilBound);
      expect(run.throughput_rps).toBeGreaterThan(0.85 * gilBound);
      // Little's law: mean latency ~ users / throughput.
      const little = (run.scenario.load.concurrency / run.throughput_rps) * 1000;
      expect(Math.abs(run.latency_ms.mean - little) / little).toBeLessThan(0.05);
    }
    expect(after.pool.connects).toBeLessThan(before.pool.connects);
    expect(after.postgres.connections_peak).toBeGreaterThan(before.postgres.connections_peak);
    // The mean stays (Little's law above); the percentiles wander with the seed, not far.
    expect(
      Math.abs(after.latency_ms.mean - before.latency_ms.mean) / before.latency_ms.mean,
    ).toBeLessThan(0.03);
    for (const key of ['p50', 'p95', 'p99'] as const) {
      const [b, a] = [before.latency_ms[key], after.latency_ms[key]];
      expect(Math.abs(a - b) / b).toBeLessThan(0.15);
    }
    expect(
      Math.abs(after.throughput_rps - before.throughput_rps) / before.throughput_rps,
    ).toBeLessThan(0.05);
  });
});
