import { z } from "zod";
import { type Routes, sendJson } from "../http.ts";
import { parseWith, readJson } from "../lib/body.ts";
import type { AppServices } from "../services.ts";

const FaultSwitches = z
  .object({
    /** Extra latency per database query, 0 switches the slow database off. */
    dbDelayMs: z.number().int().min(0).max(60_000),
  })
  .strict();

/**
 * Test-only runtime fault switches (PERFGATE_APP_DEBUG=on), for the harness's faults profile:
 * a slow database is switched on for a window and off again while the load keeps running,
 * which the startup flag PERFGATE_APP_DB_DELAY_MS alone cannot do.
 */
export function createFaultRoutes(app: AppServices): Routes {
  return {
    "GET /debug/faults": async (_req, res) => {
      sendJson(res, 200, { dbDelayMs: app.db.delayMs }, { "cache-control": "no-store" });
    },
    "POST /debug/faults": async (req, res) => {
      const switches = parseWith(FaultSwitches, await readJson(req, 1024));
      const previous = app.db.delayMs;
      app.db.delayMs = switches.dbDelayMs;
      if (previous !== switches.dbDelayMs)
        app.log(`fault injection: database delay ${previous} -> ${switches.dbDelayMs} ms`);
      sendJson(res, 200, { dbDelayMs: app.db.delayMs }, { "cache-control": "no-store" });
    },
  };
}
