// Redirect hops are requests (http_reqs), a 303 after a POST is followed with GET, and a chain
// longer than the default 10 stops with k6's warning.
import { check } from "k6";
import http from "k6/http";

const BASE = __ENV.BASE_URL;

export default function () {
  check(http.get(`${BASE}/redirect/3`), {
    "followed to the end": (r) => r.status === 200 && r.body === "done",
    "res.url is the last hop": (r) => r.url === `${BASE}/redirect/0`,
  });
  check(http.post(`${BASE}/see-other`, "payload"), {
    "303 is followed with GET": (r) => r.json().method === "GET" && r.json().length === 0,
  });
  check(http.get(`${BASE}/redirect/12`), { "stops after 10 redirects": (r) => r.status === 302 });
  check(http.get(`${BASE}/redirect/2`, { redirects: 0 }), {
    "redirects: 0 returns the 302": (r) => r.status === 302,
  });
}
