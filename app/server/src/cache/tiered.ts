import type { Representation } from "../representation.ts";
import { representationSize } from "../representation.ts";
import { LruCache } from "./lru.ts";
import type { RedisTier } from "./redis-tier.ts";
import { SingleFlight } from "./single-flight.ts";

export interface TieredCacheOptions {
  /** false: every read goes to the loader (the "caching off" side of a comparison). */
  enabled: boolean;
  lruEntries: number;
  lruBytes: number;
  /** Served as is while younger than this. */
  freshMs: number;
  /** Then served stale for this long while one background load refreshes it. */
  staleMs: number;
  redis?: RedisTier;
  /** Wall clock (ms since epoch): entries carry their load time across instances. */
  now?: () => number;
  log?: (message: string) => void;
}

export type CacheSource = "lru" | "stale" | "redis" | "origin";

interface LocalEntry {
  rep: Representation;
  storedAt: number;
  tags: readonly string[];
  /** Tag versions and epoch when the load started; a purge since then makes the entry invalid. */
  versions: readonly number[];
  epoch: number;
}

/**
 * Read-through cache in tiers: this process's LRU, then Redis, then the loader (the database).
 *
 * Invalidation is by tag (the same surrogate keys a CDN purges by): a purge bumps the tag's
 * version here, deletes the tag's entries in Redis and is published to every other instance,
 * which bumps its own versions. Entries remember the versions seen when their load *started*,
 * so a load that raced with a purge is never cached as current.
 */
export class TieredCache {
  private readonly lru: LruCache<string, LocalEntry>;
  private readonly flights = new SingleFlight<
    string,
    { rep: Representation; source: CacheSource }
  >();
  private readonly tagVersions = new Map<string, number>();
  private epoch = 0;
  private readonly now: () => number;
  /**
   * Starts as `options.enabled`; switched at run time by POST /debug/cache, so caching on vs
   * off is measured on one process. Off bypasses every tier; purges still bump tag versions,
   * so entries kept from before are never served stale once it is back on.
   */
  enabled: boolean;
  readonly stats = {
    lruHits: 0,
    staleServed: 0,
    redisHits: 0,
    loads: 0,
    refreshFailures: 0,
    purges: 0,
    remotePurges: 0,
    resyncs: 0,
  };

  constructor(private readonly options: TieredCacheOptions) {
    this.now = options.now ?? Date.now;
    this.enabled = options.enabled;
    this.lru = new LruCache<string, LocalEntry>({
      max: options.lruEntries,
      maxSize: options.lruBytes,
      sizeOf: (entry) => representationSize(entry.rep),
      ttlMs: options.freshMs + options.staleMs || undefined,
    });
  }

  /** The representation for `key`, from the nearest tier that has a valid one. */
  async get(
    key: string,
    tags: readonly string[],
    load: () => Promise<Representation>,
  ): Promise<{ rep: Representation; source: CacheSource }> {
    if (!this.enabled) {
      this.stats.loads++;
      return { rep: await load(), source: "origin" };
    }
    const entry = this.lru.get(key);
    if (entry && this.isCurrent(entry)) {
      const age = this.now() - entry.storedAt;
      if (age < this.options.freshMs) {
        this.stats.lruHits++;
        return { rep: entry.rep, source: "lru" };
      }
      if (age < this.options.freshMs + this.options.staleMs) {
        this.stats.staleServed++;
        this.flights
          .run(key, () => this.fill(key, tags, load, true))
          .catch((error: Error) => {
            this.stats.refreshFailures++;
            this.options.log?.(`background refresh of ${key} failed: ${error.message}`);
          });
        return { rep: entry.rep, source: "stale" };
      }
    }
    return this.flights.run(key, () => this.fill(key, tags, load, false));
  }

  /** Invalidate every entry carrying one of `tags`, here, in Redis and in the other instances. */
  async purge(tags: readonly string[]): Promise<void> {
    this.stats.purges++;
    this.bump(tags);
    await this.options.redis?.purge(tags);
  }

  /** Another instance purged `tags`. */
  applyRemotePurge(tags: readonly string[]): void {
    this.stats.remotePurges++;
    this.bump(tags);
  }

  /** Purges may have been missed (Redis was down): nothing cached locally can be trusted. */
  resync(): void {
    this.stats.resyncs++;
    this.epoch++;
    this.lru.clear();
  }

  get joinedFlights(): number {
    return this.flights.joined;
  }

  get entries(): { count: number; bytes: number } {
    return { count: this.lru.size, bytes: this.lru.totalSize };
  }

  private bump(tags: readonly string[]): void {
    for (const tag of tags) this.tagVersions.set(tag, (this.tagVersions.get(tag) ?? 0) + 1);
  }

  private versionsOf(tags: readonly string[]): number[] {
    return tags.map((tag) => this.tagVersions.get(tag) ?? 0);
  }

  private isCurrent(entry: LocalEntry): boolean {
    if (entry.epoch !== this.epoch) return false;
    for (let i = 0; i < entry.tags.length; i++) {
      if ((this.tagVersions.get(entry.tags[i] as string) ?? 0) !== entry.versions[i]) return false;
    }
    return true;
  }

  private async fill(
    key: string,
    tags: readonly string[],
    load: () => Promise<Representation>,
    refreshing: boolean,
  ): Promise<{ rep: Representation; source: CacheSource }> {
    const versions = this.versionsOf(tags);
    const epoch = this.epoch;
    const redis = this.options.redis;
    // A refresh of a stale entry must skip Redis, which may hold the same stale copy.
    if (redis && !refreshing) {
      const stored = await redis.get(key);
      if (stored && this.now() - stored.storedAt < this.options.freshMs) {
        this.stats.redisHits++;
        this.remember(key, { rep: stored.rep, storedAt: stored.storedAt, tags, versions, epoch });
        return { rep: stored.rep, source: "redis" };
      }
    }
    this.stats.loads++;
    const rep = await load();
    const entry: LocalEntry = { rep, storedAt: this.now(), tags, versions, epoch };
    if (this.isCurrent(entry)) {
      this.remember(key, entry);
      void redis?.set(
        key,
        { rep, storedAt: entry.storedAt },
        tags,
        this.options.freshMs + this.options.staleMs,
      );
    }
    return { rep, source: "origin" };
  }

  private remember(key: string, entry: LocalEntry): void {
    if (representationSize(entry.rep) <= this.options.lruBytes) this.lru.set(key, entry);
  }
}
