// http.batch sends its requests in parallel (the server sees all three at once).
import { check } from "k6";
import http from "k6/http";

const BASE = __ENV.BASE_URL;

export default function () {
  const responses = http.batch([
    `${BASE}/slow?ms=500`,
    ["GET", `${BASE}/slow?ms=500`],
    { method: "GET", url: `${BASE}/slow?ms=500` },
  ]);
  check(responses, { "three answers": (r) => r.length === 3 && r.every((x) => x.status === 200) });
  check(http.get(`${BASE}/slow-max`), { "all three in flight at once": (r) => r.json().max === 3 });
}
