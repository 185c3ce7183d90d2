// Counters, latency histograms and time series of a run. Histograms are log-linear
// (exact below 256 µs, then 128 sub-buckets per power of two: under 0.8 % relative
// error), so recording is O(1) and allocation-free; means and maxima are exact.
import type { Scenario } from '../scenario/types';
import { ERROR_KINDS } from './errors';

const SUB = 128;
const LINEAR = 256;
const BUCKETS = LINEAR + SUB * 26;

export class Histogram {
  readonly counts = new Float64Array(BUCKETS);
  n = 0;
  sum = 0;
  max = 0;

  record(us: number): void {
    const v = us < 0 ? 0 : Math.round(us);
    this.n++;
    this.sum += v;
    if (v > this.max) this.max = v;
    this.counts[Histogram.bucket(v)]!++;
  }

  static bucket(v: number): number {
    if (v < LINEAR) return v;
    const e = 31 - Math.clz32(v > 0x7fffffff ? 0x7fffffff : v);
    const idx =
      LINEAR + (e - 8) * SUB + (((v > 0x7fffffff ? 0x7fffffff : v) >>> (e - 7)) & (SUB - 1));
    return idx < BUCKETS ? idx : BUCKETS - 1;
  }

  /** Middle of a bucket, in µs. */
  static value(b: number): number {
    if (b < LINEAR) return b;
    const e = Math.floor((b - LINEAR) / SUB) + 8;
    const sub = (b - LINEAR) % SUB;
    const lo = (SUB + sub) * 2 ** (e - 7);
    return lo + 2 ** (e - 7) / 2;
  }

  /** The q-quantile (0..1) in µs, never above the exact maximum. */
  quantile(q: number): number {
    if (this.n === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.n));
    let seen = 0;
    for (let b = 0; b < BUCKETS; b++) {
      seen += this.counts[b]!;
      if (seen >= rank) return Math.min(Histogram.value(b), this.max);
    }
    return this.max;
  }

  summaryMs(): { mean: number; p50: number; p90: number; p95: number; p99: number; max: number } {
    const ms = (us: number): number => Math.round(us) / 1000;
    return {
      mean: this.n ? Math.round((this.sum / this.n) * 1000) / 1e6 : 0,
      p50: ms(this.quantile(0.5)),
      p90: ms(this.quantile(0.9)),
      p95: ms(this.quantile(0.95)),
      p99: ms(this.quantile(0.99)),
      max: ms(this.max),
    };
  }
}

/** A level over time (connections, checked-out...): current value, peak, per-bucket maxima. */
export class Gauge {
  value = 0;
  /** Time of bucket 0's start (the load's start): earlier changes count in bucket 0. */
  origin = 0;
  peak = 0;
  readonly bucketMax: Float64Array;
  readonly bucketLast: Float64Array;
  readonly touched: Uint8Array;
  constructor(
    private readonly bucketUs: number,
    buckets: number,
  ) {
    this.bucketMax = new Float64Array(buckets);
    this.bucketLast = new Float64Array(buckets);
    this.touched = new Uint8Array(buckets);
  }
  private bucket = 0;
  private bucketEnd = -1;
  add(delta: number, now: number): void {
    this.value += delta;
    if (this.value > this.peak) this.peak = this.value;
    const t = now > this.origin ? now - this.origin : 0;
    if (t >= this.bucketEnd || t < this.bucketEnd - this.bucketUs) {
      this.bucket = Math.min(Math.floor(t / this.bucketUs), this.bucketMax.length - 1);
      this.bucketEnd = (this.bucket + 1) * this.bucketUs;
    }
    const b = this.bucket;
    if (!this.touched[b]) {
      this.touched[b] = 1;
      this.bucketMax[b] = this.value - delta > this.value ? this.value - delta : this.value;
    } else if (this.value > this.bucketMax[b]!) this.bucketMax[b] = this.value;
    this.bucketLast[b] = this.value;
  }
  /** Per-bucket maxima, carrying the level across buckets where nothing changed. */
  series(lastBucket: number): number[] {
    const out: number[] = [];
    let level = 0;
    for (let b = 0; b <= lastBucket && b < this.touched.length; b++) {
      if (this.touched[b]) {
        out.push(this.bucketMax[b]!);
        level = this.bucketLast[b]!;
      } else out.push(level);
    }
    return out;
  }
}

