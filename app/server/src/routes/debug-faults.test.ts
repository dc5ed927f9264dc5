import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp } from "../../test/start.ts";
import type { RunningApp } from "../server.ts";

let app: RunningApp;
let plain: RunningApp;
beforeAll(async () => {
  // Cache off: every read reaches the database, so the delay shows on each request.
  [app, plain] = await Promise.all([
    startTestApp({ PERFGATE_APP_CACHE: "off" }),
    startTestApp({ PERFGATE_APP_DEBUG: "off" }),
  ]);
});
afterAll(async () => {
  await Promise.all([app?.close(), plain?.close()]);
});

const setDelay = (target: RunningApp, body: unknown) =>
  fetch(`${target.url}/debug/faults`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

async function timedRead(): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${app.url}/api/products/7`);
  expect(response.status).toBe(200);
  await response.arrayBuffer();
  return performance.now() - started;
}

describe("POST /debug/faults", () => {
  it("switches a slow database on and off at run time", async () => {
    expect(await (await fetch(`${app.url}/debug/faults`)).json()).toEqual({ dbDelayMs: 0 });
    const on = await setDelay(app, { dbDelayMs: 150 });
    expect(on.status).toBe(200);
    expect(await on.json()).toEqual({ dbDelayMs: 150 });
    expect(app.services.db.delayMs).toBe(150);
    // A sleep is a lower bound: every query now waits at least the delay.
    expect(await timedRead()).toBeGreaterThanOrEqual(150);
    expect(await (await setDelay(app, { dbDelayMs: 0 })).json()).toEqual({ dbDelayMs: 0 });
    expect(app.services.db.delayMs).toBe(0);
  });

  it("rejects a bad switch with the field named, leaving the delay unchanged", async () => {
    const bad = await setDelay(app, { dbDelayMs: -5 });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toMatch(/body\.dbDelayMs/);
    const unknown = await setDelay(app, { dbDelayMs: 5, redis: "down" });
    expect(unknown.status).toBe(400);
    expect(app.services.db.delayMs).toBe(0);
  });

  it("does not exist unless PERFGATE_APP_DEBUG is on", async () => {
    expect((await setDelay(plain, { dbDelayMs: 100 })).status).toBe(404);
    expect(plain.services.db.delayMs).toBe(0);
  });
});
