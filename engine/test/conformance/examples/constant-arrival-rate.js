import http from "k6/http";

export const options = {
  discardResponseBodies: true,
  scenarios: {
    contacts: {
      executor: "constant-arrival-rate",
      // 20 iterations per second for 2 seconds: 40 iterations, the first one at t = 0.
      duration: "2s",
      rate: 20,
      timeUnit: "1s",
      preAllocatedVUs: 2,
      maxVUs: 4,
    },
  },
};

export default function () {
  http.get(`${__ENV.BASE_URL}/contacts`);
}
