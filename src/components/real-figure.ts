// Figures measured on the real stack (Gunicorn, Flask-SQLAlchemy, psycopg2,
// PostgreSQL, PgBouncer; tests/reality), read at build time from the saved
// case results, so the prose says what the real stack did with the numbers it
// recorded rather than numbers typed by hand.
import { getAtPath } from '../state/key-path';
import { DATA } from './reality/data';

const RESULTS = import.meta.glob<Record<string, unknown>>('../../tests/reality/results/*.json', {
  eager: true,
  import: 'default',
});

/** The saved result of one real-stack case, by its id (the file name). */
export function realResult(caseId: string): Record<string, unknown> {
  const result = RESULTS[`../../tests/reality/results/${caseId}.json`];
  if (!result) throw new Error(`RealFigure: no saved result for case ${caseId}`);
  return result;
}

/** A number from a case's result by path (`requests.errors.protocol_error`, `timeline_per_s.failed.0`). */
export function realFigure(caseId: string, path: string): number {
  const value = getAtPath(realResult(caseId), path);
  if (typeof value !== 'number') throw new Error(`RealFigure: no number at ${caseId} ${path}`);
  return value;
}

/** Sum of a numeric array in a case's result (e.g. failed requests over every second). */
export function realSum(caseId: string, path: string): number {
  const value = getAtPath(realResult(caseId), path);
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'number'))
    throw new Error(`RealFigure: no list of numbers at ${caseId} ${path}`);
  return (value as number[]).reduce((a, b) => a + b, 0);
}

/** Seconds (from the start of the load) in which at least one request failed, as in "in the first 2 s". */
export function realFailingSeconds(caseId: string): number {
  const failed = getAtPath(realResult(caseId), 'timeline_per_s.failed');
  if (!Array.isArray(failed)) throw new Error(`RealFigure: no timeline for case ${caseId}`);
  let last = -1;
  failed.forEach((n, i) => {
    if (typeof n === 'number' && n > 0) last = i;
  });
  return last + 1;
}

/**
 * A number from the real side of the last full comparison (tests/reality/comparison.json):
 * `subject` is a preset or case key as the comparison names it (`preset:memo-production`),
 * `path` a figure of its real run (`failed`, `pg_peak`, `errors.connection_closed`).
 */
export function comparedFigure(subject: string, path: string): number {
  const found = DATA.subjects.find((s) => s.key === subject);
  if (!found) throw new Error(`RealFigure: the comparison has no ${subject}`);
  const value = getAtPath(found.real, path);
  if (typeof value !== 'number')
    throw new Error(`RealFigure: no number at ${subject} real.${path}`);
  return value;
}
