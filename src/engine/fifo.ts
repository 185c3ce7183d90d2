// A growable ring buffer used for every queue of the model (accept backlog, GIL, cores,
// pool waiters, PgBouncer's waiting clients, idle connections). Entries carry a number
// tag (a generation) so that a queue can skip entries that went stale (lazy deletion).

export class Fifo<T> {
  private items: (T | undefined)[];
  private tags: Float64Array;
  private head = 0;
  length = 0;

  constructor(capacity = 8) {
    this.items = new Array<T | undefined>(capacity);
    this.tags = new Float64Array(capacity);
  }

  push(item: T, tag = 0): void {
    if (this.length === this.items.length) this.grow();
    const i = (this.head + this.length) % this.items.length;
    this.items[i] = item;
    this.tags[i] = tag;
    this.length++;
  }

  /** Add an entry at the head: it is the next one out. */
  pushFront(item: T, tag = 0): void {
    if (this.length === this.items.length) this.grow();
    this.head = (this.head - 1 + this.items.length) % this.items.length;
    this.items[this.head] = item;
    this.tags[this.head] = tag;
    this.length++;
  }

  /** Oldest entry (FIFO). */
  shift(): T | undefined {
    if (this.length === 0) return undefined;
    const item = this.items[this.head];
    this.lastTag = this.tags[this.head]!;
    this.items[this.head] = undefined;
    this.head = (this.head + 1) % this.items.length;
    this.length--;
    return item;
  }

  /** Newest entry (LIFO). */
  pop(): T | undefined {
    if (this.length === 0) return undefined;
    const i = (this.head + this.length - 1) % this.items.length;
    const item = this.items[i];
    this.lastTag = this.tags[i]!;
    this.items[i] = undefined;
    this.length--;
    return item;
  }

  /** Tag of the entry last returned by shift() or pop(). */
  lastTag = 0;

  peek(): T | undefined {
    return this.length === 0 ? undefined : this.items[this.head];
  }

  peekTag(): number {
    return this.tags[this.head]!;
  }

  at(k: number): T | undefined {
    return this.items[(this.head + k) % this.items.length];
  }

  /** Remove one entry (linear; only used off the hot path). */
  remove(item: T): boolean {
    for (let k = 0; k < this.length; k++) {
      const i = (this.head + k) % this.items.length;
      if (this.items[i] !== item) continue;
      for (let j = k; j < this.length - 1; j++) {
        const a = (this.head + j) % this.items.length;
        const b = (this.head + j + 1) % this.items.length;
        this.items[a] = this.items[b];
        this.tags[a] = this.tags[b]!;
      }
      this.items[(this.head + this.length - 1) % this.items.length] = undefined;
      this.length--;
      return true;
    }
    return false;
  }

  clear(): void {
    while (this.length > 0) this.shift();
  }

  toArray(): T[] {
    const out: T[] = [];
    for (let k = 0; k < this.length; k++)
      out.push(this.items[(this.head + k) % this.items.length] as T);
    return out;
  }

  private grow(): void {
    const n = this.items.length * 2 || 8;
    const items = new Array<T | undefined>(n);
    const tags = new Float64Array(n);
    for (let k = 0; k < this.length; k++) {
      const i = (this.head + k) % this.items.length;
      items[k] = this.items[i];
      tags[k] = this.tags[i]!;
    }
    this.items = items;
    this.tags = tags;
    this.head = 0;
  }
}
