// Running the real side: calibrate.py and run.py from tests/reality, called as they are,
// with the machine's CPU use measured around each run. The only I/O module of the
// comparison besides compare.ts itself.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';

export const PYTHON = '/usr/bin/python3';
export const REALITY_DIR = 'tests/reality';

/** The files and modules the harness needs (as tests/reality/quick.py checks them). */
const REQUIRED_FILES: Record<string, string> = {
  [PYTHON]: 'python3',
  '/usr/lib/postgresql/15/bin/postgres': 'postgresql-15',
  '/usr/lib/postgresql/15/bin/initdb': 'postgresql-15',
  '/usr/sbin/pgbouncer': 'pgbouncer',
  '/usr/bin/openssl': 'openssl',
};

/** Why the real stack cannot run here, or null when it can. */
export async function stackMissing(): Promise<string | null> {
  if (typeof process.geteuid === 'function' && process.geteuid() !== 0)
    return 'the harness needs root (it starts PostgreSQL and PgBouncer as the postgres user)';
  const missing = Object.entries(REQUIRED_FILES)
    .filter(([path]) => !existsSync(path))
    .map(([path, pkg]) => `${path} (${pkg})`);
  if (missing.length) return `missing ${missing.join(', ')}`;
  const probe = await run(
    PYTHON,
    ['-c', 'import flask, flask_sqlalchemy, sqlalchemy, psycopg2, gunicorn'],
    60,
  );
  if (probe.code !== 0)
    return `python modules missing (${probe.stderr.trim().split('\n').pop() ?? 'import failed'})`;
  return null;
}

export interface ProcResult {
  code: number | null;
  stdout: string;
  stderr: string;
  wallS: number;
}

/** Run a command to the end (or kill it after `timeoutS`), capturing its output. */
export function run(
  cmd: string,
  args: string[],
  timeoutS: number,
  onSpawn?: (child: ChildProcess) => void,
): Promise<ProcResult> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    onSpawn?.(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // SIGTERM lets the harness stop everything it started (its signal handlers do that).
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutS * 1000);
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({
        code: null,
        stdout,
        stderr: stderr + String(err),
        wallS: (performance.now() - t0) / 1000,
      });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, wallS: (performance.now() - t0) / 1000 });
    });
  });
}

/** Busy and total CPU time of the whole machine so far (jiffies, /proc/stat). */
export function cpuTimes(): { busy: number; total: number } | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const f = line.trim().split(/\s+/).slice(1).map(Number);
    const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
    const idle = (f[3] ?? 0) + (f[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    return null;
  }
}

export function loadavg(): number[] {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(/\s+/).slice(0, 3).map(Number);
  } catch {
    return [];
  }
}

/**
 * The harness's own CPU use, measured through a cgroup that holds run.py and everything it
 * starts (PostgreSQL, PgBouncer, Gunicorn, the load generator): cgroup v1 cpuacct, or v2.
 * Sampled every 250 ms; `share(windowS)` is the highest use over any window of that length,
 * as a fraction of all the machine's cores. Null where no cgroup can be made (not root,
 * no cgroup file system): the comparison then says so.
 */
class CgroupMeter {
  private dir: string | null = null;
  private usageFile = '';
  private v2 = false;
  private samples: { t: number; usageS: number }[] = [];
  private timer: NodeJS.Timeout | null = null;
  private prioritised = new Set<string>();

  attach(pid: number): void {
    const name = `poollab-reality-${process.pid}-${pid}`;
    const candidates: [string, string, boolean][] = [
      ['/sys/fs/cgroup/cpuacct', 'cpuacct.usage', false],
      ['/sys/fs/cgroup/unified', 'cpu.stat', true],
      ['/sys/fs/cgroup', 'cpu.stat', true],
    ];
    for (const [root, file, v2] of candidates) {
      if (!existsSync(join(root, file))) continue;
      const dir = join(root, name);
      try {
        mkdirSync(dir);
        writeFileSync(join(dir, 'cgroup.procs'), String(pid));
        this.dir = dir;
        this.usageFile = join(dir, file);
        this.v2 = v2;
        break;
      } catch {
        try {
          rmdirSync(dir);
        } catch {
          // not made
        }
      }
    }
    if (!this.dir) return;
    this.sample();
    this.timer = setInterval(() => this.sample(), 250);
  }

