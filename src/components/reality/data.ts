// The last full model-vs-reality comparison (tests/reality/comparison.json, written by
// `npm run reality:compare -- --write`), read at build time for the "How we know" page.
// Nothing here runs in the browser.
import comparison from '../../../tests/reality/comparison.json';
import type { Comparison, Status, Subject } from './comparison-schema';

export type * from './comparison-schema';

export const DATA = comparison as unknown as Comparison;

export const presets = (): Subject[] => DATA.subjects.filter((s) => s.kind === 'preset');
export const cases = (): Subject[] => DATA.subjects.filter((s) => s.kind === 'case');

/** The stable anchor of a scenario's section: `preset-<id>` or `case-<id>`. */
export const anchorOf = (s: Pick<Subject, 'kind' | 'id'>): string => `${s.kind}-${s.id}`;

/** A number as the tables print it: whole above 100, one decimal above 10, two below. */
export function num(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  const a = Math.abs(x);
  if (a >= 100) return String(Math.round(x));
  if (a >= 10) return x.toFixed(1).replace(/\.0$/, '');
  return x.toFixed(2).replace(/\.?0+$/, '') || '0';
}

export const STATUS_TEXT: Record<Status, string> = {
  pass: 'agrees',
  fail: 'disagrees',
  'not-enforced': 'not enforced',
  'n/a': '–',
};

export const CHECK_LABEL: Record<string, string> = Object.fromEntries(
  DATA.method.tolerances.map((t) => [t.id, t.label]),
);

export const dateOf = (iso: string): string => iso.slice(0, 10);

export const errorsText = (errors: Record<string, number>): string =>
  Object.entries(errors)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k.replace(/^other:/, '')} ${n}`)
    .join(', ') || 'none';
