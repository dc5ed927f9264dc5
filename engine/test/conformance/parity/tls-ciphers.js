// tlsCipherSuites picks the suite (TLS 1.2; TLS 1.3 suites are not configurable in k6 either).
import { check } from "k6";
import http from "k6/http";

export const options = {
  insecureSkipTLSVerify: true,
  tlsVersion: "tls1.2",
  tlsCipherSuites: ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"],
};

export default function () {
  check(http.get(`${__ENV.TLS_URL}/`), {
    "cipher suite used": (r) => r.tls_cipher_suite === "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
    version: (r) => r.tls_version === "tls1.2",
  });
}
