import { check } from "k6";
import { SharedArray } from "k6/data";
import http from "k6/http";
import type { Options } from "k6/options";
import { BASE_URL, PRODUCTS } from "./_lib/config.ts";
import { describeRead, readMixPaths } from "./_lib/read-mix.ts";

/**
 * Steady traffic for fault injection (`--profile faults`): the harness kills Redis, crashes a
 * worker thread, restarts the app and slows the database while this runs. An open model, so
 * arrivals keep coming through an outage and its errors show, second by second, in the
 * `--out json` timeline. 90% of requests are the cached read mix (LRU, Redis, database); 10%
 * render a small thumbnail on the worker pool (small: a 2-core machine must keep up), over ids
 * and sizes wide enough that most miss the thumbnail cache. Thresholds are loose on purpose: a
 * fault must not abort the run.
 */
const PATHS = new SharedArray("read-mix", () =>
  readMixPaths({ seed: 13, count: 20_000, products: PRODUCTS }),
);
const SIZES = [32, 40, 48, 56];
const THUMBNAIL = "GET /api/products/:id/thumbnail";

export const options: Options = {
  scenarios: {
    faults: {
      executor: "constant-arrival-rate",
      rate: Number(__ENV.FAULTS_RATE || 30),
      timeUnit: "1s",
      duration: __ENV.FAULTS_DURATION || "80s",
      preAllocatedVUs: 20,
      maxVUs: 200,
    },
  },
  // Loose on purpose: each fault's latency and recovery are judged by the fault verdicts.
  thresholds: {
    http_req_failed: ["rate<0.5"],
  },
};

export default async function (): Promise<void> {
  const i = __VU * 997 + __ITER;
  if (i % 10 === 0) {
    const id = 1 + ((i * 7919) % PRODUCTS);
    const size = SIZES[(i / 10) % SIZES.length] as number;
    const res = await http.asyncRequest(
      "GET",
      `${BASE_URL}/api/products/${id}/thumbnail?size=${size}`,
      null,
      { tags: { name: THUMBNAIL }, timeout: "10s", responseType: "none" },
    );
    check(res, { "thumbnail 200": (r) => r.status === 200 });
    return;
  }
  const path = PATHS[i % PATHS.length] as string;
  const res = await http.asyncRequest("GET", `${BASE_URL}${path}`, null, {
    tags: { name: describeRead(path).name },
    timeout: "10s",
  });
  check(res, { "read 200": (r) => r.status === 200 });
}