  private usageS(): number | null {
    try {
      const text = readFileSync(this.usageFile, 'utf8');
      if (!this.v2) return Number(text.trim()) / 1e9;
      const m = /usage_usec (\d+)/.exec(text);
      return m ? Number(m[1]) / 1e6 : null;
    } catch {
      return null;
    }
  }

  private sample(): void {
    const u = this.usageS();
    if (u !== null) this.samples.push({ t: performance.now() / 1000, usageS: u });
    this.prioritise();
  }

  /**
   * The harness starts PostgreSQL, PgBouncer and each Gunicorn master in a session of its
   * own, and with the kernel's autogroup scheduling (sched_autogroup_enabled) a process's
   * nice value only counts within its session: sessions share the CPU as equals. So each
   * new session of the harness gets the autogroup nice NICE too (/proc/<pid>/autogroup).
   */
  private prioritise(): void {
    if (!this.dir) return;
    let pids: string[];
    try {
      pids = readFileSync(join(this.dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean);
    } catch {
      return;
    }
    for (const pid of pids) {
      if (this.prioritised.has(pid)) continue;
      this.prioritised.add(pid);
      try {
        writeFileSync(`/proc/${pid}/autogroup`, String(NICE));
      } catch {
        // gone already, or no autogroup scheduling here: nice alone applies
      }
    }
  }

  /** Stop sampling and remove the cgroup (moving any process left back to the parent). */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.sample();
    if (!this.dir) return;
    const parent = join(this.dir, '..');
    try {
      for (const pid of readFileSync(join(this.dir, 'cgroup.procs'), 'utf8')
        .split('\n')
        .filter(Boolean))
        writeFileSync(join(parent, 'cgroup.procs'), pid);
      rmdirSync(this.dir);
    } catch {
      // a process still exiting: the empty cgroup is harmless and named after us
    }
  }

  /** Highest CPU use over a window of `windowS` seconds, as a fraction of `cores` cores. */
  share(windowS: number, cores: number): number | null {
    const s = this.samples;
    if (s.length < 2) return null;
    const span = s[s.length - 1]!.t - s[0]!.t;
    const w = Math.min(Math.max(windowS, 1), span);
    let best = 0;
    for (let i = 1; i < s.length; i++) {
      // the latest sample at least one window before sample i
      let k = i - 1;
      while (k > 0 && s[i]!.t - s[k]!.t < w) k--;
      const dt = s[i]!.t - s[k]!.t;
      if (dt >= w * 0.999) best = Math.max(best, (s[i]!.usageS - s[k]!.usageS) / dt);
    }
    return Math.round((best / cores) * 1000) / 1000;
  }
}

export interface RealRun {
  report: RealReport;
  /** Fraction of the machine's CPU (all cores) busy during the run, other users' work included. */
  cpuBusy: number | null;
  /**
   * Fraction of the machine's CPU used by the harness and everything it started, over the
   * busiest window as long as the load (null where it cannot be measured).
   */
  rigCpu: number | null;
  wallS: number;
  loadavgBefore: number[];
  loadavgAfter: number[];
}

