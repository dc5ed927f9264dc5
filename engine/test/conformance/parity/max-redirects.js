// The global maxRedirects option (no warning when it is set).
import { check } from "k6";
import http from "k6/http";

export const options = { maxRedirects: 2 };

export default function () {
  check(http.get(`${__ENV.BASE_URL}/redirect/5`), {
    "stops at the limit": (r) => r.status === 302,
  });
  check(http.get(`${__ENV.BASE_URL}/redirect/2`), { "within the limit": (r) => r.status === 200 });
}
