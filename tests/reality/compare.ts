// The model against the real stack, side by side.
//
//   npm run reality:compare -- [--quick] [--write] [--only id,...] [--reuse]
//
// For every preset (scaled to fit this machine: compare/scaling.ts) and every focused case
// in tests/reality/cases/, it runs the engine with this machine's measured connect costs
// and round trip (calibrate.py, run once per comparison) over several seeds, runs the same
// file on the real stack (tests/reality/run.py), and checks each figure against the
// tolerances in compare/tolerances.ts, each written down with its reason. It prints a
// side-by-side table and exits 1 where they disagree.
//
//   --quick   the few cases of compare/subjects.ts QUICK (npm test runs this)
//   --only    these scenarios (ids, or preset:<id> / case:<id>)
//   --reuse   reuse the last real results (tests/reality/.runs/compare/, then the saved case
//             results in tests/reality/results/) and calibration, running only what is missing
//   --write   write tests/reality/comparison.json (the "How we know" page is built from it)
//
// Where the real stack is missing and cannot be had, it says so and exits 0 (1 under CI=true).

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, release } from 'node:os';
import { join } from 'node:path';
import { ERROR_KINDS, errorText } from '../../src/engine/index';
import { effectivePool, type Scenario } from '../../src/scenario/index';
import {
  measuredFaultInputs,
  MODEL_INPUT_REASONS,
  type Calibration,
  type FaultDone,
} from './compare/calibration';
import {
  realFigures,
  realTextsByKind,
  RECLASSIFY,
  reclassified,
  type Figures,
} from './compare/figures';
import { diagnoses, knownDifferences, type SubjectFacts } from './compare/known';
import { runModel, type ModelRuns } from './compare/model';
import {
  runCalibration,
  runReal,
  stackMissing,
  type RealReport,
  type RealRun,
} from './compare/reality';
import { MAX_DURATION_S, MAX_RATE_PER_S } from './compare/scaling';
import { loadSubjects, QUICK, type Subject } from './compare/subjects';
import { scenarioDiff } from './compare/scenario-diff';
import { formatDetails, formatTable, type TableRow } from './compare/table';
import { compareTexts, EXPLAINED, type TextRow } from './compare/texts';
import type * as Json from '../../src/components/reality/comparison-schema';
import {
  MIN_LATENCY_SAMPLES,
  RIG_BOUND_CPU,
  MACHINE_BUSY,
  runChecks,
  SEEDS,
  TOLERANCES,
  Z,
  type CheckResult,
} from './compare/tolerances';

const RUNS = 'tests/reality/.runs/compare';
const SAVED_RESULTS = 'tests/reality/results';
const OUT = 'tests/reality/comparison.json';

interface Options {
  quick: boolean;
  write: boolean;
  reuse: boolean;
  only: string[] | null;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { quick: false, write: false, reuse: false, only: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--quick') o.quick = true;
    else if (a === '--write') o.write = true;
    else if (a === '--reuse') o.reuse = true;
    else if (a === '--only') o.only = (argv[++i] ?? '').split(',').filter(Boolean);
    else if (a.startsWith('--only=')) o.only = a.slice(7).split(',').filter(Boolean);
    else if (a === '--help' || a === '-h') {
      console.log(
        readFileSync(new URL(import.meta.url), 'utf8')
          .split('\n')
          .slice(2, 17)
          .map((l) => l.replace(/^\/\/ ?/, ''))
          .join('\n'),
      );
      process.exit(0);
    } else {
      console.error(`unknown argument ${a} (see --help)`);
      process.exit(2);
    }
  }
  return o;
}

interface RealSide {
  report: RealReport;
  source: 'run' | 'reused' | 'saved-case-result';
  date: string | null;
  rigCpu: number | null;
  cpuBusy: number | null;
  wallS: number | null;
}

const fileOf = (s: Subject, what: string): string => join(RUNS, `${s.kind}-${s.id}.${what}.json`);

