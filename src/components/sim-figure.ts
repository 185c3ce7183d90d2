// Figures in a chapter's prose come from the engine, run at build time: a
// preset (optionally changed by a few key paths), one seed, one run, and the
// number read from its report by path. The same run is shared by every figure
// that names the same scenario.
import { simulate, type Report } from '../engine/index';
import { presetScenario } from '../state/scenario-store';
import { setAtPath, getAtPath } from '../state/key-path';
import { parseScenario } from '../scenario/parse';

const reports = new Map<string, Report>();

/** The report of a preset with `changes` (key path → value) applied. */
export function reportOf(preset: string, changes: Record<string, unknown> = {}): Report {
  const key = `${preset}:${JSON.stringify(changes)}`;
  const cached = reports.get(key);
  if (cached) return cached;
  let input: unknown = presetScenario(preset);
  for (const [path, value] of Object.entries(changes)) input = setAtPath(input, path, value);
  const parsed = parseScenario(input);
  if (!parsed.ok)
    throw new Error(`SimFigure ${preset}: ${parsed.errors.map((e) => e.message).join('; ')}`);
  const report = simulate(parsed.scenario).report;
  reports.set(key, report);
  return report;
}

/** A number from a report, by path (`requests.errors.pool_timeout`, `latency_ms.p95`). */
export function figure(report: Report, path: string): number {
  const value = getAtPath(report, path);
  if (typeof value !== 'number') throw new Error(`SimFigure: no number at ${path}`);
  return value;
}

export function formatFigure(value: number, digits: number): string {
  return value.toLocaleString('en-US', {
    maximumFractionDigits: digits,
    minimumFractionDigits: digits,
  });
}
