import { check } from "k6";
import { SharedArray } from "k6/data";
import http from "k6/http";
import type { Options } from "k6/options";
import { BASE_URL, PRODUCTS } from "./_lib/config.ts";
import { describeRead, readMixPaths } from "./_lib/read-mix.ts";

/**
 * A traffic spike as an open model: arrivals jump from a base rate to 8x within seconds, hold,
 * and fall back. New arrivals do not wait for slow responses (ramping-arrival-rate), so queueing
 * shows in latency, dropped_iterations and the engine's schedule_lag instead of hiding.
 */
const PATHS = new SharedArray("read-mix", () =>
  readMixPaths({ seed: 7, count: 20_000, products: PRODUCTS }),
);
const BASE = Number(__ENV.SPIKE_BASE_RATE || 50);

export const options: Options = {
  scenarios: {
    spike: {
      executor: "ramping-arrival-rate",
      startRate: BASE,
      timeUnit: "1s",
      preAllocatedVUs: 20,
      maxVUs: 200,
      stages: [
        { duration: __ENV.SPIKE_FLAT || "5s", target: BASE },
        { duration: "3s", target: BASE * 8 },
        { duration: __ENV.SPIKE_HOLD || "10s", target: BASE * 8 },
        { duration: "3s", target: BASE },
        { duration: __ENV.SPIKE_FLAT || "5s", target: BASE },
      ],
    },
  },
  thresholds: {
    http_req_failed: ["rate<0.01"],
    http_req_duration: ["p(95)<500"],
    dropped_iterations: [`count<${BASE * 8}`],
  },
};

export default async function (): Promise<void> {
  const path = PATHS[(__VU * 997 + __ITER) % PATHS.length] as string;
  const res = await http.asyncRequest("GET", `${BASE_URL}${path}`, null, {
    tags: { name: describeRead(path).name },
  });
  check(res, { "status is 200": (r) => r.status === 200 });
}
