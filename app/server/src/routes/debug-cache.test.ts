import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp } from "../../test/start.ts";
import type { RunningApp } from "../server.ts";

let app: RunningApp;
let plain: RunningApp;
beforeAll(async () => {
  [app, plain] = await Promise.all([startTestApp(), startTestApp({ PERFGATE_APP_DEBUG: "off" })]);
});
afterAll(async () => {
  await Promise.all([app?.close(), plain?.close()]);
});

const setCache = (target: RunningApp, body: unknown) =>
  fetch(`${target.url}/debug/cache`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

async function source(path: string): Promise<string | null> {
  const response = await fetch(`${app.url}${path}`);
  expect(response.status).toBe(200);
  await response.arrayBuffer();
  return response.headers.get("x-cache");
}

describe("POST /debug/cache", () => {
  it("switches the cache off and on at run time without a restart", async () => {
    expect(await (await fetch(`${app.url}/debug/cache`)).json()).toEqual({ enabled: true });
    await source("/api/products/11");
    expect(await source("/api/products/11")).toBe("lru");

    const off = await setCache(app, { enabled: false });
    expect(await off.json()).toEqual({ enabled: false });
    expect(await source("/api/products/11")).toBe("origin");
    expect(await source("/api/products/11")).toBe("origin");

    await setCache(app, { enabled: true });
    expect(await source("/api/products/11")).toBe("lru");
  });

  it("refuses a malformed switch and is absent without PERFGATE_APP_DEBUG", async () => {
    expect((await setCache(app, { enabled: "no" })).status).toBe(400);
    expect((await setCache(plain, { enabled: false })).status).toBe(404);
  });
});
