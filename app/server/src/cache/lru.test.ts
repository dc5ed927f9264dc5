import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { LruCache } from "./lru.ts";

/** A deliberately simple reference: an array ordered most- to least-recently used. */
class ModelLru {
  entries: { key: number; value: string; size: number; expiry: number }[] = [];
  constructor(
    readonly max: number,
    readonly maxSize: number,
    readonly ttlMs: number,
    readonly clock: { t: number },
  ) {}
  private live(key: number): number {
    const i = this.entries.findIndex((e) => e.key === key);
    if (i === -1) return -1;
    const e = this.entries[i];
    if (e && e.expiry !== 0 && e.expiry <= this.clock.t) {
      this.entries.splice(i, 1);
      return -1;
    }
    return i;
  }
  get(key: number): string | undefined {
    const i = this.live(key);
    if (i === -1) return undefined;
    const [e] = this.entries.splice(i, 1);
    if (e) this.entries.unshift(e);
    return e?.value;
  }
  peek(key: number): string | undefined {
    const i = this.live(key);
    return i === -1 ? undefined : this.entries[i]?.value;
  }
  has(key: number): boolean {
    return this.live(key) !== -1;
  }
  delete(key: number): boolean {
    const i = this.entries.findIndex((e) => e.key === key);
    if (i !== -1) this.entries.splice(i, 1);
    return i !== -1;
  }
  set(key: number, value: string, ttl: number | undefined): void {
    const size = value.length;
    if (size > this.maxSize) {
      this.delete(key);
      return;
    }
    const effectiveTtl = ttl ?? this.ttlMs;
    const expiry = effectiveTtl > 0 ? this.clock.t + effectiveTtl : 0;
    const i = this.entries.findIndex((e) => e.key === key);
    if (i !== -1) this.entries.splice(i, 1);
    else if (this.entries.length === this.max) this.entries.pop();
    this.entries.unshift({ key, value, size, expiry });
    while (this.totalSize > this.maxSize) this.entries.pop();
  }
  get totalSize(): number {
    return this.entries.reduce((sum, e) => sum + e.size, 0);
  }
}

const op = fc.oneof(
  fc.record({ kind: fc.constant("get" as const), key: fc.nat(12) }),
  fc.record({ kind: fc.constant("peek" as const), key: fc.nat(12) }),
  fc.record({ kind: fc.constant("has" as const), key: fc.nat(12) }),
  fc.record({ kind: fc.constant("delete" as const), key: fc.nat(12) }),
  fc.record({
    kind: fc.constant("set" as const),
    key: fc.nat(12),
    value: fc.string({ maxLength: 8 }),
    ttl: fc.option(fc.nat(20), { nil: undefined }),
  }),
  fc.record({ kind: fc.constant("tick" as const), ms: fc.nat(15) }),
  fc.record({ kind: fc.constant("clear" as const) }),
);

/**
 * Model key n as a cache key of mixed types: "__proto__" and "constructor" catch a string
 * dictionary with a prototype; "9" and 9 must stay distinct (one indexed by the dictionary, one
 * by the Map); objects go by identity, NaN by SameValueZero.
 */
const SPECIAL_KEYS: unknown[] = ["__proto__", "constructor", "9", 9, { id: 1 }, { id: 1 }, NaN];
function keyOf(n: number): unknown {
  return n < SPECIAL_KEYS.length ? SPECIAL_KEYS[n] : `k${n}`;
}

