import { check, sleep } from "k6";
import http from "k6/http";
import type { Options } from "k6/options";
import { BASE_URL } from "./_lib/config.ts";

/** Smoke: a few VUs browse the catalogue for a short while; proves the app answers correctly. */
export const options: Options = {
  scenarios: {
    browse: {
      executor: "constant-vus",
      vus: 4,
      duration: __ENV.SMOKE_DURATION || "10s",
    },
  },
  thresholds: {
    http_req_failed: ["rate<0.01"],
    http_req_duration: ["p(95)<500"],
    checks: ["rate>0.99"],
  },
};

export default async function (): Promise<void> {
  const res = await http.asyncRequest("GET", `${BASE_URL}/api/products?limit=20`, null, {
    tags: { name: "GET /api/products" },
  });
  check(res, {
    "status is 200": (r) => r.status === 200,
    "has 20 items": (r) => (r.json("items") as unknown[] | undefined)?.length === 20,
  });
  sleep(0.05);
}
