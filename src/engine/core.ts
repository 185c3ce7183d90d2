// The discrete-event core, in the manner of SimPy's Environment
// (https://simpy.readthedocs.io/en/latest/api_reference/simpy.core.html):
// a virtual clock, one priority queue ordered by (time, sequence), and a step that pops
// the next event, sets the clock and hands the event to the model.
//
// Guarantees:
// - time is an integer number of microseconds and never goes back;
// - events at the same instant run in the order they were scheduled (the sequence
//   number breaks ties), so a run is a function of the scenario and the seed alone;
// - every processed event feeds the trace hash (time, kind, target, arg), so two runs
//   that differ in any event differ in the hash.
//
// Events are four numbers, kept in parallel typed arrays (no object per event). An event
// that is no longer wanted (a pool_timeout whose waiter was served) is not searched
// for and removed: its handler sees that the target's generation has moved on and
// ignores it (lazy deletion).

export type Dispatch = (kind: number, target: number, arg: number) => void;

const HASH_A = 0x9e3779b1;
const HASH_B = 0x85ebca77;

export class EventQueue {
  now = 0;
  size = 0;
  events = 0;
  private seqNext = 0;
  private time = new Float64Array(1024);
  private seq = new Float64Array(1024);
  private kind = new Int32Array(1024);
  private target = new Int32Array(1024);
  private arg = new Int32Array(1024);
  /** Two 32-bit lanes of the trace hash. */
  hashA = 0x811c9dc5 | 0;
  hashB = 0x01000193 | 0;

  /** Schedule an event at absolute time `at` (µs, >= now). */
  at(at: number, kind: number, target: number, arg: number): void {
    if (this.size === this.time.length) this.grow();
    let i = this.size++;
    const s = this.seqNext++;
    const { time, seq } = this;
    // sift up
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = time[p]!;
      if (pt < at || (pt === at && seq[p]! < s)) break;
      this.move(p, i);
      i = p;
    }
    time[i] = at;
    seq[i] = s;
    this.kind[i] = kind;
    this.target[i] = target;
    this.arg[i] = arg;
  }

  /** Schedule an event `delay` µs from now. */
  after(delay: number, kind: number, target: number, arg: number): void {
    this.at(this.now + delay, kind, target, arg);
  }

  /** Time of the next event, or Infinity. */
  peek(): number {
    return this.size > 0 ? this.time[0]! : Infinity;
  }

  /** Set by the model to stop the run after the current event. */
  halted = false;

  /** Process events with time <= until (µs), or until halted. */
  runUntil(until: number, dispatch: Dispatch): void {
    // (this.time is read afresh each turn: dispatch may grow the arrays.)
    while (this.size > 0 && this.time[0]! <= until) {
      const t = this.time[0]!;
      const kind = this.kind[0]!;
      const target = this.target[0]!;
      const arg = this.arg[0]!;
      this.removeTop();
      this.now = t;
      this.events++;
      const lo = (t % 4294967296) | 0;
      const hi = (t / 4294967296) | 0;
      let a = this.hashA ^ lo;
      a = Math.imul(a, HASH_A) ^ (kind + (target << 8));
      a = Math.imul(a ^ (a >>> 15), HASH_B) ^ arg;
      this.hashA = Math.imul(a ^ (a >>> 13), HASH_A) ^ hi;
      let b = this.hashB ^ (target * 31 + kind);
      b = Math.imul(b, HASH_B) ^ lo;
      b = Math.imul(b ^ (b >>> 16), HASH_A) ^ (arg + hi);
      this.hashB = Math.imul(b ^ (b >>> 13), HASH_B);
      dispatch(kind, target, arg);
      if (this.halted) return;
    }
    if (until > this.now && until !== Infinity) this.now = until;
  }

  hashHex(): string {
    return (
      (this.hashA >>> 0).toString(16).padStart(8, '0') +
      (this.hashB >>> 0).toString(16).padStart(8, '0')
    );
  }

  private removeTop(): void {
    const last = --this.size;
    if (last === 0) return;
    const { time, seq } = this;
    const t = time[last]!;
    const s = seq[last]!;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= last) break;
      const r = c + 1;
      if (r < last && (time[r]! < time[c]! || (time[r] === time[c] && seq[r]! < seq[c]!))) c = r;
      const ct = time[c]!;
      if (t < ct || (t === ct && s < seq[c]!)) break;
      this.move(c, i);
      i = c;
    }
    time[i] = t;
    seq[i] = s;
    this.kind[i] = this.kind[last]!;
    this.target[i] = this.target[last]!;
    this.arg[i] = this.arg[last]!;
  }

  private move(from: number, to: number): void {
    this.time[to] = this.time[from]!;
    this.seq[to] = this.seq[from]!;
    this.kind[to] = this.kind[from]!;
    this.target[to] = this.target[from]!;
    this.arg[to] = this.arg[from]!;
  }

  private grow(): void {
    const n = this.time.length * 2;
    const g = <T extends Float64Array | Int32Array>(a: T, make: (n: number) => T): T => {
      const b = make(n);
      b.set(a);
      return b;
    };
    this.time = g(this.time, (k) => new Float64Array(k));
    this.seq = g(this.seq, (k) => new Float64Array(k));
    this.kind = g(this.kind, (k) => new Int32Array(k));
    this.target = g(this.target, (k) => new Int32Array(k));
    this.arg = g(this.arg, (k) => new Int32Array(k));
  }
}
