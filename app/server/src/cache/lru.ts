/** Options for {@link LruCache}. */
export interface LruCacheOptions<K, V> {
  /** Maximum number of entries; storage for this many is allocated up front. */
  max: number;
  /** Upper bound on the sum of `sizeOf` over all entries. Requires `sizeOf`. */
  maxSize?: number;
  /** Size of one entry, a non-negative finite number; counted into `totalSize`. */
  sizeOf?: (value: V, key: K) => number;
  /** Default time to live in ms for every `set`; 0 or absent means no expiry. */
  ttlMs?: number;
  /** Clock in ms for TTL; injectable so tests control time. Defaults to `performance.now`. */
  now?: () => number;
  /**
   * How long one clock reading is reused, in ms: reading the clock on every `get` cost ~30%
   * of a hit. Entries may outlive their TTL by up to this much. An unref'd timer refreshes the
   * reading, so within one long synchronous task the clock stands still (as in lru-cache).
   * Default 1 with the built-in clock, 0 (read every time) with an injected `now`.
   */
  ttlResolutionMs?: number;
}

/** Per-call options for {@link LruCache.set}. */
export interface LruSetOptions {
  /** Overrides the cache's default TTL for this entry; 0 means no expiry. */
  ttlMs?: number;
}

const defaultNow = (): number => performance.now();

function checkLimit(name: string, value: number, integer: boolean): void {
  const ok = integer ? Number.isInteger(value) && value > 0 : Number.isFinite(value) && value > 0;
  if (!ok) {
    throw new RangeError(
      `LruCache: ${name} must be a positive ${integer ? "integer" : "finite number"}, got ${value}`,
    );
  }
}

/** Smallest unsigned typed array that holds slot indices below `max` (denser, as in mnemonist). */
function pointerArray(max: number): Uint16Array | Uint32Array {
  return max <= 0x10000 ? new Uint16Array(max) : new Uint32Array(max);
}

/**
 * A least-recently-used cache bounded by entry count, total size and TTL.
 *
 * Every operation is O(1). Entries live in slots of preallocated arrays linked into a doubly
 * linked list by index (typed arrays, 16-bit up to 65,536 entries), with a free list of slots,
 * so a hit or a set allocates nothing: no node objects for the GC to trace or collect. An
 * insert into a full cache reuses the evicted slot.
 *
 * Keys are indexed by type: string keys in a null-prototype object dictionary, every other key
 * (by identity, SameValueZero) in a `Map`. V8 looks a string up in a dictionary object about
 * twice as fast as in a `Map` (microbench/lru.bench.ts: get-90-10), which is most of a hit's
 * cost; deletes from the dictionary are slower, so a cache that only inserts and evicts string
 * keys runs at mnemonist's speed, not lru-cache's (set-evict). A cache is read far more than it
 * is churned, so reads win. `9` and `"9"` stay distinct keys, as in a `Map`.
 *
 * TTL expiry is lazy: an expired entry reads as absent (`get`, `has`, `peek`) and is removed
 * when touched; until then it still counts in `size` and `totalSize` and can be evicted.
 */
export class LruCache<K, V> {
  readonly max: number;
  readonly maxSize: number;
  private readonly sizeOf: ((value: V, key: K) => number) | undefined;
  private readonly ttlMs: number;
  private readonly now: () => number;
  private readonly ttlResolutionMs: number;
  /** Last clock reading while it is fresh, else -1. */
  private cachedNow = -1;
  private readonly expireCachedNow = (): void => {
    this.cachedNow = -1;
  };
  /** Slot of each string key (a dictionary-mode object: no prototype, so any string is a key). */
  private dict: Record<string, number | undefined>;
  /** Slot of each key of any other type. */
  private readonly map = new Map<K, number>();
  private readonly keyAt: (K | undefined)[];
  private readonly valueAt: (V | undefined)[];
  private readonly next: Uint16Array | Uint32Array;
  private readonly prev: Uint16Array | Uint32Array;
  private readonly free: Uint16Array | Uint32Array;
  private sizes: Float64Array | undefined;
  /** Absolute expiry time per slot, 0 = never; allocated the first time a TTL is used. */
  private expiry: Float64Array | undefined;
  private freeTop = 0;
  /** Slots below this index have been handed out at least once. */
  private fill = 0;
  private count = 0;
  private total = 0;
  private head = 0;
  private tail = 0;

