/**
 * A memo of a pure function's results with at most `max` entries, for the DNS hot path: a lookup is one Map.get
 * (an LRU cache's bookkeeping on every hit costs a good part of a whole DNS answer). When full it starts again
 * empty; what it holds is recomputed on the next miss, so forgetting costs time, never correctness.
 */
export class BoundedMemo<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(private readonly max: number) {}

  get size(): number {
    return this.entries.size;
  }

  /** The value for `key`, computed by `compute` on a miss and kept. */
  get(key: K, compute: (key: K) => V): V {
    let value = this.entries.get(key);
    if (value === undefined) {
      value = compute(key);
      if (this.entries.size >= this.max) this.entries.clear();
      this.entries.set(key, value);
    }
    return value;
  }
}