function readJson<T>(path: string): T | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return null;
  }
}

async function realSide(s: Subject, model: ModelRuns, opts: Options): Promise<RealSide> {
  const scenarioFile = fileOf(s, 'scenario');
  const reportFile = fileOf(s, 'real');
  const metaFile = fileOf(s, 'meta');
  const text = JSON.stringify(s.input, null, 2);
  if (opts.reuse) {
    const cachedInput = existsSync(scenarioFile) ? readFileSync(scenarioFile, 'utf8') : null;
    const report = readJson<RealReport>(reportFile);
    const meta = readJson<Omit<RealSide, 'report' | 'source'>>(metaFile);
    if (report && cachedInput === text && meta) return { report, source: 'reused', ...meta };
    if (s.kind === 'case') {
      const saved = readJson<RealReport>(join(SAVED_RESULTS, `${s.id}.json`));
      if (saved && scenarioDiff(saved.scenario, model.scenario).length === 0) {
        // Not measured then: the 1-minute load average at the end, per core, stands in for the busy share.
        const m = saved.harness.machine;
        const load = Number(m?.loadavg_at_end?.[0]);
        const cpuBusy =
          m && Number.isFinite(load)
            ? Math.min(1, Math.round((load / m.nproc) * 1000) / 1000)
            : null;
        return {
          report: saved,
          source: 'saved-case-result',
          date: null,
          rigCpu: null,
          cpuBusy,
          wallS: null,
        };
      }
    }
  }
  writeFileSync(scenarioFile, text);
  const run: RealRun = await runReal(scenarioFile, reportFile);
  const meta = {
    date: new Date().toISOString(),
    rigCpu: run.rigCpu,
    cpuBusy: run.cpuBusy,
    wallS: run.wallS,
  };
  writeFileSync(
    metaFile,
    JSON.stringify(
      { ...meta, loadavgBefore: run.loadavgBefore, loadavgAfter: run.loadavgAfter },
      null,
      2,
    ),
  );
  return { report: run.report, source: 'run', ...meta };
}

interface SubjectResult {
  subject: Subject;
  model: ModelRuns;
  real: RealSide;
  realFig: Figures;
  checks: CheckResult[];
  texts: TextRow[];
  facts: SubjectFacts;
  status: 'pass' | 'fail';
  seconds: number;
}

function textCheck(rows: TextRow[]): CheckResult {
  const bad = rows.filter((r) => r.verdict === 'unexplained');
  const kinds = [...new Set(rows.map((r) => r.kind))];
  return {
    id: 'texts',
    status: bad.length ? 'fail' : rows.length ? 'pass' : 'n/a',
    model: `${kinds.length} kind${kinds.length === 1 ? '' : 's'}`,
    real: `${rows.filter((r) => r.verdict === 'same').length} same, ${rows.filter((r) => r.verdict === 'explained').length} explained`,
    detail: bad.length
      ? `unexplained: ${bad.map((r) => `${r.kind}: engine ${JSON.stringify(r.engine)} vs real ${JSON.stringify(r.real)}`).join('; ')}`
      : rows.length
        ? 'every difference explained'
        : 'no error kind on both sides',
  };
}

/** Every text errorText has for a kind in this scenario (all its variants). */
function engineVariants(sc: Scenario): (kind: string) => string[] {
  const eff = effectivePool(sc);
  const ctx = {
    poolSize: eff.pool_size,
    overflow: eff.max_overflow,
    timeout: eff.pool_timeout,
    viaPgbouncer: sc.pgbouncer !== null,
    pid: 0,
  };
  return (kind) => {
    const k = (ERROR_KINDS as readonly string[]).indexOf(kind);
    return k < 0 ? [] : [...new Set([0, 1, 2].map((v) => errorText(k, v, ctx)))];
  };
}

