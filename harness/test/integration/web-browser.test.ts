import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analyse, makeRows } from "../../../app/web/src/workers/rows.ts";
import { type AppProcess, startAppProcess } from "../../src/runners/app.ts";
import { runBundleBuild } from "../../src/runners/bundle.ts";
import { chromePath, launchChromium } from "../chromium.ts";

const root = path.resolve(import.meta.dirname, "../../..");
let dir: string;
let app: AppProcess;
let browser: Browser;

describe.skipIf(!chromePath)("the web app in real headless Chromium", () => {
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "perfgate-web-browser-"));
    await runBundleBuild(root, path.join(dir, "dist"));
    app = await startAppProcess({ root, env: { PERFGATE_APP_WEB_DIST: path.join(dir, "dist") } });
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("fetches a route's chunk only when navigating to it", async () => {
    // A phone-sized viewport, so the dashboard's chart starts below the fold.
    const page = await browser.newPage({ viewport: { width: 400, height: 700 } });
    const scripts: string[] = [];
    page.on("request", (request) => {
      if (request.resourceType() === "script") scripts.push(new URL(request.url()).pathname);
    });
    await page.goto(`${app.url}/`);
    await page.waitForSelector("li.card");
    expect(await page.$$eval("li.card", (cards) => cards.length)).toBe(20);
    expect(scripts.some((s) => /\/catalogue-/.test(s))).toBe(true);
    expect(scripts.some((s) => /\/dashboard-|vendor-chart/.test(s))).toBe(false);
    await page.click("a[href='/dashboard']");
    await page.waitForSelector("#chart");
    expect(scripts.some((s) => /\/dashboard-/.test(s))).toBe(true);
    // The chart is below the fold: its library loads only when it scrolls into view.
    await page.waitForTimeout(300);
    expect(scripts.some((s) => /vendor-chart/.test(s))).toBe(false);
    await page.locator("#chart").scrollIntoViewIfNeeded();
    await page.waitForSelector("#chart canvas");
    expect(scripts.some((s) => /vendor-chart/.test(s))).toBe(true);
    await page.close();
  }, 60_000);

  it("is cross-origin isolated, and the Comlink worker computes what the main thread computes", async () => {
    const page = await browser.newPage();
    await page.goto(`${app.url}/search`);
    expect(await page.evaluate(() => globalThis.crossOriginIsolated)).toBe(true);
    const text = await page.getAttribute("#search-result", "data-result", { timeout: 30_000 });
    expect(JSON.parse(text ?? "null")).toEqual(analyse(makeRows(100_000), 5_000));
    // Isolated, so the totals came back through a SharedArrayBuffer, not a message copy.
    expect(await page.getAttribute("#search-result", "data-path")).toBe("shared-memory");
    await page.close();
  }, 60_000);

  it("registers the service worker, and a second load works offline", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${app.url}/`);
    await page.waitForSelector("li.card");
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    // Once the worker controls the page, the API response is cached too (stale-while-revalidate).
    await page.reload();
    await page.waitForSelector("li.card");
    expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
    await context.setOffline(true);
    await page.reload();
    await page.waitForSelector("li.card", { timeout: 15_000 });
    expect(await page.$$eval("li.card", (cards) => cards.length)).toBe(20);
    await context.close();
  }, 60_000);

  it("sends Web Vitals beacons that arrive at the server", async () => {
    const page = await browser.newPage();
    await page.goto(`${app.url}/`);
    await page.waitForSelector("li.card");
    await page.waitForTimeout(500);
    // Leaving the page flushes the metrics web-vitals reports on visibility change (LCP, CLS).
    await page.goto("about:blank");
    await page.close();
    let summary: Record<string, { count: number }> = {};
    for (let attempt = 0; attempt < 20 && !(summary.FCP && summary.TTFB); attempt += 1) {
      summary = (await (await fetch(`${app.url}/api/vitals/summary`)).json()) as typeof summary;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(summary.FCP?.count).toBeGreaterThan(0);
    expect(summary.TTFB?.count).toBeGreaterThan(0);
  }, 60_000);
});
