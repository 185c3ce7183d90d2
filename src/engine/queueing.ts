// Textbook queueing formulas the engine is checked against (tests/unit/engine).
// Erlang B: loss probability of M/M/c/c. Erlang C: waiting probability of M/M/c.
// https://en.wikipedia.org/wiki/Erlang_(unit)

/** Erlang B: P(all c servers busy) for offered load a = lambda / mu (Erlangs). */
export function erlangB(c: number, a: number): number {
  let b = 1;
  for (let k = 1; k <= c; k++) b = (a * b) / (k + a * b);
  return b;
}

/** Erlang C: P(an arrival waits) in M/M/c with offered load a < c. */
export function erlangC(c: number, a: number): number {
  const b = erlangB(c, a);
  return (c * b) / (c - a * (1 - b));
}

/** Mean wait in queue of M/M/c: C(c, a) / (c * mu - lambda), in the unit of 1/mu. */
export function erlangCMeanWait(c: number, a: number, meanService: number): number {
  const mu = 1 / meanService;
  const lambda = a * mu;
  return erlangC(c, a) / (c * mu - lambda);
}
