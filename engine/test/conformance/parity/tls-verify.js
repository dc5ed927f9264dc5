// Without insecureSkipTLSVerify a self-made certificate fails the request (logged, status 0).
import { check } from "k6";
import http from "k6/http";

export default function () {
  check(http.get(`${__ENV.TLS_URL}/`), {
    refused: (r) => r.status === 0 && r.error_code !== 0,
  });
}
