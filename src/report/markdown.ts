// The postmortem report of a run, as Markdown or plain text. One pure function, used by
// the CLI and by the website, so both print the same figures the same way.
import type { Report } from '../engine/report';
import { ERROR_KINDS, type ErrorKind } from '../engine/errors';
import { MODEL_VERSION } from '../version';

export interface FormatOptions {
  format: 'markdown' | 'text';
  /** The link that reproduces the run (the Lab page with the scenario in its query). */
  shareUrl?: string;
  /** Pool Lab's version; the model revision is added from src/version.ts. */
  version?: string;
}

const n = (x: number): string => x.toLocaleString('en-US', { maximumFractionDigits: 2 });

/** The scenario of a run in a few lines: the stack from Gunicorn to PostgreSQL, the load, the faults. */
export function describeScenario(r: Report): string[] {
  const s = r.scenario;
  const a = s.app;
  const p = s.pool;
  const lines = [
    `${a.servers} server${a.servers > 1 ? 's' : ''} × ${a.workers} worker${a.workers > 1 ? 's' : ''} × ${a.threads} thread${a.threads > 1 ? 's' : ''} (${a.threads > 1 ? 'gthread' : 'sync'})` +
      `, preload_app ${a.preload_app}${a.master_connects ? ' with a master connection' : ''}, post_fork ${a.post_fork}, post_worker_init ${a.post_worker_init}, session ${a.session_scope}`,
    p.class === 'NullPool'
      ? 'NullPool'
      : `QueuePool pool_size ${r.effective_pool.pool_size} + max_overflow ${r.effective_pool.max_overflow}, pool_timeout ${r.effective_pool.pool_timeout}, pool_recycle ${r.effective_pool.pool_recycle}, pre_ping ${p.pool_pre_ping}, lifo ${p.pool_use_lifo}`,
    s.pgbouncer
      ? `PgBouncer ${s.pgbouncer.pool_mode} mode, max_client_conn ${s.pgbouncer.max_client_conn}, default_pool_size ${s.pgbouncer.default_pool_size}`
      : 'no PgBouncer',
    `PostgreSQL max_connections ${s.postgres.max_connections} (superuser_reserved_connections ${s.postgres.superuser_reserved_connections})`,
    s.load.kind === 'closed'
      ? `closed load: ${s.load.concurrency} users, ${s.load.requests} requests`
      : s.load.phases.length
        ? `open load: ${s.load.phases.map((ph) => `${ph.rate_per_s}/s for ${ph.duration_s} s`).join(', then ')}`
        : `open load: ${s.load.rate_per_s} requests/s for ${s.duration_s} s`,
  ];
  if (s.faults.length)
    lines.push(
      `faults: ${s.faults.map((f) => ('at_s' in f ? `${f.kind} at ${f.at_s} s` : `${f.kind} after ${f.after_s} s idle`)).join(', ')}`,
    );
  return lines;
}

function errorRows(r: Report): [ErrorKind, number][] {
  return ERROR_KINDS.filter((k) => r.requests.errors[k] > 0).map((k) => [k, r.requests.errors[k]]);
}

/** Format a report for a terminal (text) or a postmortem (markdown). */
export function formatReport(report: Report, options: FormatOptions): string {
  return options.format === 'markdown' ? markdown(report, options) : text(report, options);
}

