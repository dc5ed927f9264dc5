import { check, sleep } from "k6";
import http from "k6/http";
import { Trend } from "k6/metrics";
import type { Options } from "k6/options";
import { BASE_URL } from "./_lib/config.ts";

/**
 * The batch-job flow a client sees: submit N items, poll progress until done, read the result.
 * `job_duration` is submit-to-done as the client experiences it (polling included).
 */
const jobDuration = new Trend("job_duration", true);

export const options: Options = {
  scenarios: {
    jobs: {
      executor: "shared-iterations",
      vus: 2,
      iterations: Number(__ENV.JOBS || 6),
      maxDuration: "2m",
    },
  },
  thresholds: {
    "checks{check:job done}": ["rate==1"],
    job_duration: ["p(95)<30000"],
    http_req_failed: ["rate<0.01"],
  },
};

const POLL_SECONDS = 0.2;
const MAX_POLLS = 300;

export default async function (): Promise<void> {
  const started = Date.now();
  const submitted = await http.asyncRequest(
    "POST",
    `${BASE_URL}/api/jobs`,
    JSON.stringify({ kind: "thumbnails", from: 1 + __ITER * 100, count: 100, size: 32 }),
    { headers: { "content-type": "application/json" }, tags: { name: "POST /api/jobs" } },
  );
  if (!check(submitted, { "job accepted": (r) => r.status === 202 })) return;
  const id = submitted.json("id") as string;
  let state = "running";
  for (let i = 0; i < MAX_POLLS && state === "running"; i++) {
    // Awaited: in an async iteration the built-in engine pauses here (k6 blocks either way).
    await sleep(POLL_SECONDS);
    const polled = await http.asyncRequest("GET", `${BASE_URL}/api/jobs/${id}`, null, {
      tags: { name: "GET /api/jobs/:id" },
    });
    state = String(polled.json("state"));
  }
  jobDuration.add(Date.now() - started);
  check(state, { "job done": (s) => s === "done" });
}
