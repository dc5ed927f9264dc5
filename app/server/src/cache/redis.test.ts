import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp } from "../../test/start.ts";
import type { RunningApp } from "../server.ts";
import { findOnPath, freeLoopbackPort, type LocalRedis, startLocalRedis } from "./redis-server.ts";

const binary = await findOnPath("redis-server");
// .ci/run and the ci workflow install redis-server; without it there is no real Redis to test
// against, so the suite skips and says why (CI or not).
if (!binary)
  console.warn("redis.test: skipped, redis-server is not on PATH (apt-get install redis-server)");
const describeRedis = describe.skipIf(!binary);

async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describeRedis("two app instances sharing Redis and a database", () => {
  let port: number;
  let redis: LocalRedis;
  let a: RunningApp;
  let b: RunningApp;
  beforeAll(async () => {
    port = await freeLoopbackPort();
    redis = await startLocalRedis(binary as string, port);
    const env = { REDIS_URL: `redis://127.0.0.1:${port}` };
    a = await startTestApp(env);
    b = await startTestApp(env, { db: a.services.db });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await redis?.stop();
  });

  const read = async (app: RunningApp, path: string) => {
    const response = await fetch(`${app.url}${path}`);
    return {
      status: response.status,
      cache: response.headers.get("x-cache"),
      body: await response.json(),
    };
  };

  it("fills Redis from one instance and serves the other from it", async () => {
    expect((await read(a, "/api/products/11")).cache).toBe("origin");
    // The Redis write is off the request path; the next read of B finds it once it landed.
    await until(
      "B to read product 11 from Redis",
      async () => (await read(b, "/api/products/11")).cache !== "origin" || false,
    );
    expect((await read(b, "/api/products/11")).cache).toBe("lru");
    expect(b.services.cache.stats.redisHits).toBeGreaterThan(0);
  });

  it("invalidates the other instance's LRU when one instance writes", async () => {
    await read(b, "/api/products/12");
    expect((await read(b, "/api/products/12")).cache).toBe("lru");
    const patch = await fetch(`${a.url}/api/products/12`, {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "Renamed on A" }),
    });
    expect(patch.status).toBe(200);
    await until(
      "B to see the write",
      async () => (await read(b, "/api/products/12")).body.name === "Renamed on A",
      3000,
    );
    expect(b.services.cache.stats.remotePurges).toBeGreaterThan(0);
  });

  it("keeps answering from the database with no 5xx while Redis is down, and recovers when it returns", async () => {
    const statuses: number[] = [];
    const traffic = (async () => {
      for (let i = 0; i < 150; i++)
        statuses.push((await read(a, `/api/products/${100 + (i % 40)}`)).status);
    })();
    await new Promise((resolve) => setTimeout(resolve, 50));
    redis.process.kill("SIGKILL");
    await traffic;
    await until("A to notice Redis is gone", () => a.services.redis?.state === "down");
    for (let i = 0; i < 20; i++) statuses.push((await read(a, `/api/products/${200 + i}`)).status);
    expect(new Set(statuses)).toEqual(new Set([200]));

    // A write while Redis is down is purged locally now and replayed in Redis when it returns.
    const patch = await fetch(`${a.url}/api/products/13`, {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ stock: 77 }),
    });
    expect(patch.status).toBe(200);

    redis = await startLocalRedis(binary as string, port);
    await until("A to reconnect", () => a.services.redis?.state === "up");
    await until("B to reconnect", () => b.services.redis?.state === "up");
    expect(a.services.cache.stats.resyncs).toBeGreaterThan(0);
    const hitsBefore = b.services.redis?.hits ?? 0;
    await read(a, "/api/products/300");
    await until("B to read through Redis again", async () => {
      await read(b, "/api/products/300");
      return (b.services.redis?.hits ?? 0) > hitsBefore;
    });
    expect((await read(b, "/api/products/13")).body.stock).toBe(77);
  });
});
