import { countedQuery, type Database } from "./database.ts";

/** A product as the API returns it. */
export interface Product {
  id: number;
  sku: string;
  name: string;
  categoryId: number;
  priceCents: number;
  stock: number;
  description: string;
  updatedAt: string;
}

export interface Page {
  items: Product[];
  limit: number;
  offset: number;
  /** One extra row is read instead of a count(*), which would scan the whole category. */
  hasMore: boolean;
}

export interface ListQuery {
  categoryId?: number;
  sort: "id" | "price";
  limit: number;
  offset: number;
}

/** What a create sends: a product without the fields the database assigns. */
export type ProductInput = Omit<Product, "id" | "updatedAt">;

const COLUMNS = `id, sku, name, category_id AS "categoryId", price_cents AS "priceCents", stock,
  description, to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "updatedAt"`;

function page(rows: Product[], limit: number, offset: number): Page {
  return { items: rows.slice(0, limit), limit, offset, hasMore: rows.length > limit };
}

export async function listProducts(db: Database, query: ListQuery): Promise<Page> {
  const { categoryId, sort, limit, offset } = query;
  const order = sort === "price" ? "price_cents, id" : "id";
  const where = categoryId === undefined ? "" : "WHERE category_id = $3";
  const params: unknown[] = [limit + 1, offset];
  if (categoryId !== undefined) params.push(categoryId);
  const rows = await countedQuery<Product>(
    db,
    "list",
    `SELECT ${COLUMNS} FROM products ${where} ORDER BY ${order} LIMIT $1 OFFSET $2`,
    params,
  );
  return page(rows, limit, offset);
}

/** Full-text search over name and description (GIN index), every word must match. */
export async function searchProducts(
  db: Database,
  text: string,
  limit: number,
  offset: number,
): Promise<Page> {
  const rows = await countedQuery<Product>(
    db,
    "search",
    `SELECT ${COLUMNS} FROM products WHERE search @@ plainto_tsquery('simple', $3)
     ORDER BY id LIMIT $1 OFFSET $2`,
    [limit + 1, offset, text],
  );
  return page(rows, limit, offset);
}

export async function getProduct(db: Database, id: number): Promise<Product | undefined> {
  const rows = await countedQuery<Product>(
    db,
    "detail",
    `SELECT ${COLUMNS} FROM products WHERE id = $1`,
    [id],
  );
  return rows[0];
}

/** Create a product, or say which field conflicts (SKU taken, no such category). */
export async function createProduct(
  db: Database,
  input: ProductInput,
): Promise<{ product: Product } | { conflict: string }> {
  const category = await countedQuery(db, "write", "SELECT 1 FROM categories WHERE id = $1", [
    input.categoryId,
  ]);
  if (category.length === 0) return { conflict: `categoryId: no category ${input.categoryId}` };
  const rows = await countedQuery<Product>(
    db,
    "write",
    `INSERT INTO products (sku, name, category_id, price_cents, stock, description, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, now())
     ON CONFLICT (sku) DO NOTHING RETURNING ${COLUMNS}`,
    [input.sku, input.name, input.categoryId, input.priceCents, input.stock, input.description],
  );
  const product = rows[0];
  return product ? { product } : { conflict: `sku: "${input.sku}" already exists` };
}

/** Update the given fields; `undefined` when there is no such product. */
export async function updateProduct(
  db: Database,
  id: number,
  patch: Partial<Pick<ProductInput, "name" | "priceCents" | "stock" | "description">>,
): Promise<Product | undefined> {
  const rows = await countedQuery<Product>(
    db,
    "write",
    `UPDATE products SET
       name = coalesce($2, name), price_cents = coalesce($3, price_cents),
       stock = coalesce($4, stock), description = coalesce($5, description), updated_at = now()
     WHERE id = $1 RETURNING ${COLUMNS}`,
    [
      id,
      patch.name ?? null,
      patch.priceCents ?? null,
      patch.stock ?? null,
      patch.description ?? null,
    ],
  );
  return rows[0];
}
