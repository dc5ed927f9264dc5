import { check, sleep } from "k6";
import http from "k6/http";

export const options = { vus: 2, iterations: 6 };

export default async function () {
  const res = await http.asyncRequest("GET", `${__ENV.BASE_URL}/contacts`);
  check(res, { "status is 200": (r) => r.status === 200 });
  const [a, b] = await Promise.all([
    http.asyncRequest("GET", `${__ENV.BASE_URL}/a`),
    http.asyncRequest("GET", `${__ENV.BASE_URL}/b`),
  ]);
  check(a, { "both answered": () => a.status === 200 && b.status === 200 });
  await sleep(0.01);
}
