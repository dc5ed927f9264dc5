import { check } from "k6";
import { SharedArray } from "k6/data";
import http from "k6/http";
import type { Options } from "k6/options";
import { BASE_URL, PRODUCTS } from "./_lib/config.ts";
import { describeRead, readMixPaths } from "./_lib/read-mix.ts";
import { think } from "./_lib/think.ts";

/**
 * Read-heavy browsing: VUs ramp up, walk the seeded Zipf read mix (70% product pages, 20% list
 * pages, 10% searches; a few products get most views) with think time, and ramp down.
 */
const PATHS = new SharedArray("read-mix", () =>
  readMixPaths({ seed: 20261125, count: 20_000, products: PRODUCTS }),
);
const VUS = Number(__ENV.BROWSE_VUS || 20);

export const options: Options = {
  scenarios: {
    browse: {
      executor: "ramping-vus",
      startVUs: 0,
      stages: [
        { duration: __ENV.BROWSE_RAMP || "5s", target: VUS },
        { duration: __ENV.BROWSE_HOLD || "20s", target: VUS },
        { duration: "5s", target: 0 },
      ],
      gracefulRampDown: "5s",
    },
  },
  thresholds: {
    "http_req_duration{kind:detail}": ["p(95)<150"],
    "http_req_duration{kind:list}": ["p(95)<250"],
    "http_req_duration{kind:search}": ["p(95)<400"],
    http_req_failed: ["rate<0.01"],
    checks: ["rate>0.99"],
  },
};

export default async function (): Promise<void> {
  // Each VU walks the shared sequence from its own offset.
  const path = PATHS[(__VU * 997 + __ITER) % PATHS.length] as string;
  const { kind, name } = describeRead(path);
  const res = await http.asyncRequest("GET", `${BASE_URL}${path}`, null, { tags: { name, kind } });
  check(res, {
    "status is 200": (r) => r.status === 200,
    "is JSON": (r) => String(r.headers["Content-Type"] ?? "").startsWith("application/json"),
  });
  await think(0.2, 1);
}
