import { pipeline } from "node:stream/promises";
import { getHeapSnapshot } from "node:v8";
import { type Routes, sendJson } from "../http.ts";
import { collectGarbage } from "../memory/gc.ts";
import { leakStats } from "../memory/leak.ts";
import type { AppServices } from "../services.ts";

/**
 * Test-only endpoints (PERFGATE_APP_DEBUG=on): the heap right after a full GC — the reading a
 * leak detector can trust — with the pool, cache and job figures beside it; and a worker crash
 * on demand for fault injection; and a heap snapshot for the snapshot diff.
 */
export function createDebugRoutes(app: AppServices): Routes {
  return {
    "GET /debug/memory": async (_req, res) => {
      collectGarbage();
      const memory = process.memoryUsage();
      sendJson(
        res,
        200,
        {
          heapUsedAfterGc: memory.heapUsed,
          heapTotal: memory.heapTotal,
          rss: memory.rss,
          external: memory.external,
          arrayBuffers: memory.arrayBuffers,
          cache: {
            ...app.cache.stats,
            ...app.cache.entries,
            joinedFlights: app.cache.joinedFlights,
          },
          redis: app.redis
            ? {
                state: app.redis.state,
                hits: app.redis.hits,
                misses: app.redis.misses,
                errors: app.redis.errors,
                lastError: app.redis.lastError,
              }
            : null,
          thumbnails: {
            entries: app.thumbnails.size,
            hits: app.thumbnails.hits,
            misses: app.thumbnails.misses,
            collected: app.thumbnails.collected,
          },
          pool: app.pool.stats(),
          jobs: app.jobs.stats(),
          queries: Object.fromEntries(app.db.counts),
          leak: leakStats(),
        },
        { "cache-control": "no-store" },
      );
    },
    // A V8 heap snapshot for the leak detector's diff; streamed, as it can be hundreds of MB.
    "GET /debug/heap-snapshot": async (_req, res) => {
      res.writeHead(200, {
        "content-type": "application/json; charset=utf-8",
        "cache-control": "no-store",
      });
      await pipeline(getHeapSnapshot(), res);
    },
    "POST /debug/crash-worker": async (_req, res) => {
      await app.pool.run({ kind: "crash" });
      sendJson(res, 200, { crashed: false });
    },
  };
}
