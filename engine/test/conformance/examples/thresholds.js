import { check, sleep } from "k6";
import http from "k6/http";

export const options = {
  vus: 1,
  iterations: 10,
  thresholds: {
    // Fewer than 1% of requests may fail.
    http_req_failed: ["rate<0.01"],
    // 95% of requests under 2 s, and the average under 1 s.
    http_req_duration: ["p(95)<2000", "avg<1000"],
    // A sub-metric: only requests tagged name:contacts.
    "http_req_duration{name:contacts}": ["max<2000"],
    "http_reqs{name:contacts}": ["count==10"],
    checks: ["rate>0.99"],
    "checks{kind:status}": ["rate==1"],
  },
};

export default function () {
  const res = http.get(`${__ENV.BASE_URL}/contacts`, { tags: { name: "contacts" } });
  check(res, { "status is 200": (r) => r.status === 200 }, { kind: "status" });
  sleep(0.01);
}
