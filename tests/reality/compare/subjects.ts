// What the comparison runs: every preset (scaled where needed, scaling.ts) and every
// focused case in tests/reality/cases/ (as they are: they were made for this machine).

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PRESETS, type ScenarioInput } from '../../../src/scenario/index';
import { normalise } from './model';
import { scaleScenario, type Scaling } from './scaling';

export const CASES_DIR = 'tests/reality/cases';

export interface Subject {
  /** Unique: `preset:<id>` or `case:<id>` (two cases share a preset's name). */
  key: string;
  id: string;
  kind: 'preset' | 'case';
  title: string;
  description: string;
  /** The scenario file both sides run. */
  input: ScenarioInput;
  scaling: Scaling;
}

/**
 * The quick subset (npm test): a few cases that cover the main mechanisms in a few minutes:
 * pool waits and timeouts, PostgreSQL's connection limit, a shared socket with
 * dispose(close=False), and PgBouncer refusing clients.
 */
export const QUICK = [
  'pool-timeout-too-few',
  'pool-timeout-enough',
  'fork-shared-dispose-close-false',
  'fork-shared-tls',
];

/**
 * Each case's description, read from tests/reality/harness/cases.py (as text: the first
 * string of each CASES entry), so that the two never drift apart.
 */
export function caseDescriptions(source: string): Record<string, string> {
  const out: Record<string, string> = {};
  const literal = /"((?:[^"\\]|\\.)*)"/g;
  for (const m of source.matchAll(/^ {4}"([\w-]+)": \(\s*((?:"(?:[^"\\]|\\.)*"\s*)+)/gm))
    // Python joins adjacent string literals into one.
    out[m[1]!] = [...m[2]!.matchAll(literal)].map((l) => l[1]!).join('');
  return out;
}

const sentence = (s: string): string => (s ? s[0]!.toUpperCase() + s.slice(1) : s);

export function loadSubjects(): Subject[] {
  const presets: Subject[] = PRESETS.map((p) => {
    const { input, scaling } = scaleScenario(p.scenario, normalise(p.scenario));
    return {
      key: `preset:${p.id}`,
      id: p.id,
      kind: 'preset',
      title: p.title,
      description: p.description,
      input,
      scaling,
    };
  });
  let descriptions: Record<string, string> = {};
  try {
    descriptions = caseDescriptions(readFileSync('tests/reality/harness/cases.py', 'utf8'));
  } catch {
    // titles fall back to the ids
  }
  const cases: Subject[] = readdirSync(CASES_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const id = f.replace(/\.json$/, '');
      const input = JSON.parse(readFileSync(join(CASES_DIR, f), 'utf8')) as ScenarioInput;
      const description = sentence(descriptions[id] ?? '');
      return {
        key: `case:${id}`,
        id,
        kind: 'case',
        title: id,
        description,
        input,
        scaling: { time: 1, rate: 1, changes: [] },
      };
    });
  return [...presets, ...cases];
}
