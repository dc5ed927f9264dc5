import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { Pool } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp } from "../test/start.ts";
import type { RunningApp } from "./server.ts";

let app: RunningApp;
beforeAll(async () => {
  // 30 ms per query: a cold load lasts long enough that a burst of requests really overlaps it.
  // A long worker deadline: the queue-bound test is about 429s, not 503s on a loaded machine.
  app = await startTestApp({
    PERFGATE_APP_DB_DELAY_MS: "30",
    PERFGATE_APP_WORKER_QUEUE: "2",
    PERFGATE_APP_WORKER_DEADLINE_MS: "60000",
  });
});
afterAll(() => app?.close());

const get = (path: string, headers: Record<string, string> = {}) =>
  fetch(`${app.url}${path}`, { headers });
const send = (method: string, path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${app.url}${path}`, {
    method,
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });

describe("catalogue API", () => {
  it("lists, pages, searches and reads the deterministic seed", async () => {
    const list = await (await get("/api/products?limit=3&offset=40")).json();
    expect(list.items.map((p: { id: number }) => p.id)).toEqual([41, 42, 43]);
    expect(list.hasMore).toBe(true);
    const detail = await (await get("/api/products/42")).json();
    expect(detail).toMatchObject({
      id: 42,
      sku: "SKU-0000042",
      name: "Red Drone 42",
      categoryId: 3,
    });
    const search = await (await get("/api/search?q=red%20drone&limit=5")).json();
    expect(search.items.length).toBeGreaterThan(0);
    for (const item of search.items) expect(item.name).toMatch(/^Red Drone/);
    const cheapest = await (await get("/api/products?category=3&sort=price&limit=5")).json();
    const prices = cheapest.items.map((p: { priceCents: number }) => p.priceCents);
    expect(prices).toEqual([...prices].sort((a, b) => a - b));
  });

  it("answers 304 to a matching ETag or an unchanged If-Modified-Since", async () => {
    const first = await get("/api/products/7");
    const etag = first.headers.get("etag") as string;
    expect(etag).toMatch(/^W\/"/);
    expect(first.headers.get("cache-control")).toContain("s-maxage");
    expect(first.headers.get("surrogate-key")).toBe("product-7");
    expect((await get("/api/products/7", { "if-none-match": etag })).status).toBe(304);
    expect((await get("/api/products/7", { "if-none-match": '"other"' })).status).toBe(200);
    const lastModified = first.headers.get("last-modified") as string;
    expect((await get("/api/products/7", { "if-modified-since": lastModified })).status).toBe(304);
  });

  it("negotiates brotli, then gzip, then identity", async () => {
    const path = "/api/products?limit=50";
    const br = await get(path, { "accept-encoding": "gzip, br" });
    expect(br.headers.get("content-encoding")).toBe("br");
    expect(br.headers.get("vary")).toBe("Accept-Encoding");
    const gzip = await get(path, { "accept-encoding": "gzip, br;q=0" });
    expect(gzip.headers.get("content-encoding")).toBe("gzip");
    const identity = await get(path, { "accept-encoding": "identity" });
    expect(identity.headers.get("content-encoding")).toBeNull();
    // fetch decodes transparently; the bytes on the wire are checked through undici's raw body.
    const pool = new Pool(app.url);
    try {
      const raw = await pool.request({ path, method: "GET", headers: { "accept-encoding": "br" } });
      const bytes = Buffer.from(await raw.body.arrayBuffer());
      expect(JSON.parse(brotliDecompressSync(bytes).toString()).items).toHaveLength(50);
      const rawGzip = await pool.request({
        path,
        method: "GET",
        headers: { "accept-encoding": "gzip" },
      });
      const gz = Buffer.from(await rawGzip.body.arrayBuffer());
      expect(JSON.parse(gunzipSync(gz).toString()).items).toHaveLength(50);
    } finally {
      await pool.close();
    }
  });

  it("runs the query once for a 1,000-request stampede on a cold key", async () => {
    const path = "/api/products?limit=9&offset=777";
    const before = app.services.db.counts.get("list") ?? 0;
    const { lruHits } = app.services.cache.stats;
    const joined = app.services.cache.joinedFlights;
    const pool = new Pool(app.url, { connections: 100 });
    try {
      const statuses = await Promise.all(
        Array.from({ length: 1000 }, async () => {
          const response = await pool.request({ path, method: "GET" });
          await response.body.dump();
          return response.statusCode;
        }),
      );
      expect(new Set(statuses)).toEqual(new Set([200]));
    } finally {
      await pool.close();
    }
    expect((app.services.db.counts.get("list") ?? 0) - before).toBe(1);
    // Every other request either joined the one load or hit what it cached.
    const coalesced =
      app.services.cache.joinedFlights - joined + app.services.cache.stats.lruHits - lruHits;
    expect(coalesced).toBe(999);
    expect(app.services.cache.joinedFlights - joined).toBeGreaterThan(0);
  });

  it("creates and updates products, and a write is visible on the next read", async () => {
    const created = await send("POST", "/api/products", {
      sku: "TEST-1",
      name: "Test Lamp",
      categoryId: 2,
      priceCents: 999,
      stock: 5,
    });
    expect(created.status).toBe(201);
    const product = await created.json();
    expect(created.headers.get("location")).toBe(`/api/products/${product.id}`);
    expect(await (await get(`/api/products/${product.id}`)).json()).toMatchObject({
      name: "Test Lamp",
    });
    const cached = await get(`/api/products/${product.id}`);
    expect(cached.headers.get("x-cache")).toBe("lru");
    const patched = await send("PATCH", `/api/products/${product.id}`, { priceCents: 1234 });
    expect(patched.status).toBe(200);
    const after = await get(`/api/products/${product.id}`);
    expect(after.headers.get("x-cache")).toBe("origin");
    expect((await after.json()).priceCents).toBe(1234);
    expect(
      (
        await send("POST", "/api/products", {
          sku: "TEST-1",
          name: "x",
          categoryId: 2,
          priceCents: 1,
          stock: 1,
        })
      ).status,
    ).toBe(409);
  });

  it("purges by surrogate key", async () => {
    await get("/api/products/9");
    expect((await get("/api/products/9")).headers.get("x-cache")).toBe("lru");
    const purge = await send("POST", "/api/purge", { keys: ["product-9"] });
    expect(await purge.json()).toEqual({ purged: ["product-9"], cdn: "no CDN configured" });
    expect((await get("/api/products/9")).headers.get("x-cache")).toBe("origin");
  });
});

describe("aggregate endpoint", () => {
  it("returns every part with its own status", async () => {
    const response = await get("/api/dashboard?parts=categories,lowStock");
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.failed).toBe(0);
    expect(body.parts.categories.status).toBe("ok");
    expect(body.parts.categories.data).toHaveLength(50);
    expect(body.parts.lowStock.status).toBe("ok");
  });
});

describe("worker pool", () => {
  it("renders a thumbnail off the event loop as a BMP of the asked size", async () => {
    const response = await get("/api/products/5/thumbnail?size=40");
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toContain("immutable");
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(bytes.subarray(0, 2).toString()).toBe("BM");
    expect(bytes.readInt32LE(18)).toBe(40);
  });

  it("answers 429 with Retry-After when its queue is full, and nothing else fails", async () => {
    const responses = await Promise.all(
      Array.from({ length: 16 }, (_, i) => get(`/api/products/${1000 + i}/thumbnail?size=512`)),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses).toContain(429);
    expect(statuses.every((s) => s === 200 || s === 429)).toBe(true);
    const busy = responses.find((r) => r.status === 429) as Response;
    expect(Number(busy.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect((await busy.json()).error).toMatch(/worker pool busy/);
  });

  it("replaces a crashed worker, fails its request clearly and keeps serving", async () => {
    const crash = await fetch(`${app.url}/debug/crash-worker`, { method: "POST" });
    expect(crash.status).toBe(503);
    expect((await crash.json()).error).toMatch(/worker thread crashed/);
    expect((await get("/api/products/6/thumbnail?size=32")).status).toBe(200);
  });
});

describe("batch jobs", () => {
  it("reports progress over Server-Sent Events until done, with a digest of the result", async () => {
    const submitted = await send("POST", "/api/jobs", {
      kind: "thumbnails",
      from: 1,
      count: 120,
      size: 32,
    });
    expect(submitted.status).toBe(202);
    const job = await submitted.json();
    const stream = await get(`/api/jobs/${job.id}/events`);
    expect(stream.headers.get("content-type")).toContain("text/event-stream");
    const text = await stream.text();
    const events = [...text.matchAll(/event: (\w+)\ndata: (.*)\n\n/g)].map((m) => ({
      event: m[1],
      data: JSON.parse(m[2] as string),
    }));
    const last = events.at(-1);
    expect(last?.event).toBe("done");
    expect(last?.data).toMatchObject({ state: "done", done: 120, total: 120 });
    expect(last?.data.result.sha256).toMatch(/^[0-9a-f]{64}$/);
    const progress = events.map((e) => e.data.done);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    const polled = await (await get(`/api/jobs/${job.id}`)).json();
    expect(polled.result).toEqual(last?.data.result);
  });

  it("cancels a running job", async () => {
    const job = await (
      await send("POST", "/api/jobs", { kind: "thumbnails", from: 1, count: 5000, size: 256 })
    ).json();
    const cancelled = await fetch(`${app.url}/api/jobs/${job.id}`, { method: "DELETE" });
    expect(cancelled.status).toBe(200);
    let view = await (await get(`/api/jobs/${job.id}`)).json();
    for (let i = 0; i < 100 && view.state === "running"; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      view = await (await get(`/api/jobs/${job.id}`)).json();
    }
    expect(view.state).toBe("cancelled");
    expect(view.done).toBeLessThan(5000);
  });
});

describe("memory endpoints", () => {
  it("reads the heap after a GC with pool, cache and query figures", async () => {
    const memory = await (await get("/debug/memory")).json();
    expect(memory.heapUsedAfterGc).toBeGreaterThan(0);
    expect(memory.cache.loads).toBeGreaterThan(0);
    expect(memory.queries.list).toBeGreaterThan(0);
    expect(memory.pool.completed).toBeGreaterThan(0);
    expect(memory.leak.retainedBuffers).toBe(0);
  });
});
