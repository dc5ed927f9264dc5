// throw: true makes a failed request throw (and not log) instead of returning status 0.
import { check } from "k6";
import http from "k6/http";

export const options = { throw: true };

export default function () {
  let thrown = "";
  try {
    http.get("http://127.0.0.1:1/nothing");
  } catch (e) {
    thrown = String(e);
  }
  check(thrown, { "the request threw": (t) => t.length > 0 });
  check(http.get("http://127.0.0.1:1/nothing", { throw: false }), {
    "throw: false per request": (r) => r.status === 0,
  });
}
