import { z } from "zod";
import { type Routes, sendJson } from "../http.ts";
import { parseWith, readJson } from "../lib/body.ts";
import type { AppServices } from "../services.ts";

const CacheSwitch = z.object({ enabled: z.boolean() }).strict();

/**
 * Test-only run-time cache switch (PERFGATE_APP_DEBUG=on). The harness measures caching off
 * against caching on with the same process, switching here between passes: a second instance
 * started with PERFGATE_APP_CACHE=off costs a start per pass and runs with a colder JIT.
 * Only the process's own tiers are bypassed; a Redis started with the app stays connected.
 */
export function createCacheSwitchRoutes(app: AppServices): Routes {
  return {
    "GET /debug/cache": async (_req, res) => {
      sendJson(res, 200, { enabled: app.cache.enabled }, { "cache-control": "no-store" });
    },
    "POST /debug/cache": async (req, res) => {
      const { enabled } = parseWith(CacheSwitch, await readJson(req, 1024));
      if (app.cache.enabled !== enabled) app.log(`cache switched ${enabled ? "on" : "off"}`);
      app.cache.enabled = enabled;
      sendJson(res, 200, { enabled }, { "cache-control": "no-store" });
    },
  };
}
