import { sleep } from "k6";
import http from "k6/http";

export const options = {
  discardResponseBodies: true,
  scenarios: {
    contacts: {
      executor: "shared-iterations",
      vus: 2,
      iterations: 20,
      maxDuration: "10s",
    },
  },
};

export default function () {
  http.get(`${__ENV.BASE_URL}/contacts`);
  // Each iteration sleeps 50 ms after its request.
  sleep(0.05);
}
