import { z } from "zod";
import { HttpError, type Routes, sendJson } from "../http.ts";
import { parseWith, readJson } from "../lib/body.ts";
import type { AppServices } from "../services.ts";

const MAX_ITEMS = 10_000;
const jobInput = z
  .strictObject({
    kind: z.literal("thumbnails"),
    ids: z.array(z.number().int().min(1).max(2_147_483_647)).min(1).max(MAX_ITEMS).optional(),
    from: z.number().int().min(1).max(2_147_483_647).optional(),
    count: z.number().int().min(1).max(MAX_ITEMS).optional(),
    size: z.number().int().min(16).max(512).default(64),
  })
  .refine(
    (job) => (job.ids === undefined) !== (job.from === undefined || job.count === undefined),
    {
      message: "expected either ids, or from and count",
    },
  );

const NO_STORE = { "cache-control": "no-store" };

function jobId(params: Readonly<Record<string, string>>): string {
  const id = params.id ?? "";
  if (!/^[0-9a-f-]{36}$/.test(id))
    throw new HttpError(400, `id: expected a job id (uuid), got "${id.slice(0, 40)}"`);
  return id;
}

/**
 * Batch jobs: submit -> 202 with the job's URL; progress by polling or Server-Sent Events;
 * DELETE cancels.
 */
export function createJobRoutes(app: AppServices): Routes {
  const { jobs } = app;
  const found = (id: string) => {
    const view = jobs.get(id);
    if (!view)
      throw new HttpError(404, `id: no job ${id} (finished jobs are kept for the last 100)`);
    return view;
  };
  return {
    "POST /api/jobs": async (req, res) => {
      const input = parseWith(jobInput, await readJson(req, 256 * 1024));
      const { ids, from = 1, count = 0 } = input;
      const items = ids ?? Array.from({ length: count }, (_, i) => from + i);
      const view = jobs.submit(items, input.size);
      sendJson(res, 202, view, { location: `/api/jobs/${view.id}`, ...NO_STORE });
    },
    "GET /api/jobs/:id": (_req, res, { params }) => {
      sendJson(res, 200, found(jobId(params)), NO_STORE);
    },
    "DELETE /api/jobs/:id": (_req, res, { params }) => {
      const id = jobId(params);
      found(id);
      sendJson(res, 200, jobs.cancel(id), NO_STORE);
    },
    "GET /api/jobs/:id/events": (req, res, { params }) => {
      const id = jobId(params);
      const first = found(id);
      res.writeHead(200, {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-store",
        connection: "keep-alive",
        // Proxies (nginx) must not buffer a progress stream.
        "x-accel-buffering": "no",
      });
      const send = (view: typeof first) => {
        const finished = view.state !== "running";
        res.write(`event: ${finished ? "done" : "progress"}\ndata: ${JSON.stringify(view)}\n\n`);
        if (finished) {
          unsubscribe();
          res.end();
        }
      };
      const unsubscribe = jobs.subscribe(id, send);
      req.on("close", unsubscribe);
      send(first);
    },
  };
}
