import { describe, expect, it } from "vitest";
import { jsonRepresentation } from "../representation.ts";
import { TieredCache } from "./tiered.ts";

function setup(options: Partial<ConstructorParameters<typeof TieredCache>[0]> = {}) {
  let clock = 1_000_000;
  const cache = new TieredCache({
    enabled: true,
    lruEntries: 100,
    lruBytes: 1_000_000,
    freshMs: 1000,
    staleMs: 5000,
    now: () => clock,
    ...options,
  });
  let version = 0;
  let loads = 0;
  const load = async () => {
    loads++;
    return jsonRepresentation({ version });
  };
  const body = async (key = "k", tags = ["t"]) => {
    const { rep, source } = await cache.get(key, tags, load);
    return { value: JSON.parse(rep.body.toString()).version as number, source };
  };
  return {
    cache,
    body,
    load,
    loads: () => loads,
    setVersion: (v: number) => {
      version = v;
    },
    advance: (ms: number) => {
      clock += ms;
    },
  };
}

describe("TieredCache (in-process tier)", () => {
  it("serves fresh, then stale while one background refresh runs, then the refreshed value", async () => {
    const t = setup();
    expect(await t.body()).toEqual({ value: 0, source: "origin" });
    expect(await t.body()).toEqual({ value: 0, source: "lru" });
    t.setVersion(1);
    t.advance(1500);
    const [first, second] = await Promise.all([t.body(), t.body()]);
    expect(first).toEqual({ value: 0, source: "stale" });
    expect(second).toEqual({ value: 0, source: "stale" });
    await new Promise((resolve) => setImmediate(resolve));
    expect(t.loads()).toBe(2);
    expect(await t.body()).toEqual({ value: 1, source: "lru" });
    t.advance(7000);
    expect((await t.body()).source).toBe("origin");
  });

  it("a purge invalidates entries carrying the tag, and only those", async () => {
    const t = setup();
    await t.body("a", ["product-1", "products"]);
    await t.body("b", ["product-2"]);
    await t.cache.purge(["product-1"]);
    expect((await t.body("a", ["product-1", "products"])).source).toBe("origin");
    expect((await t.body("b", ["product-2"])).source).toBe("lru");
  });

  it("never caches a load that raced with a purge", async () => {
    const t = setup();
    let release: () => void = () => {};
    const slow = t.cache.get("k", ["t"], async () => {
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      return jsonRepresentation({ version: "old" });
    });
    await new Promise((resolve) => setImmediate(resolve));
    await t.cache.purge(["t"]);
    release();
    expect((await slow).source).toBe("origin");
    expect((await t.body()).source).toBe("origin");
  });

  it("coalesces concurrent misses into one load, and disabled means every read loads", async () => {
    const t = setup();
    const results = await Promise.all(Array.from({ length: 50 }, () => t.body("cold")));
    expect(t.loads()).toBe(1);
    expect(t.cache.joinedFlights).toBe(49);
    expect(new Set(results.map((r) => r.value))).toEqual(new Set([0]));

    const off = setup({ enabled: false });
    await Promise.all(Array.from({ length: 5 }, () => off.body("x")));
    expect(off.loads()).toBe(5);
  });

  it("a resync (purges may have been missed) drops everything local", async () => {
    const t = setup();
    await t.body("a");
    t.cache.resync();
    expect((await t.body("a")).source).toBe("origin");
  });
});
