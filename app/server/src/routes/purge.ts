import { z } from "zod";
import { type Routes, sendJson } from "../http.ts";
import { parseWith, readJson } from "../lib/body.ts";
import type { AppServices } from "../services.ts";

const purgeInput = z.strictObject({
  keys: z
    .array(
      z.string().regex(/^[a-z0-9][a-z0-9:-]{0,63}$/, "expected a surrogate key like product-42"),
    )
    .min(1)
    .max(100),
});

/**
 * The purge path: every tier that may hold a response carrying one of these surrogate keys
 * drops it — this instance's LRU, Redis, the other instances (pub/sub) and, when configured,
 * the CDN in front (Varnish xkey takes `PURGE` with an `xkey-purge` header).
 */
export function createPurgeRoutes(app: AppServices): Routes {
  return {
    "POST /api/purge": async (req, res) => {
      const { keys } = parseWith(purgeInput, await readJson(req, 16 * 1024));
      await app.cache.purge(keys);
      const cdn = await app.purgeCdn(keys);
      sendJson(res, 200, { purged: keys, cdn }, { "cache-control": "no-store" });
    },
  };
}