  constructor(options: LruCacheOptions<K, V>) {
    checkLimit("max", options.max, true);
    if (options.maxSize !== undefined) {
      checkLimit("maxSize", options.maxSize, false);
      if (options.sizeOf === undefined) {
        throw new TypeError("LruCache: maxSize needs sizeOf to measure each entry");
      }
    }
    if (options.ttlMs !== undefined && !(options.ttlMs >= 0 && Number.isFinite(options.ttlMs))) {
      throw new RangeError(`LruCache: ttlMs must be a finite number >= 0, got ${options.ttlMs}`);
    }
    this.max = options.max;
    this.maxSize = options.maxSize ?? Number.POSITIVE_INFINITY;
    this.sizeOf = options.sizeOf;
    this.ttlMs = options.ttlMs ?? 0;
    this.now = options.now ?? defaultNow;
    const resolution = options.ttlResolutionMs;
    if (resolution !== undefined && !(resolution >= 0 && Number.isFinite(resolution))) {
      throw new RangeError(
        `LruCache: ttlResolutionMs must be a finite number >= 0, got ${resolution}`,
      );
    }
    this.ttlResolutionMs = resolution ?? (options.now ? 0 : 1);
    this.dict = Object.create(null);
    // Array.from keeps the element kind packed, which V8 indexes faster than a holey array.
    this.keyAt = Array.from({ length: this.max }, () => undefined);
    this.valueAt = Array.from({ length: this.max }, () => undefined);
    this.next = pointerArray(this.max);
    this.prev = pointerArray(this.max);
    this.free = pointerArray(this.max);
    if (this.sizeOf !== undefined) this.sizes = new Float64Array(this.max);
    if (this.ttlMs > 0) this.expiry = new Float64Array(this.max);
  }

  /** Number of stored entries, including expired ones not yet touched. */
  get size(): number {
    return this.count;
  }

  /** Sum of `sizeOf` over stored entries (0 without `sizeOf`). */
  get totalSize(): number {
    return this.total;
  }

  /** Returns the value and marks the entry most recently used; expired entries are removed. */
  get(key: K): V | undefined {
    // The hot path, spelled out: one index lookup, a TTL check only when TTLs are in use.
    const slot = typeof key === "string" ? this.dict[key] : this.map.get(key);
    if (slot === undefined) return undefined;
    if (this.expiry !== undefined && this.isExpired(slot)) {
      this.removeSlot(slot, key);
      return undefined;
    }
    if (slot !== this.head) this.moveToHead(slot);
    return this.valueAt[slot];
  }

  /** Returns the value without changing recency. */
  peek(key: K): V | undefined {
    const slot = this.liveSlot(key);
    return slot === undefined ? undefined : this.valueAt[slot];
  }

  /** Whether a live entry exists, without changing recency. */
  has(key: K): boolean {
    return this.liveSlot(key) !== undefined;
  }

  /**
   * Inserts or replaces an entry and marks it most recently used, evicting least recently used
   * entries past `max` or `maxSize`. A value larger than `maxSize` is not stored (and any old
   * entry under the key is removed), so one oversized value cannot flush the whole cache.
   */
  set(key: K, value: V, options?: LruSetOptions): this {
    // A plain set (no sizes, no TTL) stays small enough for V8 to inline into the caller.
    if (this.sizeOf !== undefined || this.ttlMs > 0 || options !== undefined) {
      return this.setBounded(key, value, options);
    }
    let slot = typeof key === "string" ? this.dict[key] : this.map.get(key);
    if (slot !== undefined) {
      this.valueAt[slot] = value;
      if (slot !== this.head) this.moveToHead(slot);
    } else {
      slot = this.count === this.max ? this.recycleTail() : this.claimFree();
      this.keyAt[slot] = key;
      this.valueAt[slot] = value;
      this.bind(key, slot);
    }
    // An earlier set may have given the slot a TTL.
    if (this.expiry !== undefined) this.expiry[slot] = 0;
    return this;
  }

  /** `set` with sizes or a TTL to account for. */
  private setBounded(key: K, value: V, options: LruSetOptions | undefined): this {
    let size = 0;
    if (this.sizeOf !== undefined) {
      size = this.sizeOf(value, key);
      if (!(size >= 0 && Number.isFinite(size))) {
        throw new RangeError(`LruCache: sizeOf must return a finite number >= 0, got ${size}`);
      }
      if (size > this.maxSize) {
        this.delete(key);
        return this;
      }
    }
    const ttl = options?.ttlMs ?? this.ttlMs;
    let slot = this.slotOf(key);
    if (slot !== undefined) {
      this.valueAt[slot] = value;
      if (slot !== this.head) this.moveToHead(slot);
    } else {
      slot = this.count === this.max ? this.recycleTail() : this.claimFree();
      this.keyAt[slot] = key;
      this.valueAt[slot] = value;
      this.bind(key, slot);
    }
    if (this.sizes !== undefined) {
      this.total += size - (this.sizes[slot] as number);
      this.sizes[slot] = size;
      while (this.total > this.maxSize) this.removeSlot(this.tail, this.keyAt[this.tail] as K);
    }
    if (ttl > 0) {
      if (!(Number.isFinite(ttl) && ttl > 0)) {
        throw new RangeError(`LruCache: ttlMs must be a finite number >= 0, got ${ttl}`);
      }
      this.expiry ??= new Float64Array(this.max);
      this.expiry[slot] = this.clock() + ttl;
    } else if (this.expiry !== undefined) {
      this.expiry[slot] = 0;
    }
    return this;
  }

