// Response fields k6 fills from the connection: status_text, remote_ip, remote_port, proto.
import { check } from "k6";
import http from "k6/http";

export default function () {
  const port = Number(__ENV.BASE_URL.split(":")[2]);
  check(http.get(`${__ENV.BASE_URL}/status/404`), {
    status_text: (r) => r.status_text === "404 Not Found",
    remote_ip: (r) => r.remote_ip === "127.0.0.1",
    remote_port: (r) => r.remote_port === port,
    proto: (r) => r.proto === "HTTP/1.1",
    "no tls version on http": (r) => r.tls_version === "",
  });
}
