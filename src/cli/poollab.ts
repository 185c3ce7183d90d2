// poollab: the engine from a terminal.
//   poollab simulate <file.json | preset-id | -> [--seed N] [--format json|markdown|text] [--trace-hash-only]
//                   [--site https://docs.example.com | --share-url URL]   (the link in the report)
//   poollab compare <before> <after> [--seed N] [--format markdown|json] [--share-url URL]
//                   (the after run takes the before's load, duration and seed)
//   poollab normalize <file.json | preset-id | ->
//   poollab presets
//   poollab import <config file>... [--full] [--base <file.json | preset-id>]
//     (gunicorn.conf.py, command lines, SQLAlchemy engine options, pgbouncer.ini,
//      postgresql.conf, SHOW output: src/formats/import)
// Exit status: 0 on a run, 2 on an invalid scenario (every error on stderr), 1 otherwise.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { simulate } from '../engine/index';
import { runImport } from '../formats/import/node';
import { alignAfter, compareReports, formatComparison } from '../report/compare';
import { formatReport } from '../report/markdown';
import { labLink } from '../scenario/lab-link';
import { POOL_LAB_VERSION } from '../version';
import {
  PRESETS,
  parseScenario,
  presetById,
  type Scenario,
  type ScenarioInput,
} from '../scenario/index';

export interface CliIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  readStdin: () => string;
  readFile: (path: string) => string;
}

const USAGE = `usage:
  poollab simulate <file.json | preset-id | -> [--seed N] [--format json|markdown|text] [--trace-hash-only]
                   [--site https://docs.example.com | --share-url URL]   (the link in the report)
  poollab compare <before> <after> [--seed N] [--format markdown|json] [--share-url URL]
                   (the after run takes the before's load, duration and seed)
  poollab normalize <file.json | preset-id | ->
  poollab presets
  poollab import <config file>... [--full] [--base <file.json | preset-id | ->]`;

class CliError extends Error {
  constructor(
    message: string,
    readonly code: number,
  ) {
    super(message);
  }
}

function loadInput(source: string, io: CliIo): unknown {
  const preset = presetById(source);
  if (preset) return preset.scenario;
  let text: string;
  try {
    text = source === '-' ? io.readStdin() : io.readFile(source);
  } catch (e) {
    throw new CliError(`poollab: cannot read ${source}: ${(e as Error).message}`, 1);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new CliError(`poollab: ${source} is not valid JSON: ${(e as Error).message}`, 2);
  }
}

function loadScenario(
  source: string,
  io: CliIo,
  seed: number | undefined,
): { scenario: Scenario; notes: string[] } {
  const input = loadInput(source, io);
  const withSeed =
    seed === undefined || typeof input !== 'object' || input === null ? input : { ...input, seed };
  const parsed = parseScenario(withSeed);
  if (!parsed.ok)
    throw new CliError(
      `poollab: invalid scenario ${source}:\n${parsed.errors.map((e) => `  ${e.message}`).join('\n')}`,
      2,
    );
  return parsed;
}

function parseArgs(args: string[]): { positional: string[]; flags: Map<string, string | true> } {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-' || !a.startsWith('-')) positional.push(a);
    else if (a === '--trace-hash-only' || a === '--help' || a === '-h')
      flags.set(a.replace(/^-+/, ''), true);
    else if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      if (eq > 0) flags.set(a.slice(2, eq), a.slice(eq + 1));
      else {
        const v = args[++i];
        if (v === undefined) throw new CliError(`poollab: ${a} needs a value\n${USAGE}`, 1);
        flags.set(a.slice(2), v);
      }
    } else throw new CliError(`poollab: unknown option ${a}\n${USAGE}`, 1);
  }
  return { positional, flags };
}