describe("LruCache", () => {
  it("matches a reference model: eviction order, TTL, size accounting", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.option(fc.integer({ min: 1, max: 20 }), { nil: undefined }),
        fc.option(fc.integer({ min: 1, max: 10 }), { nil: undefined }),
        fc.array(op, { maxLength: 80 }),
        (max, maxSize, ttlMs, ops) => {
          const clock = { t: 1000 };
          const cache = new LruCache<unknown, string>({
            max,
            ...(maxSize !== undefined ? { maxSize, sizeOf: (v: string) => v.length } : {}),
            ...(ttlMs !== undefined ? { ttlMs } : {}),
            now: () => clock.t,
          });
          const model = new ModelLru(max, maxSize ?? Infinity, ttlMs ?? 0, clock);
          for (const o of ops) {
            const k = "key" in o ? keyOf(o.key) : "";
            if (o.kind === "get") expect(cache.get(k)).toBe(model.get(o.key));
            else if (o.kind === "peek") expect(cache.peek(k)).toBe(model.peek(o.key));
            else if (o.kind === "has") expect(cache.has(k)).toBe(model.has(o.key));
            else if (o.kind === "delete") expect(cache.delete(k)).toBe(model.delete(o.key));
            else if (o.kind === "set") {
              cache.set(k, o.value, o.ttl === undefined ? undefined : { ttlMs: o.ttl });
              model.set(o.key, o.value, o.ttl);
            } else if (o.kind === "tick") clock.t += o.ms;
            else {
              cache.clear();
              model.entries = [];
            }
            const modelKeys = model.entries.map((e) => keyOf(e.key));
            expect([...cache.keys()]).toEqual(modelKeys);
            expect(cache.size).toBe(model.entries.length);
            expect(cache.size).toBeLessThanOrEqual(max);
            if (maxSize !== undefined) {
              expect(cache.totalSize).toBe(model.totalSize);
              expect(cache.totalSize).toBeLessThanOrEqual(maxSize);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("evicts the least recently used entry, where a get counts as a use and a peek does not", () => {
    const cache = new LruCache<string, number>({ max: 3 });
    cache.set("a", 1).set("b", 2).set("c", 3);
    cache.get("a");
    cache.peek("b");
    cache.set("d", 4);
    expect([...cache.entries()]).toEqual([
      ["d", 4],
      ["a", 1],
      ["c", 3],
    ]);
  });

  it("keeps string and non-string keys apart and takes objects by identity", () => {
    const a = { id: 1 };
    const b = { id: 1 };
    const cache = new LruCache<object, string>({ max: 2 });
    cache.set(a, "a").set(b, "b");
    expect(cache.get(a)).toBe("a");
    expect(cache.get({ id: 1 })).toBeUndefined();
    cache.set(NaN as unknown as object, "nan");
    expect([...cache.keys()]).toEqual([NaN, a]);
    const mixed = new LruCache<unknown, string>({ max: 3 });
    mixed.set("1", "string").set(1, "number");
    expect([mixed.get("1"), mixed.get(1)]).toEqual(["string", "number"]);
    mixed.delete(1);
    expect([mixed.has("1"), mixed.has(1)]).toEqual([true, false]);
  });

  it("expires entries lazily and lets a per-set TTL override the default", () => {
    let t = 0;
    const cache = new LruCache<string, number>({ max: 4, ttlMs: 10, now: () => t });
    cache.set("short", 1).set("long", 2, { ttlMs: 100 }).set("forever", 3, { ttlMs: 0 });
    t = 10;
    expect(cache.size).toBe(3);
    expect(cache.get("short")).toBeUndefined();
    expect(cache.size).toBe(2);
    t = 1e6;
    expect(cache.has("long")).toBe(false);
    expect(cache.get("forever")).toBe(3);
  });

  it("reuses one clock reading for ttlResolutionMs, then reads again", () => {
    vi.useFakeTimers();
    try {
      let reads = 0;
      const cache = new LruCache<string, number>({
        max: 4,
        ttlMs: 10,
        ttlResolutionMs: 5,
        now: () => ++reads * 100,
      });
      cache.set("a", 1);
      expect(cache.get("a")).toBe(1);
      expect(cache.get("a")).toBe(1);
      expect(reads).toBe(1);
      vi.advanceTimersByTime(5);
      // The next reading (t=200) is past a's expiry (100 + 10).
      expect(cache.get("a")).toBeUndefined();
      expect(reads).toBe(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it("refuses a value larger than maxSize and drops the old entry under that key", () => {
    const cache = new LruCache<string, string>({ max: 5, maxSize: 4, sizeOf: (v) => v.length });
    cache.set("k", "ab").set("other", "cd");
    cache.set("k", "too long");
    expect(cache.has("k")).toBe(false);
    expect(cache.totalSize).toBe(2);
  });

  it("rejects bad options and sizes with the field named", () => {
    expect(() => new LruCache({ max: 0 })).toThrow(/max must be a positive integer/);
    expect(() => new LruCache({ max: 2, maxSize: 10 })).toThrow(/maxSize needs sizeOf/);
    expect(() => new LruCache({ max: 2, ttlMs: -1 })).toThrow(/ttlMs/);
    expect(() => new LruCache({ max: 2, ttlResolutionMs: Number.NaN })).toThrow(/ttlResolutionMs/);
    const cache = new LruCache<string, number>({ max: 2, sizeOf: (v) => v });
    expect(() => cache.set("x", Number.NaN)).toThrow(/sizeOf must return/);
  });
});
