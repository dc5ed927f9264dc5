import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import fc from "fast-check";
import { Pool } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  encodeComponent,
  type FuzzRequest,
  headers,
  readRequest,
  requestTarget,
  writeRequest,
} from "../test/http-arbitraries.ts";
import { rawRequest } from "../test/raw-http.ts";
import { startTestApp } from "../test/start.ts";
import type { RunningApp } from "./server.ts";

/**
 * The app's real HTTP handlers on loopback under arbitrary query strings, path parameters,
 * JSON bodies, headers and request targets. Whatever arrives: never a 5xx, every 4xx a JSON
 * `{error}`, a 400/409/413/415 naming the field, and the app still serving afterwards.
 *
 * Bounded for a busy 2-core machine: PERFGATE_FUZZ_RUNS cases per property (default 80) and at
 * most PERFGATE_FUZZ_SECONDS each (default 10; a property cut short passes with what it ran).
 * A failure prints fast-check's seed and path; rerun it with PERFGATE_FUZZ_SEED=<seed>, or
 * search wider with more runs and seconds.
 */
const RUNS = Number(process.env.PERFGATE_FUZZ_RUNS || 80);
const SEED = process.env.PERFGATE_FUZZ_SEED ? Number(process.env.PERFGATE_FUZZ_SEED) : undefined;
const SECONDS = Number(process.env.PERFGATE_FUZZ_SECONDS || 10);
const settings = { numRuns: RUNS, seed: SEED, interruptAfterTimeLimit: SECONDS * 1000 };

/** Fields a route names in its errors besides the query parameters and path parameters sent. */
const ALWAYS_NAMEABLE = ["query", "url", "path", "request", "body", "content-type"];
const ROUTE_FIELDS: Record<string, string[]> = {
  "/api/products": ["limit", "offset", "category", "sort", "sku", "categoryId"],
  "/api/search": ["q", "limit", "offset"],
  "/api/products/:id": ["id"],
  "/api/products/:id/thumbnail": ["id", "size"],
  "/api/dashboard": ["parts"],
  "/api/jobs": [],
  "/api/jobs/:id": ["id"],
  "/api/jobs/:id/events": ["id"],
  "/api/purge": [],
  "/api/vitals": ["name", "value"],
  "/api/vitals/summary": [],
  "/healthz": [],
};
let app: RunningApp;
let client: Pool;
let webDist: string;
beforeAll(async () => {
  // A stand-in web build, so paths outside the API reach the static handler, not "not built".
  webDist = mkdtempSync(path.join(tmpdir(), "perfgate-fuzz-web-"));
  writeFileSync(path.join(webDist, "index.html"), "<!doctype html><title>fuzz</title>");
  app = await startTestApp({ PERFGATE_APP_WEB_DIST: webDist });
  client = new Pool(app.url, { connections: 4, headersTimeout: 20_000, bodyTimeout: 20_000 });
});
afterAll(async () => {
  await client?.close();
  await app?.close();
  rmSync(webDist, { recursive: true, force: true });
});

/** The contract every answer keeps, whatever was sent. */
function checkAnswer(
  status: number,
  type: string | undefined,
  text: string,
  sent: Pick<FuzzRequest, "method" | "route" | "query">,
): void {
  const what = `${status} to ${sent.route}: ${text.slice(0, 200)}`;
  expect(status, what).toBeLessThan(500);
  // A HEAD answer has no body to hold the reason.
  if (status < 400 || sent.method === "HEAD") return;
  expect(type, what).toMatch(/^application\/json/);
  const error: unknown = JSON.parse(text).error;
  expect(typeof error, what).toBe("string");
  if (![400, 409, 413, 415].includes(status)) return;
  const fields = [
    ...ALWAYS_NAMEABLE,
    ...(ROUTE_FIELDS[sent.route] ?? []),
    ...sent.query.map((param) => param.name.slice(0, 40)),
  ];
  const named =
    fields.some((field) => (error as string).startsWith(`${field}: `)) ||
    /^body\..*: /s.test(error as string);
  expect(named, `error names no field: ${what}`).toBe(true);
}

/** Sends one request (its answer uncompressed, so an error can be read) and checks the answer. */
async function send(
  request: FuzzRequest,
  requestHeaders: Record<string, string>,
  body?: Uint8Array,
) {
  const { "accept-encoding": _, ...rest } = requestHeaders;
  const response = await client.request({
    method: request.method,
    path: request.path,
    headers: rest,
    ...(body ? { body } : {}),
  });
  const text = await response.body.text();
  const type = response.headers["content-type"];
  checkAnswer(response.statusCode, Array.isArray(type) ? type[0] : type, text, request);
  return { status: response.statusCode, text };
}

describe("the app's HTTP inputs under arbitrary input (fast-check)", () => {
  it("answers any query string, path parameter and headers without a 5xx", async () => {
    await fc.assert(
      fc.asyncProperty(readRequest, headers, async (request, requestHeaders) => {
        await send(request, requestHeaders);
      }),
      settings,
    );
  });

  it("answers any body, content type and headers without a 5xx", async () => {
    await fc.assert(
      fc.asyncProperty(writeRequest, headers, async (request, requestHeaders) => {
        const answer = await send(request, requestHeaders, request.body);
        // A job that was accepted is cancelled at once: the fuzzer must not fill the pool.
        if (request.route === "/api/jobs" && answer.status === 202) {
          const id = encodeComponent(JSON.parse(answer.text).id);
          const cancel = {
            method: "DELETE",
            route: "/api/jobs/:id",
            path: `/api/jobs/${id}`,
            query: [],
          };
          expect((await send(cancel, {})).status).toBe(200);
        }
      }),
      settings,
    );
  });

  it("answers any request target, absolute-form and malformed ones too", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("GET", "HEAD", "POST", "DELETE", "OPTIONS", "PURGE"),
        requestTarget,
        async (method, requestTargetText) => {
          const response = await rawRequest(app.url, `${method} ${requestTargetText} HTTP/1.1`);
          checkAnswer(response.status, response.headers["content-type"], response.body, {
            method,
            route: requestTargetText,
            query: [],
          });
        },
      ),
      settings,
    );
  });

  it("is still up and serving afterwards", async () => {
    const health = await fetch(`${app.url}/healthz`);
    expect(health.status).toBe(200);
    expect((await fetch(`${app.url}/api/products/42`)).status).toBe(200);
    expect(app.server.listening).toBe(true);
  });
});
