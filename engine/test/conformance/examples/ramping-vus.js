import { sleep } from "k6";
import http from "k6/http";

export const options = {
  discardResponseBodies: true,
  scenarios: {
    contacts: {
      executor: "ramping-vus",
      startVUs: 0,
      stages: [
        { duration: "1s", target: 2 },
        { duration: "1s", target: 0 },
      ],
      gracefulRampDown: "0s",
    },
  },
};

export default function () {
  http.get(`${__ENV.BASE_URL}/contacts`);
  sleep(0.1);
}
