import { sleep } from "k6";
import http from "k6/http";

export const options = {
  discardResponseBodies: true,
  scenarios: {
    contacts: {
      executor: "constant-vus",
      vus: 2,
      duration: "2s",
    },
  },
};

export default function () {
  http.get(`${__ENV.BASE_URL}/contacts`);
  // Each VU runs about 4 iterations a second.
  sleep(0.25);
}