export class Metrics {
  started = 0;
  completed = 0;
  ok = 0;
  failed = 0;
  readonly errors = new Float64Array(ERROR_KINDS.length);
  readonly errorSamples: (string | null)[] = ERROR_KINDS.map(() => null);
  readonly latency = new Histogram();
  readonly poolWait = new Histogram();
  readonly pgbWait = new Histogram();
  checkouts = 0;
  waited = 0;
  connects = 0;
  inheritedConnections = 0;
  sharedSocketUses = 0;
  forks = 0;
  workerExits = 0;
  workerKills = 0;
  readonly bucketUs: number;
  readonly buckets: number;
  readonly okByBucket: Float64Array;
  readonly latencySumByBucket: Float64Array;
  readonly errorsByBucket: Float64Array[];
  readonly checkedOut: Gauge;
  readonly pgConnections: Gauge;
  readonly pgbClients: Gauge;
  readonly pgbServers: Gauge;
  readonly pgbWaiting: Gauge;
  readonly poolWaiting: Gauge;
  /** Little's law: integral of requests in the system over time. */
  inSystem = 0;
  areaUs = 0;
  lastChange = 0;
  sojournSumUs = 0;

  constructor(s: Scenario, durationUs: number) {
    this.bucketUs = chooseBucket(durationUs);
    this.buckets = Math.ceil(durationUs / this.bucketUs) + 1;
    this.okByBucket = new Float64Array(this.buckets);
    this.latencySumByBucket = new Float64Array(this.buckets);
    this.errorsByBucket = ERROR_KINDS.map(() => new Float64Array(this.buckets));
    const g = (): Gauge => new Gauge(this.bucketUs, this.buckets);
    this.checkedOut = g();
    this.pgConnections = g();
    this.pgbClients = g();
    this.pgbServers = g();
    this.pgbWaiting = g();
    this.poolWaiting = g();
    void s;
  }

  /** The load's start: the series count from here (earlier times go to bucket 0). */
  get origin(): number {
    return this.checkedOut.origin;
  }
  set origin(t: number) {
    for (const g of [
      this.checkedOut,
      this.pgConnections,
      this.pgbClients,
      this.pgbServers,
      this.pgbWaiting,
      this.poolWaiting,
    ])
      g.origin = t;
    this.originUs = t;
  }
  private originUs = 0;

  bucketOf(now: number): number {
    const t = now > this.originUs ? now - this.originUs : 0;
    return Math.min((t / this.bucketUs) | 0, this.buckets - 1);
  }

  arrive(now: number): void {
    this.started++;
    this.areaUs += this.inSystem * (now - this.lastChange);
    this.lastChange = now;
    this.inSystem++;
  }

  finish(now: number, t0: number, kind: number): void {
    this.areaUs += this.inSystem * (now - this.lastChange);
    this.lastChange = now;
    this.inSystem--;
    this.completed++;
    this.sojournSumUs += now - t0;
    const b = this.bucketOf(now);
    if (kind < 0) {
      this.ok++;
      this.latency.record(now - t0);
      this.okByBucket[b]!++;
      this.latencySumByBucket[b]! += now - t0;
    } else {
      this.failed++;
      this.errors[kind]!++;
      this.errorsByBucket[kind]![b]!++;
    }
  }
}

/** Bucket width of the time series: about 120 buckets, at least 100 ms, a round number. */
function chooseBucket(durationUs: number): number {
  const target = durationUs / 120;
  for (const ms of [100, 200, 250, 500, 1000, 2000, 5000, 10000, 15000, 30000, 60000]) {
    if (ms * 1000 >= target) return ms * 1000;
  }
  return 60_000_000;
}
