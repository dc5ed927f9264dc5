// `vus` without duration, iterations or stages: k6 warns and runs one iteration.
import { Counter } from "k6/metrics";

const runs = new Counter("runs");

export const options = { vus: 3 };

export default function () {
  runs.add(1);
}
