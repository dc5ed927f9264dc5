import { check } from "k6";
import { SharedArray } from "k6/data";
import http from "k6/http";
import type { Options } from "k6/options";
import { BASE_URL, PRODUCTS } from "./_lib/config.ts";
import { describeRead, readMixPaths } from "./_lib/read-mix.ts";

/**
 * Soak: a fixed arrival rate for a long time (SOAK_DURATION, default 10 minutes) on the read mix.
 * What matters is what drifts: latency, errors, and (with the memory stage) the app's heap.
 */
const PATHS = new SharedArray("read-mix", () =>
  readMixPaths({ seed: 11, count: 50_000, products: PRODUCTS }),
);

export const options: Options = {
  scenarios: {
    soak: {
      executor: "constant-arrival-rate",
      rate: Number(__ENV.SOAK_RATE || 200),
      timeUnit: "1s",
      duration: __ENV.SOAK_DURATION || "10m",
      preAllocatedVUs: 20,
      maxVUs: 100,
    },
  },
  thresholds: {
    http_req_failed: ["rate<0.001"],
    http_req_duration: ["p(95)<200", "p(99)<500"],
    dropped_iterations: ["count<100"],
  },
};

export default async function (): Promise<void> {
  const path = PATHS[(__VU * 997 + __ITER) % PATHS.length] as string;
  const res = await http.asyncRequest("GET", `${BASE_URL}${path}`, null, {
    tags: { name: describeRead(path).name },
  });
  check(res, { "status is 200": (r) => r.status === 200 });
}
