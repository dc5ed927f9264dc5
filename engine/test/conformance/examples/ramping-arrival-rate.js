import http from "k6/http";

export const options = {
  discardResponseBodies: true,
  scenarios: {
    contacts: {
      executor: "ramping-arrival-rate",
      // From 0 up to 20 iterations per second over 1 s, hold 20/s for 1 s, down to 0 over 1 s:
      // 10 + 20 + 10 = 40 iterations.
      startRate: 0,
      timeUnit: "1s",
      preAllocatedVUs: 2,
      maxVUs: 4,
      stages: [
        { target: 20, duration: "1s" },
        { target: 20, duration: "1s" },
        { target: 0, duration: "1s" },
      ],
    },
  },
};

export default function () {
  http.get(`${__ENV.BASE_URL}/contacts`);
}
