/**
 * A map with a fixed capacity that forgets its least recently used entry first: the shape of
 * every piece of state keyed by something a client chooses (operator ids, addresses, certificate
 * fingerprints). A client can then make the gateway remember at most `capacity` of its keys, however
 * many it invents (issue 19, finding 10). Pure: insertion order of a Map is the recency order.
 */
export class LruMap<K, V> {
  private readonly entries = new Map<K, V>();
  readonly capacity: number;
  private readonly onEvict: ((key: K, value: V) => void) | undefined;

  /** `onEvict` hears each entry pushed out by the capacity (not those deleted or replaced). */
  constructor(capacity: number, onEvict?: (key: K, value: V) => void) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError('an LRU map needs a capacity of at least 1');
    this.capacity = capacity;
    this.onEvict = onEvict;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The value, made the most recently used. */
  get(key: K): V | undefined {
    const value = this.entries.get(key);
    if (value === undefined) return undefined;
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  /** The value without touching its recency. */
  peek(key: K): V | undefined {
    return this.entries.get(key);
  }

  has(key: K): boolean {
    return this.entries.has(key);
  }

  /** Stores `value` as the most recently used, evicting the least recently used beyond capacity. */
  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (oldest.done === true) break;
      const evicted = this.entries.get(oldest.value) as V;
      this.entries.delete(oldest.value);
      this.onEvict?.(oldest.value, evicted);
    }
  }

  delete(key: K): boolean {
    return this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  /** Entries from the least to the most recently used. */
  [Symbol.iterator](): IterableIterator<[K, V]> {
    return this.entries[Symbol.iterator]();
  }
}
