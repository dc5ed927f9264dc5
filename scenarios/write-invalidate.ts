import { check } from "k6";
import http from "k6/http";
import type { Options } from "k6/options";
import { BASE_URL } from "./_lib/config.ts";
import { think } from "./_lib/think.ts";

/**
 * Writes against cached reads: every VU owns a few hot products, reads them (cached) and now and
 * then changes a price; the read right after a write must show it. Under load this checks the
 * invalidation path (LRU, Redis, pub/sub), not just its speed.
 */
export const options: Options = {
  scenarios: {
    writers: {
      executor: "constant-vus",
      vus: Number(__ENV.WRITE_VUS || 6),
      duration: __ENV.WRITE_DURATION || "20s",
    },
  },
  thresholds: {
    "checks{check:write visible on next read}": ["rate>0.999"],
    "http_req_duration{kind:write}": ["p(95)<300"],
    "http_req_duration{kind:read}": ["p(95)<150"],
    http_req_failed: ["rate<0.01"],
  },
};

const JSON_HEADERS = { "content-type": "application/json" };

export default async function (): Promise<void> {
  // VU n owns products 1000+10n .. 1000+10n+9: writers never race each other on one row.
  const id = 1000 + __VU * 10 + (__ITER % 10);
  const url = `${BASE_URL}/api/products/${id}`;
  const read = await http.asyncRequest("GET", url, null, {
    tags: { name: "GET /api/products/:id", kind: "read" },
  });
  check(read, { "read ok": (r) => r.status === 200 });
  if (__ITER % 5 === 0) {
    const priceCents = 100 + ((__VU * 7919 + __ITER) % 90_000);
    const write = await http.asyncRequest("PATCH", url, JSON.stringify({ priceCents }), {
      headers: JSON_HEADERS,
      tags: { name: "PATCH /api/products/:id", kind: "write" },
    });
    check(write, { "write ok": (r) => r.status === 200 });
    const after = await http.asyncRequest("GET", url, null, {
      tags: { name: "GET /api/products/:id", kind: "read" },
    });
    check(after, {
      "write visible on next read": (r) => r.status === 200 && r.json("priceCents") === priceCents,
    });
  }
  await think(0.05, 0.2);
}
