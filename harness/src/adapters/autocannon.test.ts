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

  it("is errored, naming the endpoint, when the non-2xx share is above the default 1 %", () => {
    const failing = structuredClone(raw);
    failing.result.non2xx = failing.result.requests.total;
    const { suite } = normalizeAutocannon(failing);
    expect(suite.status).toBe("errored");
    expect(suite.error).toContain(`endpoint products-list (GET ${raw.options.url})`);
    expect(suite.error).toContain("100 %");
  });

  it("stays ok at or under its configured limit", () => {
    const some = structuredClone(raw);
    some.result.non2xx = Math.floor(raw.result.requests.total * 0.01);
    expect(normalizeAutocannon(some).suite.status).toBe("ok");
    some.result.non2xx = Math.ceil(raw.result.requests.total * 0.05);
    expect(normalizeAutocannon(some).suite.status).toBe("errored");
    some.options.maxErrorShare = 0.1;
    expect(normalizeAutocannon(some).suite.status).toBe("ok");
  });
});
