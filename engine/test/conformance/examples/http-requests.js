import { check } from "k6";
import http from "k6/http";

export const options = {
  iterations: 1,
  thresholds: {
    // Only the refused connection fails: the 404 is declared expected below.
    http_req_failed: ["rate<0.1"],
    "http_req_duration{endpoint:items}": ["p(95)<5000"],
  },
};

export default function () {
  const base = __ENV.BASE_URL;
  const params = {
    headers: { "Content-Type": "application/json", "X-Trace": "docs-example" },
    tags: { endpoint: "items" },
    timeout: "10s",
  };
  const payload = JSON.stringify({ name: "k6" });

  const get = http.get(`${base}/items`, params);
  const post = http.post(`${base}/items`, payload, params);
  const put = http.put(`${base}/items/1`, payload, params);
  const patch = http.patch(`${base}/items/1`, payload, params);
  const del = http.del(`${base}/items/1`, null, params);
  const head = http.head(`${base}/items`);
  const opts = http.options(`${base}/items`);
  const generic = http.request("GET", `${base}/items?via=request`);

  const batch = http.batch([
    ["GET", `${base}/batch/1`],
    ["GET", `${base}/batch/2`, null, { tags: { kind: "batch" } }],
    { method: "POST", url: `${base}/batch/3`, body: "three" },
  ]);
  const named = http.batch({ first: `${base}/batch/a`, second: `${base}/batch/b` });

  // Grouped under one `name` tag whatever the id, so the metrics stay bounded.
  const id = 1000 + __ITER;
  const tagged = http.get(http.url`${base}/items/${id}`);

  const notFound = http.get(`${base}/missing`, { responseCallback: http.expectedStatuses(404) });
  const refused = http.get("http://127.0.0.1:1/", { timeout: "2s" });

  check(get, {
    "GET echoes its method": (r) => r.json("method") === "GET",
    "request headers arrive": (r) => r.json("trace") === "docs-example",
    "response headers are readable": (r) => r.headers["Content-Type"] === "application/json",
    "timings are set": (r) => r.timings.duration >= 0 && r.timings.waiting >= 0,
  });
  check(post, { "POST sends its body": (r) => r.json("body") === payload });
  check(put, { "PUT is a PUT": (r) => r.json("method") === "PUT" });
  check(patch, { "PATCH is a PATCH": (r) => r.json("method") === "PATCH" });
  check(del, { "DELETE is a DELETE": (r) => r.json("method") === "DELETE" });
  check(head, { "HEAD has no body": (r) => r.status === 200 && !r.body });
  check(opts, { "OPTIONS is an OPTIONS": (r) => r.json("method") === "OPTIONS" });
  check(generic, { "request() works": (r) => r.json("url") === "/items?via=request" });
  check(batch, {
    "batch returns every response in order": (rs) =>
      rs.length === 3 && rs[2].json("body") === "three" && rs[0].json("url") === "/batch/1",
  });
  check(named, { "batch by name": (rs) => rs.first.json("url") === "/batch/a" });
  check(tagged, { "http.url keeps the real URL": (r) => r.json("url") === `/items/${id}` });
  check(notFound, { "expected 404": (r) => r.status === 404 });
  check(refused, {
    "refused connection: status 0 and an error code": (r) =>
      r.status === 0 && r.error !== "" && r.error_code > 0,
  });
}
