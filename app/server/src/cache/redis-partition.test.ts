import { connect, createServer, type Server, type Socket } from "node:net";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jsonRepresentation } from "../representation.ts";
import { findOnPath, type LocalRedis, startLocalRedis } from "./redis-server.ts";
import { RedisTier } from "./redis-tier.ts";

const binary = await findOnPath("redis-server");

/** A TCP relay to Redis that can be cut and healed: a network partition, Redis itself alive. */
async function startRelay(target: number) {
  const sockets = new Set<Socket>();
  let cut = false;
  const server: Server = createServer((client) => {
    if (cut) return client.destroy();
    const upstream = connect(target, "127.0.0.1");
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("error", () => {});
      socket.on("close", () => sockets.delete(socket));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `redis://127.0.0.1:${(server.address() as { port: number }).port}`,
    cut() {
      cut = true;
      for (const socket of sockets) socket.destroy();
    },
    heal() {
      cut = false;
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

async function until(what: string, check: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const entry = (id: number) => ({ rep: jsonRepresentation({ id }), storedAt: Date.now() });

describe.skipIf(!binary)("Redis tier across a network partition (Redis keeps its data)", () => {
  let redis: LocalRedis;
  let direct: Redis;
  const noop = { onInvalidate: () => {}, onResync: () => {}, log: () => {} };

  beforeAll(async () => {
    redis = await startLocalRedis(binary as string);
    direct = new Redis(redis.url);
  });
  afterAll(async () => {
    direct.disconnect();
    await redis.stop();
  });

  async function partitioned(maxPendingTags: number, purges: string[]) {
    await direct.flushdb();
    const relay = await startRelay(Number(new URL(redis.url).port));
    const resyncs = { observer: 0 };
    const cut = new RedisTier(relay.url, noop, maxPendingTags);
    const observer = new RedisTier(redis.url, {
      ...noop,
      onResync: () => {
        resyncs.observer++;
      },
    });
    await Promise.all([cut.ready(5000), observer.ready(5000)]);
    for (const id of [1, 2, 3]) await cut.set(`k${id}`, entry(id), [`t${id}`], 60_000);
    await direct.set("someone-else:key", "kept");
    relay.cut();
    await until("the cut side to notice", () => cut.state === "down");
    for (const tag of purges) await cut.purge([tag]);
    relay.heal();
    await until("the cut side to come back", () => cut.state === "up");
    const present = [];
    for (const id of [1, 2, 3]) if (await observer.get(`k${id}`)) present.push(`k${id}`);
    const other = await direct.get("someone-else:key");
    // A "clear everything" is published before the cut side comes back up; give it time to land.
    if (purges.length > maxPendingTags)
      await until("the observer to resync", () => resyncs.observer > 0);
    await Promise.all([cut.close(), observer.close(), relay.close()]);
    return { present, other, resyncs: resyncs.observer };
  }

  it("replays the purges made while cut off, and only those", async () => {
    const { present, other, resyncs } = await partitioned(10, ["t1"]);
    expect(present).toEqual(["k2", "k3"]);
    expect(other).toBe("kept");
    expect(resyncs).toBe(0);
  });

  it("clears its whole cache, and only its own keys, when more purges were missed than it keeps", async () => {
    const { present, other, resyncs } = await partitioned(2, ["t1", "t2", "t3"]);
    expect(present).toEqual([]);
    expect(other).toBe("kept");
    // The other instances drop their local copies too.
    expect(resyncs).toBe(1);
  });
});
