// A failed request logs k6's "Request Failed" warning and answers status 0 with error_code.
import { check } from "k6";
import http from "k6/http";

export default function () {
  check(http.get("http://127.0.0.1:1/nothing"), {
    "status 0": (r) => r.status === 0,
    "error_code 1212": (r) => r.error_code === 1212,
  });
}
