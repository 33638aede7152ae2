// One least-recently-used map bounded by entry count and bytes, used for compiled frequency
// contexts (src/backends/core-like.ts) and for cached encoding rows (src/rowcache.ts).

/**
 * Entries in recency order (a Map keeps insertion order: re-inserting on a hit moves the entry to
 * the end). `free` is called for every entry that leaves the map.
 */
export class Lru<V> {
  readonly #m = new Map<string, { value: V; bytes: number }>();
  #bytes = 0;
  /** The most recently used key and its value (a repeated get skips the Map's reordering). */
  #lastKey: string | null = null;
  #lastValue: V | undefined = undefined;

  constructor(
    /** Entries kept at most (beyond the `keep` newest). */
    public maxEntries: number,
    /** Bytes kept at most (beyond the `keep` newest). */
    public maxBytes: number,
    /** The newest entries that eviction never frees (a call may be using them). */
    readonly keep: number,
    private readonly free: (value: V) => void,
  ) {}

  get size(): number {
    return this.#m.size;
  }

  /** Bytes of the entries held. */
  get bytes(): number {
    return this.#bytes;
  }

  /** The value of `key` (now the most recently used), or undefined. */
  get(key: string): V | undefined {
    if (key === this.#lastKey) return this.#lastValue;
    const hit = this.#m.get(key);
    if (hit === undefined) return undefined;
    this.#m.delete(key);
    this.#m.set(key, hit);
    this.#lastKey = key;
    this.#lastValue = hit.value;
    return hit.value;
  }

  /**
   * Adds a new entry of `bytes` bytes (replacing one of the same key), then evicts down to the
   * limits, keeping at least the `keep` newest (this call may still be using them).
   */
  add(key: string, value: V, bytes: number, keep = this.keep): void {
    const old = this.#m.get(key);
    if (old !== undefined) {
      this.#m.delete(key);
      this.#bytes -= old.bytes;
      this.free(old.value);
    }
    this.#m.set(key, { value, bytes });
    this.#bytes += bytes;
    this.#lastKey = key;
    this.#lastValue = value;
    this.evict(Math.max(keep, this.keep), this.maxBytes);
  }

  /** Frees the oldest entries, keeping the `keep` newest, while over the count or `maxBytes`. */
  evict(keep: number, maxBytes: number): void {
    while (this.#m.size > keep && (this.#m.size > this.maxEntries || this.#bytes > maxBytes)) {
      const [key, e] = this.#m.entries().next().value as [string, { value: V; bytes: number }];
      this.#m.delete(key);
      if (key === this.#lastKey) {
        this.#lastKey = null;
        this.#lastValue = undefined;
      }
      this.#bytes -= e.bytes;
      this.free(e.value);
    }
  }

  /** Frees every entry. */
  clear(): void {
    this.evict(0, -1);
  }
}
