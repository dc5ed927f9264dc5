import type { IncomingMessage } from "node:http";
import { type Routes, sendError, sendJson } from "../http.ts";

const NAMES = new Set(["CLS", "FCP", "INP", "LCP", "TTFB", "LONGTASK", "RESOURCE"]);
const MAX_BODY = 4096;
/** Per metric, the most recent beacons: field data stays bounded however long the app runs. */
const MAX_PER_METRIC = 5000;

async function readBody(req: IncomingMessage): Promise<string | undefined> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).byteLength;
    if (size > MAX_BODY) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  const i = (sorted.length - 1) * q;
  const lo = Math.floor(i);
  const hi = Math.ceil(i);
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (i - lo);
}

/** Web Vitals beacon intake (`navigator.sendBeacon`) and a summary of what arrived. */
export function createVitalsRoutes(): Routes {
  const values = new Map<string, number[]>();
  return {
    "POST /api/vitals": async (req, res) => {
      const text = await readBody(req);
      if (text === undefined) return sendError(res, 413, `body: larger than ${MAX_BODY} bytes`);
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        return sendError(res, 400, "body: not JSON");
      }
      // `null`, a number or an array is JSON too, and has no fields to read.
      if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed))
        return sendError(res, 400, "body: expected a JSON object {name, value}");
      const beacon = parsed as { name?: unknown; value?: unknown };
      if (typeof beacon.name !== "string" || !NAMES.has(beacon.name))
        return sendError(res, 400, `name: expected one of ${[...NAMES].join(", ")}`);
      if (typeof beacon.value !== "number" || !Number.isFinite(beacon.value) || beacon.value < 0)
        return sendError(res, 400, "value: expected a finite number >= 0");
      const list = values.get(beacon.name) ?? [];
      list.push(beacon.value);
      if (list.length > MAX_PER_METRIC) list.splice(0, list.length - MAX_PER_METRIC);
      values.set(beacon.name, list);
      res.writeHead(204, { "cache-control": "no-store" });
      res.end();
    },
    "GET /api/vitals/summary": (_req, res) => {
      const summary = Object.fromEntries(
        [...values].map(([name, list]) => {
          const sorted = [...list].sort((a, b) => a - b);
          return [
            name,
            {
              count: sorted.length,
              p50: quantile(sorted, 0.5),
              p75: quantile(sorted, 0.75),
              p95: quantile(sorted, 0.95),
            },
          ];
        }),
      );
      sendJson(res, 200, summary, { "cache-control": "no-store" });
    },
  };
}