function markdown(r: Report, o: FormatOptions): string {
  const out: string[] = [];
  const q = r.requests;
  out.push(
    `## Pool Lab simulation${o.version ? ` (Pool Lab ${o.version}, model ${MODEL_VERSION})` : ''}`,
    '',
  );
  for (const line of describeScenario(r)) out.push(`- ${line}`);
  out.push(
    '',
    `**${n(q.ok)} ok, ${n(q.failed)} failed** of ${n(q.started)} requests in ${n(r.sim.virtual_s)} virtual seconds (${n(r.throughput_rps)} ok/s).`,
    '',
  );
  const errors = errorRows(r);
  if (errors.length) {
    out.push('| error | count | what the app logs |', '|---|---:|---|');
    for (const [k, c] of errors)
      out.push(`| \`${k}\` | ${n(c)} | ${mdCell(r.error_samples[k] ?? '')} |`);
    out.push('');
  }
  const l = r.latency_ms;
  out.push(
    '| latency (ok requests) | mean | p50 | p90 | p95 | p99 | max |',
    '|---|---:|---:|---:|---:|---:|---:|',
  );
  out.push(
    `| ms | ${n(l.mean)} | ${n(l.p50)} | ${n(l.p90)} | ${n(l.p95)} | ${n(l.p99)} | ${n(l.max)} |`,
    '',
  );
  const w = r.pool.wait_ms;
  out.push('| figure | value |', '|---|---:|');
  out.push(`| pool checkouts | ${n(r.pool.checkouts)} |`);
  out.push(`| checkouts that waited | ${n(r.pool.waited)} |`);
  out.push(`| pool wait ms (mean / p95 / max) | ${n(w.mean)} / ${n(w.p95)} / ${n(w.max)} |`);
  out.push(`| new connections | ${n(r.pool.connects)} |`);
  out.push(`| checked out at peak (all processes) | ${n(r.pool.checked_out_peak)} |`);
  out.push(`| PostgreSQL connections at peak | ${n(r.postgres.connections_peak)} |`);
  out.push(
    `| PostgreSQL connections opened / refused | ${n(r.postgres.connections_opened)} / ${n(r.postgres.refused)} |`,
  );
  if (r.pgbouncer) {
    out.push(
      `| PgBouncer clients / servers at peak | ${n(r.pgbouncer.clients_peak)} / ${n(r.pgbouncer.servers_peak)} |`,
    );
    out.push(
      `| PgBouncer clients waiting at peak | ${n(r.pgbouncer.waiting_peak)} (max wait ${n(r.pgbouncer.wait_ms.max)} ms) |`,
    );
  }
  out.push(`| connections inherited at fork | ${n(r.fork.inherited_connections)} |`);
  out.push(`| uses of a socket opened by another process | ${n(r.fork.shared_socket_uses)} |`, '');
  if (r.notes.length) {
    out.push('Notes:', '');
    for (const note of r.notes) out.push(`- ${note}`);
    out.push('');
  }
  out.push(`Seed ${r.sim.seed}, ${n(r.sim.events)} events, trace hash \`${r.sim.trace_hash}\`.`);
  if (o.shareUrl) out.push('', `Reproduce: <${o.shareUrl}>`);
  out.push(
    '',
    '<details><summary>scenario.json (what <code>poollab simulate</code> reads)</summary>',
    '',
    '```json',
    JSON.stringify(r.scenario, null, 2),
    '```',
    '',
    '</details>',
  );
  return `${out.join('\n')}\n`;
}

function mdCell(s: string): string {
  return s
    .replace(/\|/g, '\\|')
    .replace(/[\n\t]+/g, ' ')
    .replace(/</g, '&lt;');
}

function text(r: Report, o: FormatOptions): string {
  const out: string[] = [];
  const q = r.requests;
  const l = r.latency_ms;
  out.push(
    `Pool Lab simulation${o.version ? ` (Pool Lab ${o.version}, model ${MODEL_VERSION})` : ''}`,
  );
  for (const line of describeScenario(r)) out.push(`  ${line}`);
  out.push('');
  out.push(
    `requests   ${n(q.started)} started, ${n(q.ok)} ok, ${n(q.failed)} failed${q.in_flight ? `, ${n(q.in_flight)} in flight at the end` : ''}`,
  );
  for (const [k, c] of errorRows(r))
    out.push(
      `  ${k.padEnd(20)} ${String(n(c)).padStart(8)}  ${(r.error_samples[k] ?? '').split('\n')[0]}`,
    );
  out.push(
    `latency    mean ${n(l.mean)} ms, p50 ${n(l.p50)}, p90 ${n(l.p90)}, p95 ${n(l.p95)}, p99 ${n(l.p99)}, max ${n(l.max)}`,
  );
  out.push(`throughput ${n(r.throughput_rps)} ok requests/s over ${n(r.sim.virtual_s)} s`);
  out.push(
    `pool       ${n(r.pool.checkouts)} checkouts, ${n(r.pool.waited)} waited (mean ${n(r.pool.wait_ms.mean)} ms, max ${n(r.pool.wait_ms.max)} ms), ${n(r.pool.connects)} connects, peak ${n(r.pool.checked_out_peak)} checked out`,
  );
  out.push(
    `postgres   peak ${n(r.postgres.connections_peak)} connections, ${n(r.postgres.connections_opened)} opened, ${n(r.postgres.refused)} refused`,
  );
  if (r.pgbouncer)
    out.push(
      `pgbouncer  peak ${n(r.pgbouncer.clients_peak)} clients, ${n(r.pgbouncer.servers_peak)} servers, ${n(r.pgbouncer.waiting_peak)} waiting (max wait ${n(r.pgbouncer.wait_ms.max)} ms)`,
    );
  out.push(
    `fork       ${n(r.fork.inherited_connections)} connections inherited, ${n(r.fork.shared_socket_uses)} shared-socket uses, ${n(r.fork.forks)} forks`,
  );
  for (const note of r.notes) out.push(`note       ${note}`);
  out.push(
    `sim        seed ${r.sim.seed}, ${n(r.sim.events)} events, trace hash ${r.sim.trace_hash}`,
  );
  if (o.shareUrl) out.push(`link       ${o.shareUrl}`);
  return `${out.join('\n')}\n`;
}
