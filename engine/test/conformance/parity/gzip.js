// gzip bodies are decoded; k6 does not add an Accept-Encoding header of its own.
import { check } from "k6";
import http from "k6/http";

export default function () {
  check(http.get(`${__ENV.BASE_URL}/gzip`), {
    "gzip body decoded": (r) => r.json().gzip === true,
    "no Accept-Encoding added": (r) => r.json().accept === undefined,
  });
}
