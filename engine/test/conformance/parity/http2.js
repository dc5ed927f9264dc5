// HTTP/2 is negotiated over TLS where the server offers it, and res.proto says so.
import { check } from "k6";
import http from "k6/http";

export const options = { insecureSkipTLSVerify: true };

export default function () {
  check(http.get(`${__ENV.H2_URL}/status/201`), {
    "proto is HTTP/2.0": (r) => r.proto === "HTTP/2.0",
    "status over h2": (r) => r.status === 201,
    "status_text over h2": (r) => r.status_text === "201 Created",
  });
  check(http.get(`${__ENV.TLS_URL}/`), {
    "HTTP/1.1 where only it is offered": (r) => r.proto === "HTTP/1.1",
  });
}