async function runSubject(s: Subject, cal: Calibration, opts: Options): Promise<SubjectResult> {
  const t0 = performance.now();
  let model = runModel(s.input, cal);
  const real = await realSide(s, model, opts);
  const done = (real.report.harness['faults_done'] ?? []) as FaultDone[];
  const measured = measuredFaultInputs(model.scenario, done);
  if (measured.length) model = runModel(s.input, cal, SEEDS, measured);
  const realFig = realFigures(real.report);
  const pathP90Ms = cal.http_path_ms['one_pg_sleep_0']?.p90 ?? 0;
  const nproc = cal.machine?.nproc ?? cpus().length;
  const wallLoad = real.report.harness.wall_s_load ?? null;
  const stackCpuMs =
    real.rigCpu !== null && wallLoad && real.report.requests.completed > 0
      ? (real.rigCpu * nproc * wallLoad * 1000) / real.report.requests.completed
      : null;
  const checks = runChecks({
    models: model.figures,
    real: realFig,
    scenario: model.scenario,
    pathP90Ms,
    rigCpu: real.rigCpu,
    cpuBusy: real.cpuBusy,
    stackCpuMs,
    nproc,
    scenarioDiff: scenarioDiff(model.scenario, real.report.scenario),
  });
  const texts: TextRow[] = [];
  for (const kind of ERROR_KINDS) {
    const engineTexts = model.texts[kind] ?? [];
    const realTexts = realTextsByKind(real.report)[kind] ?? [];
    if (engineTexts.length && realTexts.filter((t) => !t.startsWith('(moved from')).length)
      texts.push(
        ...compareTexts(kind, engineTexts, realTexts, engineVariants(model.scenario), {
          tls: model.scenario.network.tls,
        }),
      );
  }
  checks.push(textCheck(texts));
  const pg = model.scenario.postgres;
  const facts: SubjectFacts = {
    key: s.key,
    scaled: s.scaling.changes.length > 0,
    rigBound: checks.some((c) => c.status === 'not-enforced'),
    modelPgPeakRaw: model.report.postgres.connections_peak,
    pgPeakCap: pg.max_connections - pg.superuser_reserved_connections,
    latencyCompared: checks.some((c) => (c.id === 'p50' || c.id === 'p95') && c.status !== 'n/a'),
    checks,
  };
  return {
    subject: s,
    model,
    real,
    realFig,
    checks,
    texts,
    facts,
    status: checks.some((c) => c.status === 'fail') ? 'fail' : 'pass',
    seconds: Math.round((performance.now() - t0) / 100) / 10,
  };
}

async function calibration(opts: Options): Promise<{ cal: Calibration; source: string }> {
  const mine = join(RUNS, 'calibration.json');
  if (opts.reuse) {
    for (const path of [mine, join(SAVED_RESULTS, 'calibration.json')]) {
      const cal = readJson<Calibration>(path);
      if (cal) return { cal, source: path };
    }
  }
  process.stderr.write('calibrating (tests/reality/calibrate.py)… ');
  const t0 = performance.now();
  const cal = (await runCalibration(mine)) as Calibration;
  process.stderr.write(`${Math.round((performance.now() - t0) / 1000)} s\n`);
  return { cal, source: 'calibrate.py, this run' };
}

const pick = (f: Figures) => ({
  started: f.started,
  completed: f.completed,
  ok: f.ok,
  failed: f.failed,
  errors: Object.fromEntries(Object.entries(f.errors).filter(([, n]) => n > 0)),
  throughput_rps: f.throughput_rps,
  p50_ms: f.p50,
  p95_ms: f.p95,
  pg_peak: f.pg_peak,
  pgb_servers_peak: f.pgb_servers_peak,
  pgb_clients_peak: f.pgb_clients_peak,
  connects: f.connects,
});

function minMax(values: number[]): [number, number] {
  return [Math.min(...values), Math.max(...values)];
}