/** The fields of a harness report that the comparison reads (run.py prints more). */
export interface RealReport {
  scenario: Record<string, unknown>;
  requests: {
    started: number;
    completed: number;
    ok: number;
    failed: number;
    errors: Record<string, number>;
    other_errors?: Record<string, number>;
  };
  latency_ms: { mean: number; p50: number; p90: number; p95: number; p99: number; max: number };
  /**
   * Open loads: the requests that ended by duration_s after the load began, as the engine
   * counts them (harness/report.py window_block). Absent in reports made before it existed.
   */
  in_window?: null | {
    until_s: number;
    ok: number;
    failed: number;
    errors: Record<string, number>;
    other_errors?: Record<string, number>;
    latency_ms: { p50: number; p95: number };
  };
  throughput_rps: number;
  pool: { checkouts: number; waited: number; connects: number; checked_out_peak: number };
  postgres: { connections_peak: number; connections_opened: number; refused: number };
  pgbouncer: null | { clients_peak: number; servers_peak: number; waiting_peak: number };
  fork: { inherited_connections: number; shared_socket_uses: number };
  versions: Record<string, unknown>;
  raw_errors: Record<string, { count: number; text: string }[]>;
  harness: {
    machine?: {
      nproc: number;
      cpu_model: string;
      loadavg_at_start?: string[];
      loadavg_at_end?: string[];
    };
    wall_s_load?: number;
    [k: string]: unknown;
  };
  extra?: Record<string, unknown>;
}

/**
 * The real runs' CPU priority (calibrate.py's too). On a machine shared with other work
 * (builds, browsers), the harness runs at nice −10, and so does each session it starts
 * (autogroup nice, see CgroupMeter.prioritise), so that other work at the default priority
 * gets about a tenth of the CPU while they compete: the real figures then measure the
 * stack, not the neighbours. The same work is done, only first.
 */
export const NICE = -10;

/** The command and arguments that run `args` with /usr/bin/python3 at NICE (as root), or plainly. */
function python(args: string[]): [string, string[]] {
  const root = typeof process.geteuid === 'function' && process.geteuid() === 0;
  return root && existsSync('/usr/bin/nice')
    ? ['/usr/bin/nice', ['-n', String(NICE), PYTHON, ...args]]
    : [PYTHON, args];
}

/** Run one scenario file on the real stack. Throws with the harness's message on failure. */
export async function runReal(
  scenarioFile: string,
  outFile: string,
  timeoutS = 240,
): Promise<RealRun> {
  const loadavgBefore = loadavg();
  const before = cpuTimes();
  const meter = new CgroupMeter();
  const [cmd, args] = python([
    join(REALITY_DIR, 'run.py'),
    scenarioFile,
    '--out',
    outFile,
    '--quiet',
  ]);
  const res = await run(cmd, args, timeoutS, (c) => c.pid && meter.attach(c.pid));
  meter.stop();
  const after = cpuTimes();
  if (res.code !== 0) {
    // run.py says why on a line of its own ("run failed: …", "invalid scenario: …"); Gunicorn's log lines are noise here.
    const lines = res.stderr.trim().split('\n');
    const why = lines.filter((l) =>
      /^(run failed|invalid scenario|interrupted|run\.py needs)/.test(l),
    );
    throw new Error(
      `run.py ${scenarioFile} exited ${res.code}: ${(why.length ? why : lines.slice(-3)).join(' | ')}`,
    );
  }
  const report = JSON.parse(readFileSync(outFile, 'utf8')) as RealReport;
  const cpuBusy =
    before && after && after.total > before.total
      ? Math.round(((after.busy - before.busy) / (after.total - before.total)) * 1000) / 1000
      : null;
  const rigCpu = meter.share(report.harness.wall_s_load ?? res.wallS, nproc());
  return {
    report,
    cpuBusy,
    rigCpu,
    wallS: Math.round(res.wallS * 10) / 10,
    loadavgBefore,
    loadavgAfter: loadavg(),
  };
}

/** Run tests/reality/calibrate.py, returning its JSON. */
export async function runCalibration(outFile: string): Promise<unknown> {
  const [cmd, args] = python([join(REALITY_DIR, 'calibrate.py'), '--out', outFile, '--quiet']);
  // The same priority as the runs it calibrates (the cgroup also gives its sessions the autogroup nice).
  const meter = new CgroupMeter();
  const res = await run(cmd, args, 600, (c) => c.pid && meter.attach(c.pid));
  meter.stop();
  if (res.code !== 0)
    throw new Error(
      `calibrate.py exited ${res.code}: ${res.stderr.trim().split('\n').slice(-5).join('\n')}`,
    );
  return JSON.parse(readFileSync(outFile, 'utf8'));
}

export const nproc = (): number => cpus().length;
