// auth: "digest" with the credentials in the URL; the 401 round counts as a request.
import { check } from "k6";
import http from "k6/http";

export default function () {
  const url = __ENV.BASE_URL.replace("http://", "http://user:passwd@");
  check(http.get(`${url}/digest`, { auth: "digest" }), {
    "digest accepted": (r) => r.status === 200 && r.body === "digest ok",
  });
}
