import { availableParallelism } from "node:os";
import path from "node:path";

/**
 * Every technique of the reference app sits behind one flag here, so a scenario can measure it
 * on vs off. Values come from the environment (PERFGATE_APP_*, plus the conventional
 * DATABASE_URL and REDIS_URL) with embedded defaults.
 */
export interface AppConfig {
  /** Loopback by default: the app is a system under test, not a public service. */
  host: string;
  /** 0 picks a free port at start; the chosen URL is announced on stdout. */
  port: number;
  /** The built web app served at `/` (PERFGATE_APP_WEB_DIST, default app/web/dist). */
  webDist: string;
  /** COOP/COEP on HTML so the page can use SharedArrayBuffer (PERFGATE_APP_COI=off disables). */
  crossOriginIsolation: boolean;
  /** Real Postgres when set (DATABASE_URL); otherwise the embedded PGlite. */
  databaseUrl: string | undefined;
  /**
   * Products in the deterministic seed (PERFGATE_APP_SEED_PRODUCTS, default 20000: a ~40 MB
   * template seeded in seconds; the full load profile seeds 100000).
   */
  seedProducts: number;
  /** Where the seeded embedded database is kept between starts (PERFGATE_APP_DB_CACHE). */
  dbCacheDir: string;
  /** Extra latency added to every database query, to inject a slow database (faults profile). */
  dbDelayMs: number;
  /** In-process LRU and Redis tiers (PERFGATE_APP_CACHE=off sends every read to the database). */
  cache: boolean;
  /** LRU capacity in entries and bytes. */
  lruEntries: number;
  lruBytes: number;
  /** How long a cached read is fresh, then how long it may be served stale while refreshing. */
  cacheFreshMs: number;
  cacheStaleMs: number;
  /** REDIS_URL; `auto` starts a local redis-server when installed; `off` disables the tier. */
  redis: { mode: "url"; url: string } | { mode: "auto" } | { mode: "off" };
  /** Compression of API responses (PERFGATE_APP_COMPRESSION=off). */
  compression: boolean;
  /** Worker threads for CPU-heavy routes. */
  workers: number;
  /** Requests waiting for a worker thread (429 beyond it); batch job chunks are not counted. */
  workerQueue: number;
  /** How long a request's worker task may take, waiting included, before it answers 503. */
  workerDeadlineMs: number;
  /** Where purges are forwarded as `PURGE` with `xkey-purge` (a Varnish with xkey, say). */
  cdnPurgeUrl: string | undefined;
  /** Test-only `/debug/*` endpoints (heap after GC, pool and cache stats). */
  debug: boolean;
  /** Deliberate leak, only to prove the leak detector: each request keeps `leakBytes`. */
  leakBytes: number;
  /** Busy CPU work added to each API response, in percent of the app's CPU time per request. */
  slowdownPct: number;
  /**
   * Shut down when stdin closes: whoever started the app holds a pipe to it, and its end closes
   * when that process dies in any way (even SIGKILL), so no app outlives its harness.
   */
  exitWithStdin: boolean;
  /** Aggregate parts that fail on purpose (fault injection; comma-separated names). */
  failParts: readonly string[];
}

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

type Env = NodeJS.ProcessEnv;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const value = env[name];
  if (value === undefined || value === "") return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
    throw new ConfigError(`${name}: expected an integer ${min}-${max}, got "${value}"`);
  }
  return parsed;
}

function onOff(env: Env, name: string, fallback: boolean): boolean {
  const value = env[name];
  if (value === undefined || value === "") return fallback;
  if (value === "on" || value === "1" || value === "true") return true;
  if (value === "off" || value === "0" || value === "false") return false;
  throw new ConfigError(`${name}: expected on or off, got "${value}"`);
}

function readRedis(env: Env): AppConfig["redis"] {
  const value = env.REDIS_URL;
  if (value === undefined || value === "" || value === "auto") return { mode: "auto" };
  if (value === "off") return { mode: "off" };
  if (!/^rediss?:\/\//.test(value)) {
    throw new ConfigError(`REDIS_URL: expected redis://host:port, "auto" or "off", got "${value}"`);
  }
  return { mode: "url", url: value };
}

const repoRoot = path.join(import.meta.dirname, "../../..");

/** Default seed size; scenarios/_lib/catalogue.ts holds the same number for k6 (config.test.ts checks). */
export const DEFAULT_SEED_PRODUCTS = 20_000;

export function loadConfig(env: Env = process.env): AppConfig {
  const cores = availableParallelism();
  return {
    host: env.PERFGATE_APP_HOST || "127.0.0.1",
    port: integer(env, "PERFGATE_APP_PORT", 0, 0, 65535),
    webDist: path.resolve(env.PERFGATE_APP_WEB_DIST || path.join(repoRoot, "app/web/dist")),
    crossOriginIsolation: onOff(env, "PERFGATE_APP_COI", true),
    databaseUrl: env.DATABASE_URL || undefined,
    seedProducts: integer(env, "PERFGATE_APP_SEED_PRODUCTS", DEFAULT_SEED_PRODUCTS, 100, 2_000_000),
    dbCacheDir: path.resolve(env.PERFGATE_APP_DB_CACHE || path.join(repoRoot, ".perf/app-db")),
    dbDelayMs: integer(env, "PERFGATE_APP_DB_DELAY_MS", 0, 0, 60_000),
    cache: onOff(env, "PERFGATE_APP_CACHE", true),
    lruEntries: integer(env, "PERFGATE_APP_LRU_ENTRIES", 10_000, 1, 10_000_000),
    lruBytes: integer(env, "PERFGATE_APP_LRU_BYTES", 64 * 1024 * 1024, 1024, 2 ** 40),
    cacheFreshMs: integer(env, "PERFGATE_APP_CACHE_FRESH_MS", 30_000, 0, 86_400_000),
    cacheStaleMs: integer(env, "PERFGATE_APP_CACHE_STALE_MS", 60_000, 0, 86_400_000),
    redis: readRedis(env),
    compression: onOff(env, "PERFGATE_APP_COMPRESSION", true),
    workers: integer(env, "PERFGATE_APP_WORKERS", Math.max(1, cores), 1, 256),
    workerQueue: integer(env, "PERFGATE_APP_WORKER_QUEUE", 64, 0, 100_000),
    workerDeadlineMs: integer(env, "PERFGATE_APP_WORKER_DEADLINE_MS", 5000, 1, 600_000),
    cdnPurgeUrl: env.PERFGATE_APP_CDN_PURGE_URL || undefined,
    debug: onOff(env, "PERFGATE_APP_DEBUG", false),
    leakBytes: integer(env, "PERFGATE_APP_LEAK_BYTES", 0, 0, 16 * 1024 * 1024),
    slowdownPct: integer(env, "PERFGATE_APP_SLOWDOWN_PCT", 0, 0, 1000),
    exitWithStdin: onOff(env, "PERFGATE_APP_EXIT_WITH_STDIN", false),
    failParts: (env.PERFGATE_APP_FAIL_PARTS ?? "")
      .split(",")
      .map((part) => part.trim())
      .filter(Boolean),
  };
}