  /** Removes an entry; returns whether one was stored (expired or not). */
  delete(key: K): boolean {
    const slot = this.slotOf(key);
    if (slot === undefined) return false;
    this.removeSlot(slot, key);
    return true;
  }

  /** Removes every entry. Storage stays allocated. */
  clear(): void {
    this.dict = Object.create(null);
    this.map.clear();
    this.keyAt.fill(undefined);
    this.valueAt.fill(undefined);
    this.sizes?.fill(0);
    this.expiry?.fill(0);
    this.count = 0;
    this.total = 0;
    this.fill = 0;
    this.freeTop = 0;
  }

  /** Keys from most to least recently used, expired ones included (no recency change). */
  *keys(): IterableIterator<K> {
    for (let slot = this.head, n = this.count; n > 0; n--, slot = this.next[slot] as number) {
      yield this.keyAt[slot] as K;
    }
  }

  /** Entries from most to least recently used, expired ones included (no recency change). */
  *entries(): IterableIterator<[K, V]> {
    for (let slot = this.head, n = this.count; n > 0; n--, slot = this.next[slot] as number) {
      yield [this.keyAt[slot] as K, this.valueAt[slot] as V];
    }
  }

  private slotOf(key: K): number | undefined {
    return typeof key === "string" ? this.dict[key] : this.map.get(key);
  }

  private bind(key: K, slot: number): void {
    if (typeof key === "string") this.dict[key] = slot;
    else this.map.set(key, slot);
  }

  private unbind(key: K): void {
    if (typeof key === "string") delete this.dict[key];
    else this.map.delete(key);
  }

  /** The clock, read at most once per `ttlResolutionMs` (one unref'd timer per reading). */
  private clock(): number {
    if (this.cachedNow >= 0) return this.cachedNow;
    const now = this.now();
    if (this.ttlResolutionMs > 0) {
      this.cachedNow = now;
      setTimeout(this.expireCachedNow, this.ttlResolutionMs).unref();
    }
    return now;
  }

  /** The key's slot, or undefined when absent or expired (an expired entry is removed here). */
  private liveSlot(key: K): number | undefined {
    const slot = this.slotOf(key);
    if (slot !== undefined && this.expiry !== undefined && this.isExpired(slot)) {
      this.removeSlot(slot, key);
      return undefined;
    }
    return slot;
  }

  private isExpired(slot: number): boolean {
    const at = (this.expiry as Float64Array)[slot] as number;
    return at !== 0 && at <= this.clock();
  }

  /**
   * Full cache: the least recently used entry is evicted and its slot, moved to the head in
   * place, holds the new entry (no unlink, free-list round trip and relink, as in mnemonist).
   */
  private recycleTail(): number {
    const slot = this.tail;
    this.unbind(this.keyAt[slot] as K);
    if (this.sizes !== undefined) {
      this.total -= this.sizes[slot] as number;
      this.sizes[slot] = 0;
    }
    if (this.count > 1) this.moveToHead(slot);
    return slot;
  }

  /** A never-used or freed slot, linked in at the head (the cache is not full). */
  private claimFree(): number {
    const slot = this.freeTop > 0 ? (this.free[--this.freeTop] as number) : this.fill++;
    if (this.count > 0) {
      this.next[slot] = this.head;
      this.prev[this.head] = slot;
    } else {
      this.tail = slot;
    }
    this.head = slot;
    this.count++;
    return slot;
  }

  /**
   * Walks use `count`, not a terminator, so the tail's `next` and the head's `prev` are never
   * read. The caller has checked that `slot` is not the head.
   */
  private moveToHead(slot: number): void {
    const before = this.prev[slot] as number;
    if (slot === this.tail) {
      this.tail = before;
    } else {
      const after = this.next[slot] as number;
      this.prev[after] = before;
      this.next[before] = after;
    }
    this.next[slot] = this.head;
    this.prev[this.head] = slot;
    this.head = slot;
  }

  private removeSlot(slot: number, key: K): void {
    this.unbind(key);
    if (this.count === 1) {
      this.head = 0;
      this.tail = 0;
    } else if (slot === this.head) {
      this.head = this.next[slot] as number;
    } else if (slot === this.tail) {
      this.tail = this.prev[slot] as number;
    } else {
      const before = this.prev[slot] as number;
      const after = this.next[slot] as number;
      this.next[before] = after;
      this.prev[after] = before;
    }
    this.keyAt[slot] = undefined;
    this.valueAt[slot] = undefined;
    if (this.sizes !== undefined) {
      this.total -= this.sizes[slot] as number;
      this.sizes[slot] = 0;
    }
    this.count--;
    this.free[this.freeTop++] = slot;
  }
}
