// A Counter threshold's `count` is the sum of the added values (k6: 3 × add(2) → count 6).
import { check } from "k6";
import { Counter } from "k6/metrics";

const hits = new Counter("hits");

export const options = { thresholds: { hits: ["count==6"] } };

export default function () {
  let returned = true;
  for (let i = 0; i < 3; i++) returned = hits.add(2) === true && returned;
  check(returned, { "add() returns true": (r) => r === true });
}
