/** @module A log layer's bounded ring: records in order, drops counted and reported as explicit `lost N` markers. */

/** What a reader gets: a record, or how many records were dropped at this point in the sequence. */
export type RingItem<T> = { readonly kind: 'record'; readonly record: T } | { readonly kind: 'lost'; readonly count: number };

export const DEFAULT_RING_CAPACITY = 1024;

/**
 * Holds up to `capacity` records until read. A record arriving when full is dropped and counted;
 * the count appears as one `lost` marker at the place of the drops, so the reader can tell what
 * is missing and where — nothing disappears silently. Markers do not take capacity (there is at
 * most one between two records).
 */
export class RingBuffer<T> {
  readonly capacity: number;
  /** Items from `head` on are unread; the consumed prefix is dropped when it grows large. */
  private items: ({ kind: 'record'; record: T } | { kind: 'lost'; count: number })[] = [];
  private head = 0;
  private held = 0;
  private totalLost = 0;
  private totalStored = 0;
  private waiters: (() => void)[] = [];
  private closed = false;

  constructor(capacity = DEFAULT_RING_CAPACITY) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) throw new Error(`internal: ring capacity ${capacity}`);
    this.capacity = capacity;
  }

  /** Appends; returns false (and counts the loss) when the ring is full. */
  push(record: T): boolean {
    if (this.held >= this.capacity) {
      const last = this.items.length > this.head ? this.items[this.items.length - 1] : undefined;
      if (last !== undefined && last.kind === 'lost') last.count++;
      else this.items.push({ kind: 'lost', count: 1 });
      this.totalLost++;
      this.wake();
      return false;
    }
    this.items.push({ kind: 'record', record });
    this.held++;
    this.totalStored++;
    this.wake();
    return true;
  }

  /** Records held now (not markers). */
  get size(): number {
    return this.held;
  }

  /** Records dropped since creation. */
  get lost(): number {
    return this.totalLost;
  }

  /** Records accepted since creation. */
  get stored(): number {
    return this.totalStored;
  }

  /** Takes everything buffered now, in order. */
  drain(): RingItem<T>[] {
    const out = this.head === 0 ? this.items : this.items.slice(this.head);
    this.items = [];
    this.head = 0;
    this.held = 0;
    return out;
  }

  /** Takes the oldest item, if any (O(1): a head index, not Array.shift). */
  shift(): RingItem<T> | undefined {
    if (this.head >= this.items.length) return undefined;
    const it = this.items[this.head++]!;
    if (it.kind === 'record') this.held--;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return it;
  }

  /**
   * Reads items in order. Without `follow` it ends when the ring is empty; with `follow` it
   * waits for more until close().
   */
  async *read(opts: { readonly follow?: boolean } = {}): AsyncGenerator<RingItem<T>, void, undefined> {
    for (;;) {
      const it = this.shift();
      if (it !== undefined) {
        yield it;
        continue;
      }
      if (opts.follow !== true || this.closed) return;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** Ends every following reader once it has read what is buffered. */
  close(): void {
    this.closed = true;
    this.wake();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}
