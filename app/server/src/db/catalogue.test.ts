import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../config.ts";
import { getProduct, listProducts, searchProducts } from "./catalogue.ts";
import { type Database, openDatabase } from "./database.ts";

let db: Database;
beforeAll(async () => {
  db = await openDatabase(loadConfig({ PERFGATE_APP_SEED_PRODUCTS: "5000" }));
});
afterAll(() => db?.close());

async function plan(sql: string, params: unknown[]): Promise<string> {
  const rows = await db.query<{ "QUERY PLAN": string }>(`EXPLAIN ${sql}`, params);
  return rows.map((row) => row["QUERY PLAN"]).join("\n");
}

describe("catalogue queries use their indexes (EXPLAIN)", () => {
  it("category page sorted by price reads products_category_price", async () => {
    const text = await plan(
      "SELECT id FROM products WHERE category_id = $1 ORDER BY price_cents, id LIMIT 21 OFFSET 40",
      [7],
    );
    // With 100 rows a category (the test seed) a bitmap scan plus a small sort is the cheaper
    // plan; at 2,000 (the 100k default) the planner walks the index in order. Either way the
    // index is what finds the rows, never a sequential scan.
    expect(text).toMatch(/(Index (Only )?Scan using|Bitmap Index Scan on) products_category_price/);
    expect(text).not.toMatch(/Seq Scan/);
  });

  it("search for a rare term goes through the GIN index", async () => {
    const { items } = await listProducts(db, { sort: "id", limit: 1, offset: 99 });
    const model = (items[0]?.description ?? "").split(" ")[1]?.replace(",", "") as string;
    const text = await plan(
      "SELECT id FROM products WHERE search @@ plainto_tsquery('simple', $1) ORDER BY id LIMIT 21",
      [model],
    );
    expect(text).toMatch(/Bitmap Index Scan on products_search/);
    const found = await searchProducts(db, model, 5, 0);
    expect(found.items.map((p) => p.id)).toEqual([100]);
  });

  it("detail reads the primary key, and the seed is the same on every build", async () => {
    expect(await plan("SELECT id FROM products WHERE id = $1", [42])).toMatch(/products_pkey/);
    expect(await getProduct(db, 42)).toEqual({
      id: 42,
      sku: "SKU-0000042",
      name: "Red Drone 42",
      categoryId: 3,
      priceCents: 5998,
      stock: 154,
      description: "Model f519f70a, dependable for everyday use",
      updatedAt: "2026-02-12T00:00:00.000Z",
    });
  });

  it("counts every query by label", async () => {
    const before = db.counts.get("detail") ?? 0;
    await getProduct(db, 1);
    expect(db.counts.get("detail")).toBe(before + 1);
  });
});
