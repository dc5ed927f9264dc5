import { sleep } from "k6";
import http from "k6/http";

export const options = {
  discardResponseBodies: true,
  scenarios: {
    contacts: {
      executor: "per-vu-iterations",
      vus: 2,
      iterations: 5,
      maxDuration: "10s",
    },
  },
};

export default function () {
  http.get(`${__ENV.BASE_URL}/contacts`);
  sleep(0.05);
}
