import { check } from "k6";
import http from "k6/http";

export const options = {
  vus: 1,
  iterations: 4,
  thresholds: {
    // The endpoint answers 404: every request fails, so this threshold is crossed.
    http_req_failed: ["rate<0.01"],
    http_req_duration: ["p(95)<2000"],
  },
};

export default function () {
  const res = http.get(`${__ENV.BASE_URL}/missing`);
  check(res, { "status is 404": (r) => r.status === 404 });
}
