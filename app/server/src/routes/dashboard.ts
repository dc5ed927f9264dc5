import { DASHBOARD_PARTS, type DashboardPart } from "../db/dashboard-parts.ts";
import { HttpError, type Routes } from "../http.ts";
import { mapSettled } from "../lib/settle.ts";
import {
  bytesRepresentation,
  JSON_TYPE,
  jsonRepresentation,
  serveRepresentation,
} from "../representation.ts";
import type { AppServices } from "../services.ts";

const PART_NAMES = Object.keys(DASHBOARD_PARTS) as DashboardPart[];
/** Sub-queries in flight at once: the embedded database runs one at a time anyway, Postgres a few. */
const CONCURRENCY = 3;
const PART_TIMEOUT_MS = 5000;
/**
 * Names a `parts` list may hold, repeats included. Repeats are dropped (the answer is an object
 * keyed by part, so a part can appear in it once), and a list far longer than there are parts
 * is a broken client, refused before it costs anything.
 */
const MAX_LISTED = 4 * PART_NAMES.length;

/** The requested parts, each once, in first-mention order; every `parts=` parameter counts. */
function requestedParts(url: URL): DashboardPart[] {
  const given = url.searchParams.getAll("parts");
  if (given.length === 0) return PART_NAMES;
  const listed = given.flatMap((value) => value.split(",")).map((p) => p.trim());
  if (listed.length > MAX_LISTED) {
    throw new HttpError(
      400,
      `parts: ${listed.length} names listed (at most ${MAX_LISTED}); expected some of ${PART_NAMES.join(", ")}`,
    );
  }
  const unknown = listed.filter((p) => !PART_NAMES.includes(p as DashboardPart));
  if (unknown.length > 0) {
    const named = unknown.map((p) => (p === "" ? "(empty)" : p.slice(0, 40))).join(", ");
    throw new HttpError(400, `parts: unknown ${named}; expected some of ${PART_NAMES.join(", ")}`);
  }
  return [...new Set(listed as DashboardPart[])];
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * The aggregate endpoint: one request fans out to N sub-queries (each cached on its own) with
 * bounded concurrency; the answer lists every part's outcome, so a failed part degrades the
 * page instead of failing it. Only when every part fails is the answer a 503.
 */
export function createDashboardRoutes(app: AppServices): Routes {
  return {
    "GET /api/dashboard": async (req, res, { url }) => {
      const parts = requestedParts(url);
      const outcomes = await mapSettled(parts, CONCURRENCY, async (part) => {
        if (app.config.failParts.includes(part)) throw new Error(`${part} failed (injected fault)`);
        const { rep } = await withTimeout(
          app.cache.get(`dashboard:${part}`, ["products", "orders"], async () =>
            jsonRepresentation(await DASHBOARD_PARTS[part](app.db)),
          ),
          PART_TIMEOUT_MS,
          part,
        );
        return rep.body;
      });
      // Assembled from the parts' cached bytes: a cached part is never parsed or re-serialised.
      const pieces: Buffer[] = [];
      let failed = 0;
      outcomes.forEach((outcome, i) => {
        const name = JSON.stringify(parts[i]);
        const separator = i === 0 ? "" : ",";
        if (outcome.status === "fulfilled") {
          pieces.push(
            Buffer.from(`${separator}${name}:{"status":"ok","data":`),
            outcome.value,
            Buffer.from("}"),
          );
        } else {
          failed++;
          const error = JSON.stringify((outcome.reason as Error).message);
          pieces.push(Buffer.from(`${separator}${name}:{"status":"error","error":${error}}`));
        }
      });
      const body = Buffer.concat([
        Buffer.from('{"parts":{'),
        ...pieces,
        Buffer.from(`},"failed":${failed}}`),
      ]);
      serveRepresentation(req, res, bytesRepresentation(body, JSON_TYPE), {
        cacheControl: "private, no-cache",
        compression: app.config.compression,
        status: failed === parts.length ? 503 : 200,
      });
    },
  };
}
