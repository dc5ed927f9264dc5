import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp } from "../../test/start.ts";
import type { RunningApp } from "../server.ts";

const post = (app: RunningApp, path: string, body: unknown) =>
  fetch(`${app.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

/** Thumbnails at 512 px: hundreds of ms each, so four jobs keep the one thread busy for hours. */
const HEAVY_JOB = { kind: "thumbnails", from: 1, count: 10_000, size: 512 };

describe("thumbnails while batch jobs fill the pool (#22 P1)", () => {
  let app: RunningApp;
  const jobIds: string[] = [];
  beforeAll(async () => {
    // One thread; a deadline longer than the test so the answer shows the order, not a timeout.
    app = await startTestApp({
      PERFGATE_APP_WORKERS: "1",
      PERFGATE_APP_WORKER_DEADLINE_MS: "60000",
    });
  });
  afterAll(async () => {
    for (const id of jobIds) await fetch(`${app.url}/api/jobs/${id}`, { method: "DELETE" });
    await app?.close();
  });

  it("serves a request after at most the chunk already running", async () => {
    for (let i = 0; i < 4; i++) {
      const submitted = await post(app, "/api/jobs", HEAVY_JOB);
      expect(submitted.status).toBe(202);
      jobIds.push((await submitted.json()).id);
    }
    const fifth = await post(app, "/api/jobs", HEAVY_JOB);
    expect(fifth.status).toBe(429);
    expect((await fifth.json()).error).toMatch(/4 batch jobs already running \(limit 4\)/);
    expect(app.services.pool.stats().queuedBatch).toBeGreaterThan(0);

    const before = app.services.pool.stats().completed;
    const response = await fetch(`${app.url}/api/products/77/thumbnail?size=32`, {
      signal: AbortSignal.timeout(50_000),
    });
    expect(response.status).toBe(200);
    expect(
      Buffer.from(await response.arrayBuffer())
        .subarray(0, 2)
        .toString(),
    ).toBe("BM");
    // The chunk that held the thread, then this request: no waiting chunk went first.
    expect(app.services.pool.stats().completed - before).toBeLessThanOrEqual(2);
    for (const id of jobIds)
      expect((await (await fetch(`${app.url}/api/jobs/${id}`)).json()).state).toBe("running");
  });
});

describe("a request's worker task past its deadline", () => {
  let app: RunningApp;
  beforeAll(async () => {
    // A 1 ms deadline no render meets: every thumbnail misses it.
    app = await startTestApp({ PERFGATE_APP_WORKER_DEADLINE_MS: "1" });
  });
  afterAll(() => app?.close());

  it("answers 503 with Retry-After and a JSON reason, and the app keeps serving", async () => {
    const response = await fetch(`${app.url}/api/products/78/thumbnail?size=512`);
    expect(response.status).toBe(503);
    expect(Number(response.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect((await response.json()).error).toMatch(
      /^worker pool: thumbnail not done within its 1 ms deadline/,
    );
    expect(app.services.pool.stats().deadlineMissed).toBe(1);
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
  });
});
