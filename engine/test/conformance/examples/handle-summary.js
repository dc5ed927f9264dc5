import { check } from "k6";
import http from "k6/http";

export const options = {
  vus: 1,
  iterations: 3,
  thresholds: { http_req_duration: ["p(95)<5000"] },
};

export default function () {
  const res = http.get(`${__ENV.BASE_URL}/contacts`);
  check(res, { "status is 200": (r) => r.status === 200 });
}

export function handleSummary(data) {
  return {
    stdout: `iterations: ${data.metrics.iterations.values.count}\n`,
    [`${__ENV.SUMMARY_DIR}/summary.json`]: JSON.stringify(data),
    [`${__ENV.SUMMARY_DIR}/summary.txt`]: `checks passed: ${data.root_group.checks[0].passes}\n`,
  };
}