function subjectJson(r: SubjectResult): Json.Subject {
  const figs = r.model.figures;
  return {
    key: r.subject.key,
    id: r.subject.id,
    kind: r.subject.kind,
    title: r.subject.title,
    description: r.subject.description,
    status: r.status,
    scaling: r.subject.scaling,
    scenario: r.subject.input,
    model_inputs: r.model.inputs,
    model: pick(figs[0]!),
    model_range: {
      ok: minMax(figs.map((f) => f.ok)),
      failed: minMax(figs.map((f) => f.failed)),
      throughput_rps: minMax(figs.map((f) => f.throughput_rps)),
      p50_ms: minMax(figs.map((f) => f.p50)),
      p95_ms: minMax(figs.map((f) => f.p95)),
      pg_peak: minMax(figs.map((f) => f.pg_peak)),
    },
    real: pick(r.realFig),
    real_reclassified: reclassified(r.real.report),
    real_run: {
      source: r.real.source,
      date: r.real.date,
      harness_cpu: r.real.rigCpu,
      machine_cpu_busy: r.real.cpuBusy,
      wall_s: r.real.wallS,
    },
    checks: r.checks,
    texts: r.texts,
    known_differences: knownDifferences(r.facts),
    diagnoses: diagnoses(r.facts),
  };
}

/** When the real runs were made and how long they took (reused ones included). */
function realRuns(results: SubjectResult[]) {
  const dates = results
    .map((r) => r.real.date)
    .filter((d): d is string => d !== null)
    .sort();
  return {
    first: dates[0] ?? null,
    last: dates[dates.length - 1] ?? null,
    wall_s: Math.round(results.reduce((s, r) => s + (r.real.wallS ?? 0), 0)),
    run_now: results.filter((r) => r.real.source === 'run').length,
    reused: results.filter((r) => r.real.source !== 'run').length,
  };
}

function versionsOf(results: SubjectResult[], cal: Calibration): Record<string, unknown> {
  const fromRun = results.find((r) => r.real.source === 'run')?.real.report.versions;
  return fromRun ?? results[0]?.real.report.versions ?? cal.versions;
}

async function writeComparison(
  results: SubjectResult[],
  cal: Calibration,
  calSource: string,
  opts: Options,
  seconds: number,
) {
  const c = cal.connect_ms;
  const doc: Json.Comparison = {
    generated: new Date().toISOString(),
    command: `npm run reality:compare -- --write${opts.reuse ? ' --reuse' : ''}`,
    duration_s: seconds,
    real_runs: realRuns(results),
    versions: versionsOf(results, cal),
    machine: {
      nproc: cal.machine?.nproc ?? cpus().length,
      cpu_model: cal.machine?.cpu_model ?? cpus()[0]?.model ?? 'unknown',
      kernel: cal.machine?.kernel ?? release(),
      loadavg_at_calibration: cal.machine?.loadavg_at_start ?? null,
    },
    calibration: {
      source: calSource,
      connect_ms: {
        tcp_trust: c['tcp_trust'],
        tcp_trust_tls: c['tcp_trust_tls'],
        pgbouncer_trust: c['pgbouncer_trust'],
      },
      rtt_ms: cal.select1_rtt_ms,
      http_path_ms: cal.http_path_ms,
      pg_sleep_excess_ms: cal.pg_sleep_excess_ms,
    },
    model_input_reasons: MODEL_INPUT_REASONS,
    scaling: { max_duration_s: MAX_DURATION_S, max_rate_per_s: MAX_RATE_PER_S },
    method: {
      seeds: SEEDS,
      envelope_sd: Z,
      machine_busy: MACHINE_BUSY,
      rig_bound_cpu: RIG_BOUND_CPU,
      min_latency_samples: MIN_LATENCY_SAMPLES,
      tolerances: Object.entries(TOLERANCES).map(([id, t]) => ({
        id,
        label: t.label,
        rule: t.rule,
        reason: t.reason,
      })),
    },
    summary: {
      scenarios: results.length,
      passed: results.filter((r) => r.status === 'pass').length,
      failed: results.filter((r) => r.status === 'fail').length,
      checks_failed: results.reduce(
        (n, r) => n + r.checks.filter((c) => c.status === 'fail').length,
        0,
      ),
      checks_not_enforced: results.reduce(
        (n, r) => n + r.checks.filter((c) => c.status === 'not-enforced').length,
        0,
      ),
    },
    subjects: results.map(subjectJson),
    text_explanations: EXPLAINED.map((e) => ({ id: e.id, kind: e.kind, why: e.why })),
    reclassify: RECLASSIFY.map((x) => ({
      from: x.from,
      text: x.text.source,
      to: x.to,
      reason: x.reason,
    })),
  };
  const prettier = await import('prettier');
  const config = (await prettier.resolveConfig(OUT)) ?? {};
  writeFileSync(OUT, await prettier.format(JSON.stringify(doc), { ...config, parser: 'json' }));
  console.log(`wrote ${OUT}`);
}

