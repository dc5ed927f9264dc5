import { JobStore } from "./batch/jobs.ts";
import { findOnPath, type LocalRedis, startLocalRedis } from "./cache/redis-server.ts";
import { RedisTier } from "./cache/redis-tier.ts";
import { TieredCache } from "./cache/tiered.ts";
import { WeakCache } from "./cache/weak-cache.ts";
import type { AppConfig } from "./config.ts";
import { type Database, openDatabase } from "./db/database.ts";
import type { Representation } from "./representation.ts";
import { WorkerPool } from "./workers/pool.ts";

/** Everything the routes share, built once per app instance and closed together. */
export interface AppServices {
  config: AppConfig;
  db: Database;
  cache: TieredCache;
  redis: RedisTier | undefined;
  pool: WorkerPool;
  jobs: JobStore;
  /** Rendered thumbnails: large, derived, recomputable, so only weakly held. */
  thumbnails: WeakCache<string, Representation>;
  log(message: string): void;
  /** Forward a purge to the CDN (`PURGE` with `xkey-purge`, as Varnish xkey takes it). */
  purgeCdn(keys: readonly string[]): Promise<string>;
  close(): Promise<void>;
}

async function forwardPurge(url: string | undefined, keys: readonly string[]): Promise<string> {
  if (!url) return "no CDN configured";
  try {
    const response = await fetch(url, {
      method: "PURGE",
      headers: { "xkey-purge": keys.join(" ") },
      signal: AbortSignal.timeout(2000),
    });
    await response.body?.cancel();
    return response.ok ? "purged" : `CDN answered ${response.status}`;
  } catch (error) {
    return `CDN unreachable: ${(error as Error).message}`;
  }
}

async function connectRedis(config: AppConfig, log: (m: string) => void) {
  if (!config.cache || config.redis.mode === "off") return { url: undefined, local: undefined };
  if (config.redis.mode === "url") return { url: config.redis.url, local: undefined };
  const binary = await findOnPath("redis-server");
  if (!binary) {
    log("redis-server not installed and REDIS_URL not set: caching in process only");
    return { url: undefined, local: undefined };
  }
  const local: LocalRedis = await startLocalRedis(binary);
  log(`started a local redis-server at ${local.url}`);
  return { url: local.url, local };
}

/** Parts an embedder provides instead of the app opening its own. */
export interface SharedParts {
  /** A database owned by the caller (not closed with the app): two instances on one database. */
  db?: Database;
}

export async function createServices(
  config: AppConfig,
  log: (message: string) => void,
  shared: SharedParts = {},
): Promise<AppServices> {
  const [dbResult, redisResult] = await Promise.allSettled([
    shared.db ?? openDatabase(config),
    connectRedis(config, log),
  ]);
  if (dbResult.status === "rejected" || redisResult.status === "rejected") {
    // Never leave half a start behind: a started redis-server or open database is closed.
    if (dbResult.status === "fulfilled" && !shared.db) await dbResult.value.close();
    if (redisResult.status === "fulfilled") await redisResult.value.local?.stop();
    throw dbResult.status === "rejected"
      ? dbResult.reason
      : (redisResult as PromiseRejectedResult).reason;
  }
  const db = dbResult.value;
  const redisTarget = redisResult.value;
  let cache: TieredCache | undefined;
  const redis = redisTarget.url
    ? new RedisTier(redisTarget.url, {
        onInvalidate: (tags) => cache?.applyRemotePurge(tags),
        onResync: () => cache?.resync(),
        log,
      })
    : undefined;
  await redis?.ready(2000);
  cache = new TieredCache({
    enabled: config.cache,
    lruEntries: config.lruEntries,
    lruBytes: config.lruBytes,
    freshMs: config.cacheFreshMs,
    staleMs: config.cacheStaleMs,
    redis,
    log,
  });
  const pool = new WorkerPool({
    threads: config.workers,
    maxQueue: config.workerQueue,
    deadlineMs: config.workerDeadlineMs,
  });
  const jobs = new JobStore(pool, {
    maxJobs: 100,
    maxRunning: 4,
    // ~10 renders of 128 px, about half a second a chunk: the longest a request waits behind a job.
    chunkSize: 10,
    concurrency: config.workers,
  });
  return {
    config,
    db,
    cache,
    redis,
    pool,
    jobs,
    thumbnails: new WeakCache(),
    log,
    purgeCdn: async (keys) => {
      const outcome = await forwardPurge(config.cdnPurgeUrl, keys);
      if (config.cdnPurgeUrl && outcome !== "purged")
        log(`CDN purge of ${keys.join(" ")}: ${outcome}`);
      return outcome;
    },
    // Dependents first: jobs use the pool; the cache uses Redis.
    close: async () => {
      jobs.close();
      await pool.close();
      await redis?.close();
      await redisTarget.local?.stop();
      if (!shared.db) await db.close();
    },
  };
}
