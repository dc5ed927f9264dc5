import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningApp } from "../../../app/server/src/server.ts";
import { startTestApp } from "../../../app/server/test/start.ts";
import { switchAppFlags } from "./app-switches.ts";

let app: RunningApp;
let plain: RunningApp;
beforeAll(async () => {
  [app, plain] = await Promise.all([startTestApp(), startTestApp({ PERFGATE_APP_DEBUG: "off" })]);
});
afterAll(async () => {
  await Promise.all([app?.close(), plain?.close()]);
});

describe("switchAppFlags", () => {
  it("switches caching off on the running app and restores it", async () => {
    const restore = await switchAppFlags(app.url, { PERFGATE_APP_CACHE: "off" });
    expect(restore).toBeTypeOf("function");
    expect(app.services.cache.enabled).toBe(false);
    await restore?.();
    expect(app.services.cache.enabled).toBe(true);
  });

  it("declines flags it cannot switch, and apps without the debug routes", async () => {
    const mixed = { PERFGATE_APP_CACHE: "off", PERFGATE_APP_WORKERS: "1" };
    expect(await switchAppFlags(app.url, mixed)).toBeUndefined();
    expect(app.services.cache.enabled).toBe(true);
    expect(await switchAppFlags(plain.url, { PERFGATE_APP_CACHE: "off" })).toBeUndefined();
    expect(plain.services.cache.enabled).toBe(true);
  });
});
