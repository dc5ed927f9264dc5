import { createServer, type Server } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { AppProcess } from "./app.ts";
import { type FaultTarget, injectFault } from "./fault-steps.ts";
import { startRedisProcess } from "./redis.ts";
import { detectRedis } from "./tools.ts";

const redisTool = await detectRedis();
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** A target whose app must not be touched: these steps fail before they reach it. */
function target(redis: FaultTarget["redis"]): FaultTarget {
  const untouchable = () => {
    throw new Error("the app was not expected to be called");
  };
  return {
    app: untouchable as () => AppProcess,
    restartApp: untouchable,
    redis,
    signal: new AbortController().signal,
  };
}

describe("injectFault never throws: a failed step is an event with its reason", () => {
  it("marks the Redis fault failed when there is no redis-server", async () => {
    const event = await injectFault(
      { kind: "redis-kill", atSeconds: 0, downSeconds: 0 },
      target(undefined),
    );
    expect(event).toMatchObject({ id: "redis-kill", step: "failed" });
    expect(event.message).toMatch(/no redis-server to kill: install it/);
    expect(event.clearedAtMs).toBeGreaterThanOrEqual(event.injectedAtMs);
  });

  it.skipIf(!redisTool.path)(
    "marks it failed, naming the port, when redis-server cannot restart on it",
    async () => {
      const redis = await startRedisProcess({
        binary: redisTool.path as string,
        readyTimeoutMs: 5_000,
      });
      cleanups.push(redis.stop);
      // Something else takes the port while Redis is down: the restart must fail, not hang.
      let squatter: Server | undefined;
      const original = redis.kill;
      const withSquatter = {
        ...redis,
        kill: async () => {
          await original();
          squatter = createServer();
          await new Promise<void>((resolve) => squatter?.listen(redis.port, "127.0.0.1", resolve));
        },
      };
      cleanups.push(async () => {
        await new Promise((resolve) => (squatter ? squatter.close(resolve) : resolve(undefined)));
      });
      const event = await injectFault(
        { kind: "redis-kill", atSeconds: 0, downSeconds: 0 },
        target(withSquatter),
      );
      expect(event.step).toBe("failed");
      expect(event.message).toMatch(
        new RegExp(`redis-server did not restart: redis-server on port ${redis.port}`),
      );
    },
  );
});
