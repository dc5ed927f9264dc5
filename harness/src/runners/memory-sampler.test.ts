import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { captureHeapSnapshot, startMemorySampler } from "./memory-sampler.ts";

// A real loopback server answering like the app's debug routes: heap grows 1 kB per poll;
// /debug/heap-snapshot fails halfway through its body on the second call.
let server: Server;
let baseUrl: string;
let polls = 0;
let snapshots = 0;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "perfgate-sampler-"));
  server = createServer((req, res) => {
    if (req.url === "/debug/memory") {
      polls += 1;
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ heapUsedAfterGc: 1000 * polls, rss: 5000, arrayBuffers: 7 }));
    } else if (req.url === "/debug/heap-snapshot") {
      snapshots += 1;
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"snapshot":');
      if (snapshots === 2) res.destroy();
      else res.end('{"meta":{}},"nodes":[],"strings":[]}');
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

describe("startMemorySampler", () => {
  it("records heap and RSS readings on its tick until stopped", async () => {
    // Waits for readings instead of a fixed sleep: on a busy machine 400 ms gave only 2 ticks.
    const started = performance.now();
    const sampler = startMemorySampler({ baseUrl, intervalMs: 50 });
    await vi.waitFor(() => expect(sampler.samples.length).toBeGreaterThanOrEqual(3), {
      timeout: 30_000,
      interval: 20,
    });
    const result = await sampler.stop();
    const elapsedMs = performance.now() - started;
    expect(result.samples.length).toBeGreaterThanOrEqual(3);
    expect(result.failedPolls).toBe(0);
    const [first, second] = result.samples;
    expect(first).toMatchObject({ rss: 5000, arrayBuffers: 7, external: 0, cacheBytes: 0 });
    expect((second?.heapUsedAfterGc ?? 0) - (first?.heapUsedAfterGc ?? 0)).toBe(1000);
    // One poll per 50 ms tick at most, counted against the time that really passed.
    expect(result.samples.length).toBeLessThanOrEqual(Math.floor(elapsedMs / 50) + 1);
    expect(second?.tMs).toBeGreaterThan(first?.tMs ?? 0);
    const count = result.samples.length;
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(sampler.samples).toHaveLength(count);
  });

  it("stops on its AbortSignal and keeps at most maxSamples", async () => {
    const controller = new AbortController();
    const sampler = startMemorySampler({
      baseUrl,
      intervalMs: 50,
      maxSamples: 2,
      signal: controller.signal,
    });
    await vi.waitFor(() => expect(sampler.truncated).toBe(true), { timeout: 30_000, interval: 20 });
    controller.abort();
    const result = await sampler.stop();
    expect(result.samples).toHaveLength(2);
    expect(result.truncated).toBe(true);
  });

  it("counts failed polls instead of failing when the app does not answer", async () => {
    // Port 9 (discard): nothing listens on loopback there.
    const closed = startMemorySampler({ baseUrl: "http://127.0.0.1:9", intervalMs: 50 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const result = await closed.stop();
    expect(result.samples).toEqual([]);
    expect(result.failedPolls).toBeGreaterThanOrEqual(1);
    expect(result.lastError).toBeDefined();
  });

  it("refuses a target that is not loopback before sending anything", () => {
    expect(() => startMemorySampler({ baseUrl: "http://example.com" })).toThrow(
      /target host example\.com is not loopback/,
    );
  });
});

describe("captureHeapSnapshot", () => {
  it("saves the snapshot, and leaves no file behind when the download is cut off", async () => {
    const file = path.join(dir, "raw", "a.heapsnapshot");
    const taken = await captureHeapSnapshot(baseUrl, file);
    expect(taken.bytes).toBeGreaterThan(10);
    expect(JSON.parse(await readFile(file, "utf8"))).toHaveProperty("snapshot.meta");
    await expect(
      captureHeapSnapshot(baseUrl, path.join(dir, "raw", "b.heapsnapshot")),
    ).rejects.toThrow(/heap snapshot from http:\/\/127\.0\.0\.1:\d+\/debug\/heap-snapshot failed/);
    expect(await readdir(path.join(dir, "raw"))).toEqual(["a.heapsnapshot"]);
  });
});
