// Credentials in the URL are sent as basic auth.
import { check } from "k6";
import http from "k6/http";

export default function () {
  const url = __ENV.BASE_URL.replace("http://", "http://user:passwd@");
  check(http.get(`${url}/basic`), { "basic accepted": (r) => r.status === 200 });
  check(http.get(`${__ENV.BASE_URL}/basic`), { "without: 401": (r) => r.status === 401 });
}
