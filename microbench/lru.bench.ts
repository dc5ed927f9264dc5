import { createRequire } from "node:module";
import { LRUCache } from "lru-cache";
import type { LRUCache as MnemonistLruType } from "mnemonist";
import { createRandom, zipfRanks } from "perfgate/workloads";
import { LruCache } from "../app/server/src/cache/lru.ts";
import { type BenchCase, type BenchHandle, defineSuite } from "./_lib/suite.ts";

// The single module, not mnemonist's index: the index loads every structure (~90 ms a process).
const MnemonistLru = createRequire(import.meta.url)(
  "mnemonist/lru-cache.js",
) as typeof MnemonistLruType;

const CAPACITY = 10_000;
const KEYSPACE = 20_000;
/** Precomputed ops: long enough that the hot set does not repeat within a timed call. */
const STREAM = 262_144;
const OPS = 8_000;
const TTL_MS = 60_000;

interface StringCache {
  get(key: string): unknown;
  set(key: string, value: number): unknown;
}

/** Map as an LRU by delete + re-set: the textbook shortcut, pathological under skew on V8. */
class NaiveMapLru implements StringCache {
  private readonly map = new Map<string, number>();
  constructor(private readonly max: number) {}
  get(key: string): number | undefined {
    const value = this.map.get(key);
    if (value === undefined) return undefined;
    this.map.delete(key);
    this.map.set(key, value);
    return value;
  }
  set(key: string, value: number): void {
    if (this.map.has(key)) this.map.delete(key);
    else if (this.map.size >= this.max) this.map.delete(this.map.keys().next().value as string);
    this.map.set(key, value);
  }
}

const IMPLEMENTATIONS: Record<string, (ttl: boolean) => StringCache> = {
  app: (ttl) => new LruCache<string, number>({ max: CAPACITY, ...(ttl ? { ttlMs: TTL_MS } : {}) }),
  "app-string-keys": (ttl) =>
    new LruCache<string, number>({
      max: CAPACITY,
      stringKeys: true,
      ...(ttl ? { ttlMs: TTL_MS } : {}),
    }),
  "lru-cache": (ttl) =>
    new LRUCache<string, number>({ max: CAPACITY, ...(ttl ? { ttl: TTL_MS } : {}) }),
  mnemonist: () => new MnemonistLru<string, number>(CAPACITY),
  "map-naive": () => new NaiveMapLru(CAPACITY),
};

interface Workload {
  /** Key for each op. */
  keys: string[];
  /** 1 = get, 0 = set, per op. */
  isGet: Uint8Array;
  /** Keys inserted before the warm-up pass. */
  preload: string[];
}

function keyNames(): string[] {
  return Array.from({ length: KEYSPACE }, (_, i) => `user:${i}`);
}

function zipfMix(seed: number, getShare: number, keyspace: number): Workload {
  const random = createRandom(seed);
  const names = keyNames();
  const ranks = zipfRanks(keyspace, 1, STREAM, random);
  const keys = Array.from(ranks, (r) => names[r] as string);
  const isGet = Uint8Array.from({ length: STREAM }, () => (random() < getShare ? 1 : 0));
  return { keys, isGet, preload: names.slice(0, CAPACITY) };
}

/** Every op a set, cycling through the whole keyspace: each one inserts and evicts. */
function setOnly(): Workload {
  const names = keyNames();
  const keys = Array.from({ length: STREAM }, (_, i) => names[i % KEYSPACE] as string);
  return { keys, isGet: new Uint8Array(STREAM), preload: [] };
}

/** Timed closure over a precomputed op stream; counts hits so the facts report the hit rate. */
function drive(cache: StringCache, workload: Workload): BenchHandle {
  const { keys, isGet } = workload;
  let pos = 0;
  let gets = 0;
  let hits = 0;
  const run = (): number => {
    let callHits = 0;
    for (let j = 0; j < OPS; j++) {
      const key = keys[pos] as string;
      if (isGet[pos] === 1) {
        gets++;
        if (cache.get(key) !== undefined) callHits++;
      } else {
        cache.set(key, pos);
      }
      if (++pos === keys.length) pos = 0;
    }
    hits += callHits;
    return callHits;
  };
  for (const key of workload.preload) cache.set(key, 0);
  // One untimed pass over the whole stream reaches the steady state before timing.
  for (let i = 0; i < keys.length / OPS; i++) run();
  gets = 0;
  hits = 0;
  return { run, facts: () => ({ hitRate: gets === 0 ? 0 : hits / gets }) };
}

function cases(ids: string[], workload: (seed: number) => Workload, ttl = false): BenchCase[] {
  return ids.map((id) => ({
    id,
    setup: ({ seed }) =>
      drive((IMPLEMENTATIONS[id] as (ttl: boolean) => StringCache)(ttl), workload(seed)),
  }));
}

const ALL = ["app", "app-string-keys", "lru-cache", "mnemonist", "map-naive"];

export default defineSuite({
  id: "lru",
  title: `LRU caches: capacity ${CAPACITY}, keyspace ${KEYSPACE}, Zipf(s=1) keys, ${OPS} ops per call`,
  groups: [
    {
      id: "get-90-10",
      title: "90% get / 10% set",
      ops: OPS,
      baseline: "lru-cache",
      subject: "app",
      cases: cases(ALL, (seed) => zipfMix(seed, 0.9, KEYSPACE)),
    },
    {
      id: "get-50-50",
      title: "50% get / 50% set",
      ops: OPS,
      baseline: "lru-cache",
      subject: "app",
      slow: true,
      cases: cases(ALL, (seed) => zipfMix(seed, 0.5, KEYSPACE)),
    },
    {
      id: "get-only",
      title: "get only, Zipf over the 10k preloaded keys (~100% hits)",
      ops: OPS,
      baseline: "lru-cache",
      subject: "app",
      slow: true,
      cases: cases(ALL, (seed) => zipfMix(seed, 1, CAPACITY)),
    },
    {
      id: "set-evict",
      title: "set only, cycling 20k keys: every set evicts",
      ops: OPS,
      baseline: "lru-cache",
      subject: "app",
      cases: cases(ALL, setOnly),
    },
    {
      id: "ttl-90-10",
      title: `90/10 with a ${TTL_MS / 1000} s TTL on every entry (clock reads, no expiry)`,
      ops: OPS,
      baseline: "lru-cache",
      subject: "app",
      cases: cases(
        ["app", "app-string-keys", "lru-cache"],
        (seed) => zipfMix(seed, 0.9, KEYSPACE),
        true,
      ),
    },
  ],
});
