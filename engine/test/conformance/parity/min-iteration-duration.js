// minIterationDuration paces iterations; as in k6, the padding is not part of iteration_duration.
import { Trend } from "k6/metrics";

const gap = new Trend("gap_between_iterations", true);
let last = 0;

export const options = {
  iterations: 3,
  minIterationDuration: "600ms",
  thresholds: { gap_between_iterations: ["min>=590"], iteration_duration: ["max<500"] },
};

export default function () {
  const now = Date.now();
  if (last > 0) gap.add(now - last);
  last = now;
}
