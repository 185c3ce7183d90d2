// Where a widget starts: paused on a moment worth looking at (STYLE.md), not
// at t = 0 when nothing has happened yet.
import { TT, type Trace } from '../../engine/index';

/**
 * The time of the first event of one of `types` (for REQ_END, a failed one),
 * so that it shows; else `fallback` of the run.
 */
export function firstMoment(trace: Trace, types: number[], fallback = 0.1): number {
  const wanted = new Set(types);
  for (let i = 0; i < trace.length; i++) {
    const type = trace.type[i]!;
    if (!wanted.has(type)) continue;
    if (type === TT.REQ_END && trace.b[i]! < 0) continue;
    return trace.t[i]!;
  }
  return Math.round(trace.endUs * fallback);
}
