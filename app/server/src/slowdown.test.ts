import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { createSlowdown, nextCostEstimate } from "./slowdown.ts";

describe("nextCostEstimate", () => {
  it("starts at the window's cost per request, without what the slowdown burned", () => {
    expect(
      nextCostEstimate(undefined, { cpuMicros: 12_000, burnedMicros: 2_000, requests: 50 }),
    ).toBe(200);
  });

  it("moves 30% of the way to each new window", () => {
    expect(
      nextCostEstimate(200, { cpuMicros: 150_000, burnedMicros: 0, requests: 500 }),
    ).toBeCloseTo(0.7 * 200 + 0.3 * 300, 9);
  });

  it("never goes below zero or divides by zero", () => {
    expect(nextCostEstimate(undefined, { cpuMicros: 10, burnedMicros: 50, requests: 0 })).toBe(0);
  });
});

describe("createSlowdown on a real server", () => {
  it("burns nothing until it has measured the app's cost, then burns on every response", async () => {
    const slowdown = createSlowdown(100);
    const server = createServer((_req, res) => {
      slowdown.apply(res);
      // Some work of the app's own, so there is a cost to measure.
      let x = 0;
      for (let i = 0; i < 20_000; i++) x += Math.sqrt(i);
      res.end(String(x));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    try {
      for (let i = 0; i < 49; i++) await (await fetch(url)).text();
      expect(slowdown.microsPerRequest).toBeUndefined();
      expect(slowdown.burnedMicros).toBe(0);
      for (let i = 0; i < 10; i++) await (await fetch(url)).text();
      expect(slowdown.microsPerRequest).toBeGreaterThan(0);
      expect(slowdown.burnedMicros).toBeGreaterThan(0);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
