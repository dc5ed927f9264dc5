import http from "k6/http";
import { Counter, Gauge, Rate, Trend } from "k6/metrics";

const myCounter = new Counter("my_counter");
const myGauge = new Gauge("my_gauge");
const myRate = new Rate("my_rate");
const myTrend = new Trend("waiting_time", true);

export const options = {
  vus: 1,
  iterations: 4,
  thresholds: {
    my_counter: ["count==8"],
    "my_counter{kind:even}": ["count==2"],
    my_gauge: ["value==3"],
    my_rate: ["rate==0.5"],
    waiting_time: ["avg>=0"],
  },
};

export default function () {
  const res = http.get(`${__ENV.BASE_URL}/contacts`);
  myCounter.add(1);
  myCounter.add(1, { kind: __ITER % 2 === 0 ? "even" : "odd" });
  myGauge.add(__ITER);
  myRate.add(__ITER % 2 === 0);
  myTrend.add(res.timings.waiting, { my_tag: "waiting" });
}
