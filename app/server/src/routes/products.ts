import type { Routes } from "../http.ts";
import { sendError, sendJson } from "../http.ts";

const MAX_LIMIT = 100;

/** Deterministic catalogue rows so every run and both sides of a compare see the same data. */
function product(id: number) {
  return { id, name: `Product ${id}`, priceCents: 100 + ((id * 7919) % 9900) };
}

export const productRoutes: Routes = {
  "GET /api/products": (_req, res, url) => {
    const limitText = url.searchParams.get("limit") ?? "20";
    const offsetText = url.searchParams.get("offset") ?? "0";
    const limit = Number(limitText);
    const offset = Number(offsetText);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
      sendError(res, 400, `limit: expected an integer 1-${MAX_LIMIT}, got "${limitText}"`);
      return;
    }
    if (!Number.isInteger(offset) || offset < 0) {
      sendError(res, 400, `offset: expected a non-negative integer, got "${offsetText}"`);
      return;
    }
    const items = Array.from({ length: limit }, (_, i) => product(offset + i + 1));
    sendJson(res, 200, { items, limit, offset });
  },
};
