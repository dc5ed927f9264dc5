import { sleep } from "k6";
import http from "k6/http";

export const options = {
  vus: 1,
  duration: "30s",
  thresholds: {
    http_req_failed: [{ threshold: "rate<0.01", abortOnFail: true, delayAbortEval: "1s" }],
  },
};

export default function () {
  http.get(`${__ENV.BASE_URL}/missing`);
  sleep(0.1);
}