/** Run the CLI; returns the exit status. */
export function main(argv: string[], io: CliIo): number {
  try {
    const [command, ...rest] = argv;
    const { positional, flags } = parseArgs(rest);
    if (!command || flags.has('help') || flags.has('h') || command === 'help') {
      io.stdout(`${USAGE}\n`);
      return command ? 0 : 1;
    }
    if (command === 'presets') {
      for (const p of PRESETS)
        io.stdout(`${p.id.padEnd(48)} ${p.title}\n${''.padEnd(48)} ${p.description}\n`);
      return 0;
    }
    if (command === 'import') {
      const base = flags.get('base');
      const result = runImport(positional, {
        full: flags.has('full'),
        base: typeof base === 'string' ? (loadInput(base, io) as ScenarioInput) : undefined,
      });
      io.stdout(result.stdout);
      io.stderr(result.stderr);
      return result.status;
    }
    const source = positional[0];
    if (!source)
      throw new CliError(
        `poollab: ${command} needs a scenario file, a preset id or -\n${USAGE}`,
        1,
      );
    let seed: number | undefined;
    const seedFlag = flags.get('seed');
    if (seedFlag !== undefined) {
      seed = Number(seedFlag);
      if (!Number.isInteger(seed) || seed < 0 || seed > 4294967295)
        throw new CliError(`poollab: --seed ${String(seedFlag)} is out of range 0..4294967295`, 2);
    }
    if (command === 'normalize') {
      const { scenario } = loadScenario(source, io, seed);
      io.stdout(`${JSON.stringify(scenario, null, 2)}\n`);
      return 0;
    }
    if (command === 'compare') {
      const afterSource = positional[1];
      if (!afterSource)
        throw new CliError(`poollab: compare needs two scenarios (before, after)\n${USAGE}`, 1);
      const before = loadScenario(source, io, seed).scenario;
      const after = alignAfter(before, loadScenario(afterSource, io, seed).scenario);
      const [b, a] = [simulate(before).report, simulate(after).report];
      const shareFlag = flags.get('share-url');
      const format = flags.get('format') ?? 'markdown';
      if (format === 'json')
        io.stdout(
          `${JSON.stringify({ before: b, after: a, rows: compareReports(b, a) }, null, 2)}\n`,
        );
      else
        io.stdout(
          formatComparison(b, a, {
            shareUrl: typeof shareFlag === 'string' ? shareFlag : undefined,
            version: POOL_LAB_VERSION,
          }),
        );
      return 0;
    }
    if (command !== 'simulate')
      throw new CliError(`poollab: unknown command ${command}\n${USAGE}`, 1);
    const format = flags.get('format') ?? 'text';
    if (format !== 'json' && format !== 'markdown' && format !== 'text')
      throw new CliError(`poollab: --format must be json, markdown or text`, 1);
    const { scenario } = loadScenario(source, io, seed);
    const { report } = simulate(scenario);
    const shareFlag = flags.get('share-url');
    const siteFlag = flags.get('site');
    const shareUrl =
      typeof shareFlag === 'string'
        ? shareFlag
        : labLink(scenario, {
            site:
              typeof siteFlag === 'string'
                ? siteFlag
                : (process.env.POOLLAB_SITE ?? 'http://localhost:4321'),
            base: process.env.POOLLAB_BASE ?? '/',
            preset: presetById(source) ? source : undefined,
          });
    if (flags.has('trace-hash-only')) io.stdout(`${report.sim.trace_hash}\n`);
    else if (format === 'json') io.stdout(`${JSON.stringify(report, null, 2)}\n`);
    else io.stdout(formatReport(report, { format, shareUrl, version: POOL_LAB_VERSION }));
    return 0;
  } catch (e) {
    if (e instanceof CliError) {
      io.stderr(`${e.message}\n`);
      return e.code;
    }
    io.stderr(`poollab: ${(e as Error).stack ?? String(e)}\n`);
    return 1;
  }
}

const nodeIo: CliIo = {
  stdout: (s) => void process.stdout.write(s),
  stderr: (s) => void process.stderr.write(s),
  readStdin: () => readFileSync(0, 'utf8'),
  readFile: (path) => readFileSync(path, 'utf8'),
};

function isMain(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return (
      import.meta.url === pathToFileURL(entry).href ||
      (process.env.POOLLAB_CLI === '1' && entry.endsWith('poollab.mjs'))
    );
  } catch {
    return false;
  }
}

if (isMain()) {
  process.exitCode = main(process.argv.slice(2), nodeIo);
}

export { nodeIo };
