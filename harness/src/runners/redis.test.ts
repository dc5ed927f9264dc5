import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { startRedisProcess } from "./redis.ts";
import { detectRedis } from "./tools.ts";

const redis = await detectRedis();
if (!redis.path)
  console.warn("redis.test: skipped, redis-server is not on PATH (apt-get install redis-server)");
const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

async function ping(url: string): Promise<string> {
  const client = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on("error", () => {});
  try {
    await client.connect();
    return await client.ping();
  } finally {
    client.disconnect();
  }
}

describe.skipIf(!redis.path)("redis-server runner", () => {
  it("is killed with SIGKILL and restarts empty on the same port", async () => {
    const server = await startRedisProcess({ binary: redis.path as string });
    stops.push(server.stop);
    expect(server.url).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
    expect(await ping(server.url)).toBe("PONG");
    const writer = new Redis(server.url);
    await writer.set("k", "v");
    writer.disconnect();
    const firstPid = server.pid;
    await server.kill();
    expect(server.pid).toBeUndefined();
    await expect(ping(server.url)).rejects.toThrow(/ECONNREFUSED|Connection is closed/);
    await server.restart();
    expect(server.pid).not.toBe(firstPid);
    expect(await ping(server.url)).toBe("PONG");
    const reader = new Redis(server.url);
    expect(await reader.get("k")).toBeNull();
    reader.disconnect();
  });

  it("fails with a clear error when the port is taken", async () => {
    const first = await startRedisProcess({ binary: redis.path as string });
    stops.push(first.stop);
    await expect(
      startRedisProcess({ binary: redis.path as string, port: first.port }),
    ).rejects.toThrow(/E_REDIS_START|redis-server on port \d+/);
  });
});
