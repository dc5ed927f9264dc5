// discardResponseBodies: bodies are null unless a request asks for text.
import { check } from "k6";
import http from "k6/http";

export const options = { discardResponseBodies: true };

export default function () {
  check(http.get(`${__ENV.BASE_URL}/html`), { "body discarded": (r) => r.body === null });
  check(http.get(`${__ENV.BASE_URL}/html`, { responseType: "text" }), {
    "text on request": (r) => r.body.includes("Parity page"),
  });
}
