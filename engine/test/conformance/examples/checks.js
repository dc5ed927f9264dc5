import { check } from "k6";
import http from "k6/http";

export const options = { vus: 1, iterations: 4 };

export default function () {
  const res = http.get(`${__ENV.BASE_URL}/contacts`);
  check(res, {
    "is status 200": (r) => r.status === 200,
    "body size is larger than 10 bytes": (r) => r.body.length > 10,
    "verb is GET": (r) => r.json("method") === "GET",
    // Fails on purpose: checks are not fatal, the iteration goes on.
    "is status 500": (r) => r.status === 500,
  });
}