async function main(): Promise<number> {
  const opts = parseArgs(process.argv.slice(2));
  const t0 = performance.now();
  let subjects = loadSubjects();
  if (opts.quick) subjects = subjects.filter((s) => s.kind === 'case' && QUICK.includes(s.id));
  if (opts.only) {
    const want = new Set(opts.only);
    subjects = subjects.filter((s) => want.has(s.id) || want.has(s.key));
    const unknown = opts.only.filter((w) => !subjects.some((s) => s.id === w || s.key === w));
    if (unknown.length) {
      console.error(`unknown scenario(s): ${unknown.join(', ')}`);
      return 2;
    }
  }
  if (opts.write && (opts.quick || opts.only)) {
    console.error('--write records a full comparison: not with --quick or --only');
    return 2;
  }
  const missing = await stackMissing();
  if (missing && !opts.reuse) {
    const ci = (process.env.CI ?? '').toLowerCase() === 'true';
    console.log(
      `${ci ? 'FAIL' : 'skipped'}: the real stack is not available here (${missing}); the model-vs-reality comparison needs it`,
    );
    return ci ? 1 : 0;
  }
  mkdirSync(RUNS, { recursive: true });
  const { cal, source: calSource } = await calibration(opts);
  const results: SubjectResult[] = [];
  const errors: { key: string; message: string }[] = [];
  for (const s of subjects) {
    process.stderr.write(`${s.key}… `);
    // A real run that crashes (the harness could not finish: a busy machine, a port taken) is
    // tried once more; it is not a result, so nothing is compared from it.
    for (let attempt = 1; attempt <= 2; attempt++) {
      try {
        const r = await runSubject(s, cal, opts);
        results.push(r);
        const how = r.real.source === 'run' ? '' : `, ${r.real.source}`;
        process.stderr.write(`${r.status} (${r.seconds} s${how})\n`);
        break;
      } catch (err) {
        const message = (err as Error).message;
        if (attempt === 2) {
          process.stderr.write('error\n');
          errors.push({ key: s.key, message });
        } else process.stderr.write(`(run failed, once more: ${message.slice(0, 200)}) `);
      }
    }
  }
  const seconds = Math.round((performance.now() - t0) / 1000);
  const c = cal.connect_ms;
  console.log(
    `calibration (${calSource}): connect ${c['tcp_trust']?.median} ms, with TLS ${c['tcp_trust_tls']?.median} ms, PgBouncer ${c['pgbouncer_trust']?.median} ms; ` +
      `round trip ${cal.select1_rtt_ms['direct']?.median} ms (TLS ${cal.select1_rtt_ms['direct_tls']?.median}, PgBouncer ${cal.select1_rtt_ms['pgbouncer']?.median}); ` +
      `stack path p90 ${cal.http_path_ms['one_pg_sleep_0']?.p90} ms`,
  );
  console.log(
    `model: ${SEEDS} seeds per scenario, envelope mean ± ${Z} sd; m = the scenario's own seed, r = the real run\n`,
  );
  const rows: TableRow[] = results.map((r) => ({
    key: r.subject.key,
    status: r.status,
    checks: r.checks,
    rigCpu: r.real.rigCpu,
    cpuBusy: r.real.cpuBusy,
  }));
  console.log(formatTable(rows));
  const details = results.flatMap((r) => formatDetails(r.subject.key, r.checks));
  if (details.length) console.log(`\n✗ failed, ~ not enforced:\n${details.join('\n')}`);
  const diag = results.flatMap((r) =>
    diagnoses(r.facts).map((d) => `  ${r.subject.key} (${d.checks.join(', ')}): ${d.title}`),
  );
  if (diag.length)
    console.log(`\ndiagnosed (see tests/reality/compare/known.ts):\n${diag.join('\n')}`);
  const undiagnosed = results.flatMap((r) => {
    const covered = new Set(diagnoses(r.facts).flatMap((d) => d.checks));
    return r.checks
      .filter((c) => c.status === 'fail' && !covered.has(c.id))
      .map((c) => `  ${r.subject.key} ${c.id}`);
  });
  if (undiagnosed.length)
    console.log(
      `\nnot diagnosed yet (add to compare/known.ts DIAGNOSES):\n${undiagnosed.join('\n')}`,
    );
  const textRows = dedupeTexts(results.flatMap((r) => r.texts));
  if (textRows.length) {
    console.log(
      '\nerror texts, engine vs real (differences explained in tests/reality/compare/texts.ts):',
    );
    for (const t of textRows) {
      const e = t.engine ? JSON.stringify(t.engine.slice(0, 110)) : '–';
      const re = t.real ? JSON.stringify(t.real.slice(0, 110)) : '–';
      console.log(
        `  ${t.kind} [${t.verdict}]${t.note ? ` (${t.note})` : ''}\n    engine ${e}\n    real   ${re}`,
      );
      if (t.explanation) console.log(`    why: ${t.explanation}`);
    }
  }
  const moved = results.flatMap((r) =>
    reclassified(r.real.report).map((m) => `  ${r.subject.key}: ${m.count} ${m.from} → ${m.to}`),
  );
  if (moved.length)
    console.log(
      `\nreal failures reclassified (compare/figures.ts RECLASSIFY):\n${moved.join('\n')}`,
    );
  for (const e of errors) console.log(`\nERROR ${e.key}: ${e.message}`);
  const failed = results.filter((r) => r.status === 'fail');
  const notEnforced = results.reduce(
    (n, r) => n + r.checks.filter((c) => c.status === 'not-enforced').length,
    0,
  );
  console.log(
    `\n${results.length - failed.length} passed, ${failed.length} failed${errors.length ? `, ${errors.length} could not run` : ''}` +
      `${notEnforced ? ` (${notEnforced} checks not enforced: real runs on a contended CPU)` : ''}; ${seconds} s`,
  );
  if (opts.write) {
    if (errors.length)
      console.log(
        `not written: ${errors.length} scenario(s) could not run; a full comparison needs them all`,
      );
    else await writeComparison(results, cal, calSource, opts, seconds);
  }
  return failed.length || errors.length ? 1 : 0;
}

function dedupeTexts(rows: TextRow[]): TextRow[] {
  const seen = new Map<string, TextRow>();
  for (const r of rows) {
    const key = `${r.kind}|${r.verdict}|${r.engine ?? ''}|${(r.real ?? '').replace(/port \d+/, 'port N').replace(/\[parameters:[^\]]*\]/, '')}`;
    if (!seen.has(key)) seen.set(key, r);
  }
  return [...seen.values()].sort((a, b) => a.kind.localeCompare(b.kind));
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
