import { z } from "zod";
import type { Product } from "../db/catalogue.ts";
import {
  createProduct,
  getProduct,
  listProducts,
  searchProducts,
  updateProduct,
} from "../db/catalogue.ts";
import { HttpError, type Routes, sendJson } from "../http.ts";
import { intParam, parseWith, readJson } from "../lib/body.ts";
import { jsonRepresentation, type Representation, serveRepresentation } from "../representation.ts";
import type { AppServices } from "../services.ts";

const MAX_LIMIT = 100;
/** Deep OFFSETs scan and discard rows; past this, clients should narrow by category or search. */
const MAX_OFFSET = 10_000;
const MAX_ID = 2_147_483_647;
const MAX_BODY = 16 * 1024;
/** Shared caches (a CDN) keep reads for a minute and are purged on writes; browsers revalidate soon. */
export const READ_CACHE_CONTROL = "public, max-age=5, s-maxage=60, stale-while-revalidate=30";

const productInput = z.strictObject({
  sku: z.string().regex(/^[A-Z0-9-]{3,32}$/, "expected 3-32 of A-Z, 0-9 and -"),
  name: z.string().trim().min(1).max(200),
  categoryId: z.number().int().min(1).max(MAX_ID),
  priceCents: z.number().int().min(0).max(100_000_000),
  stock: z.number().int().min(0).max(1_000_000),
  description: z.string().max(2000).default(""),
});
const productPatch = z
  .strictObject({
    name: z.string().trim().min(1).max(200).optional(),
    priceCents: z.number().int().min(0).max(100_000_000).optional(),
    stock: z.number().int().min(0).max(1_000_000).optional(),
    description: z.string().max(2000).optional(),
  })
  .refine(
    (patch) => Object.values(patch).some((value) => value !== undefined),
    "expected at least one of name, priceCents, stock, description",
  );

/** Tags a product's cached reads carry: purging one of them is how a write reaches every tier. */
export function productTags(product: Pick<Product, "id" | "categoryId">): string[] {
  return [`product-${product.id}`, `category-${product.categoryId}`, "products"];
}

function newest(items: readonly Product[]): string | undefined {
  let latest: string | undefined;
  for (const item of items)
    if (latest === undefined || item.updatedAt > latest) latest = item.updatedAt;
  return latest;
}

export function createProductRoutes(app: AppServices): Routes {
  const { cache, db, config } = app;
  const serve = async (
    req: Parameters<Routes[string]>[0],
    res: Parameters<Routes[string]>[1],
    key: string,
    tags: string[],
    load: () => Promise<Representation>,
  ) => {
    const { rep, source } = await cache.get(key, tags, load);
    serveRepresentation(req, res, rep, {
      cacheControl: READ_CACHE_CONTROL,
      surrogateKeys: tags,
      compression: config.compression,
      headers: { "x-cache": source },
    });
  };

  return {
    "GET /api/products": async (req, res, { url }) => {
      const q = url.searchParams;
      const limit = intParam("limit", q.get("limit"), 20, 1, MAX_LIMIT);
      const offset = intParam("offset", q.get("offset"), 0, 0, MAX_OFFSET);
      const categoryText = q.get("category");
      const categoryId =
        categoryText === null
          ? undefined
          : intParam("category", categoryText, undefined, 1, MAX_ID);
      const sort = q.get("sort") ?? "id";
      if (sort !== "id" && sort !== "price")
        throw new HttpError(400, `sort: expected id or price, got "${sort.slice(0, 40)}"`);
      const tags = categoryId === undefined ? ["products"] : ["products", `category-${categoryId}`];
      await serve(
        req,
        res,
        `list:${categoryId ?? "*"}:${sort}:${limit}:${offset}`,
        tags,
        async () => {
          const page = await listProducts(db, { categoryId, sort, limit, offset });
          return jsonRepresentation(page, newest(page.items));
        },
      );
    },

    "GET /api/search": async (req, res, { url }) => {
      const q = url.searchParams;
      const text = (q.get("q") ?? "").trim().toLowerCase();
      if (text.length < 2 || text.length > 100)
        throw new HttpError(400, "q: expected 2-100 characters of search text");
      const limit = intParam("limit", q.get("limit"), 20, 1, MAX_LIMIT);
      const offset = intParam("offset", q.get("offset"), 0, 0, MAX_OFFSET);
      await serve(req, res, `search:${text}:${limit}:${offset}`, ["products"], async () => {
        const page = await searchProducts(db, text, limit, offset);
        return jsonRepresentation(page, newest(page.items));
      });
    },

    "GET /api/products/:id": async (req, res, { params }) => {
      const id = intParam("id", params.id, undefined, 1, MAX_ID);
      await serve(req, res, `product:${id}`, [`product-${id}`], async () => {
        const product = await getProduct(db, id);
        if (!product) throw new HttpError(404, `id: no product ${id}`);
        return jsonRepresentation(product, product.updatedAt);
      });
    },

    "POST /api/products": async (req, res) => {
      const input = parseWith(productInput, await readJson(req, MAX_BODY));
      const outcome = await createProduct(db, input);
      if ("conflict" in outcome) throw new HttpError(409, outcome.conflict);
      await cache.purge(productTags(outcome.product));
      await app.purgeCdn(productTags(outcome.product));
      sendJson(res, 201, outcome.product, {
        location: `/api/products/${outcome.product.id}`,
        "cache-control": "no-store",
      });
    },

    "PATCH /api/products/:id": async (req, res, { params }) => {
      const id = intParam("id", params.id, undefined, 1, MAX_ID);
      const patch = parseWith(productPatch, await readJson(req, MAX_BODY));
      const product = await updateProduct(db, id, patch);
      if (!product) throw new HttpError(404, `id: no product ${id}`);
      await cache.purge(productTags(product));
      await app.purgeCdn(productTags(product));
      sendJson(res, 200, product, { "cache-control": "no-store" });
    },
  };
}
