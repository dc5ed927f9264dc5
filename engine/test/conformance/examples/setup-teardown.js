import { check } from "k6";
import http from "k6/http";

export const options = { vus: 2, iterations: 4 };

export function setup() {
  const res = http.get(`${__ENV.BASE_URL}/login`);
  return { token: res.json("token"), vuInSetup: __VU };
}

export default function (data) {
  check(data, {
    "setup data reached the VU": (d) => d.token === "abc123",
    "setup ran as VU 0": (d) => d.vuInSetup === 0,
  });
  // A VU's copy of the data is its own: teardown still gets what setup() returned.
  data.changedBy = __VU;
  http.get(`${__ENV.BASE_URL}/seen?token=${data.token}`);
}

export function teardown(data) {
  http.get(`${__ENV.BASE_URL}/teardown?token=${data.token}&changedBy=${data.changedBy}`);
}
