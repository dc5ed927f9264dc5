import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { expectGolden } from "../../test/golden.ts";
import { normalizeAutocannon } from "./autocannon.ts";

const raw = JSON.parse(
  readFileSync(
    path.join(import.meta.dirname, "../../test/fixtures/raw/autocannon/products-list.json"),
    "utf8",
  ),
);

describe("normalizeAutocannon on a real capture", () => {
  it("matches the golden endpoint suite", () => {
    expectGolden(
      "adapters/autocannon-products-list.json",
      `${JSON.stringify(normalizeAutocannon(raw), null, 2)}\n`,
    );
  });

  it("reports sub-millisecond latency that autocannon's own 1 ms histogram shows as 0", () => {
    const { suite } = normalizeAutocannon(raw);
    expect(raw.result.latency.p50).toBe(0);
    const latency = suite.metrics.find((m) => m.id === "latency");
    expect(latency?.summary?.median).toBeGreaterThan(0);
    expect(latency?.summary?.median).toBeLessThan(1);
    expect(latency?.summary?.n).toBe(raw.result.requests.total);
  });

  it("rates completed requests over the measured duration", () => {
    const { suite } = normalizeAutocannon(raw);
    const rate = suite.metrics.find((m) => m.id === "requests_rate")?.value ?? 0;
    expect(rate).toBeCloseTo(raw.result.requests.total / raw.result.duration, 6);
  });

  it("warns when requests failed", () => {
    const failing = structuredClone(raw);
    failing.result.non2xx = 12;
    const { warnings } = normalizeAutocannon(failing);
    expect(warnings).toEqual([
      expect.objectContaining({ code: "http-errors", suite: "products-list" }),
    ]);
  });
});
