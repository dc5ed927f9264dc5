// An exception inside a check() condition ends the iteration; k6 logs it with its stack.
import { check } from "k6";
import { Counter } from "k6/metrics";

const after = new Counter("after_check");

export const options = { iterations: 2 };

export default function () {
  check(null, { throws: (r) => r.missing.field === 1 });
  after.add(1);
}
