import { check } from "k6";
import { SharedArray } from "k6/data";
import http from "k6/http";

// Parsed once and shared read-only by every VU.
const users = new SharedArray("users", () => JSON.parse(open("./data/users.json")));
const banner = open("./data/users.json");

export const options = { vus: 2, iterations: 6 };

export default function () {
  const user = users[__ITER % users.length];
  const res = http.post(`${__ENV.BASE_URL}/login`, { username: user.username });
  check(res, {
    "has 3 users": () => users.length === 3,
    "open() read the file": () => banner.includes("carol"),
    "login 200": (r) => r.status === 200,
  });
}
