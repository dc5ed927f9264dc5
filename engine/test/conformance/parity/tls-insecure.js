// insecureSkipTLSVerify against a server with a self-made certificate, plus tlsVersion.
import { check } from "k6";
import http from "k6/http";

export const options = {
  insecureSkipTLSVerify: true,
  tlsVersion: { min: "tls1.2", max: "tls1.2" },
};

export default function () {
  check(http.get(`${__ENV.TLS_URL}/`), {
    "https answered": (r) => r.status === 200,
    "tls_version is the forced one": (r) => r.tls_version === "tls1.2",
    "proto over TLS": (r) => r.proto === "HTTP/1.1",
  });
}
