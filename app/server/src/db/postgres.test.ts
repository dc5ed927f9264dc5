import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp } from "../../test/start.ts";
import {
  findOnPath,
  freeLoopbackPort,
  type LocalRedis,
  startLocalRedis,
} from "../cache/redis-server.ts";
import { loadConfig } from "../config.ts";
import type { RunningApp } from "../server.ts";
import { getProduct } from "./catalogue.ts";
import { openDatabase } from "./database.ts";

// A throwaway Postgres database (CI starts Debian's postgresql and sets this); its tables are
// dropped and re-created by the test.
const url = process.env.PERFGATE_TEST_DATABASE_URL;
if (!url) {
  console.warn(
    "postgres.test: skipped, PERFGATE_TEST_DATABASE_URL is not set (.ci/run starts postgresql and sets it)",
  );
}
const describePostgres = describe.skipIf(!url);

describePostgres("DATABASE_URL: a real Postgres", () => {
  let redis: LocalRedis | undefined;
  let a: RunningApp;
  let b: RunningApp;
  beforeAll(async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(
      "DROP TABLE IF EXISTS order_items, orders, users, products, categories CASCADE",
    );
    await client.end();
    const binary = await findOnPath("redis-server");
    if (binary) redis = await startLocalRedis(binary, await freeLoopbackPort());
    const env = { DATABASE_URL: url as string, REDIS_URL: redis?.url ?? "off" };
    a = await startTestApp(env);
    b = await startTestApp(env);
  }, 120_000);
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await redis?.stop();
  });

  it("creates and seeds the same catalogue as the embedded database", async () => {
    expect(a.services.db.kind).toBe("postgres");
    const embedded = await openDatabase(loadConfig({ PERFGATE_APP_SEED_PRODUCTS: "5000" }));
    try {
      for (const id of [1, 42, 4999]) {
        expect(await getProduct(a.services.db, id)).toEqual(await getProduct(embedded, id));
      }
    } finally {
      await embedded.close();
    }
  });

  it("two instances with their own connections: a write through one is read through the other", async () => {
    const before = await (await fetch(`${b.url}/api/products/77`)).json();
    expect((await fetch(`${b.url}/api/products/77`)).headers.get("x-cache")).toBe("lru");
    const patch = await fetch(`${a.url}/api/products/77`, {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ stock: before.stock + 1 }),
    });
    expect(patch.status).toBe(200);
    const deadline = Date.now() + 3000;
    let seen = before.stock;
    while (seen !== before.stock + 1 && Date.now() < deadline) {
      seen = (await (await fetch(`${b.url}/api/products/77`)).json()).stock;
    }
    expect(seen).toBe(before.stock + 1);
  });
});
