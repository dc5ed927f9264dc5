import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../config.ts";
import { type RunningApp, startApp } from "../server.ts";

let dist: string;
let app: RunningApp;
beforeAll(async () => {
  dist = await mkdtemp(path.join(os.tmpdir(), "perfgate-dist-"));
  await mkdir(path.join(dist, "assets"));
  await writeFile(path.join(dist, "index.html"), "<!doctype html><title>t</title>");
  await writeFile(
    path.join(dist, "assets", "index-abcdef12.js"),
    "console.log('hello');".repeat(50),
  );
  app = await startApp(
    loadConfig({
      PERFGATE_APP_WEB_DIST: dist,
      PERFGATE_APP_SEED_PRODUCTS: "2000",
      PERFGATE_APP_WORKERS: "1",
      REDIS_URL: "off",
    }),
    () => {},
  );
});
afterAll(async () => {
  await app.close();
  await rm(dist, { recursive: true, force: true });
});

describe("static web app", () => {
  it("serves hashed assets immutable and compressed by Accept-Encoding", async () => {
    const response = await fetch(`${app.url}/assets/index-abcdef12.js`, {
      headers: { "accept-encoding": "gzip" },
    });
    expect(response.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(response.headers.get("vary")).toBe("Accept-Encoding");
    expect(response.headers.get("content-encoding")).toBe("gzip");
    // fetch decodes the gzip body itself; the header above shows what went over the wire.
    expect(await response.text()).toContain("hello");
  });

  it("serves the HTML shell for app routes with no-cache, COOP/COEP and a working ETag", async () => {
    const first = await fetch(`${app.url}/dashboard`);
    expect(first.status).toBe(200);
    expect(first.headers.get("cache-control")).toBe("no-cache");
    expect(first.headers.get("cross-origin-embedder-policy")).toBe("require-corp");
    const etag = first.headers.get("etag") ?? "";
    const second = await fetch(`${app.url}/`, { headers: { "if-none-match": etag } });
    expect(second.status).toBe(304);
  });

  it("answers 404 for a missing asset and leaves /api alone", async () => {
    expect((await fetch(`${app.url}/assets/nope.js`)).status).toBe(404);
    expect((await fetch(`${app.url}/api/nope`)).status).toBe(404);
  });
});

describe("vitals intake", () => {
  it("stores valid beacons and summarizes them", async () => {
    for (const value of [100, 200, 300]) {
      const response = await fetch(`${app.url}/api/vitals`, {
        method: "POST",
        body: JSON.stringify({ name: "LCP", value, id: "x" }),
      });
      expect(response.status).toBe(204);
    }
    const summary = (await (await fetch(`${app.url}/api/vitals/summary`)).json()) as Record<
      string,
      { count: number; p50: number }
    >;
    expect(summary.LCP).toMatchObject({ count: 3, p50: 200 });
  });

  it.each([
    ["not json", 400, /not JSON/],
    [JSON.stringify({ name: "XYZ", value: 1 }), 400, /name: expected one of/],
    [JSON.stringify({ name: "CLS", value: -1 }), 400, /value: expected/],
    ["x".repeat(5000), 413, /larger than/],
  ])("rejects %s with a reason", async (body, status, reason) => {
    const response = await fetch(`${app.url}/api/vitals`, { method: "POST", body });
    expect(response.status).toBe(status);
    expect(((await response.json()) as { error: string }).error).toMatch(reason);
  });
});
