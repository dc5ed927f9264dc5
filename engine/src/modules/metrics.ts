import type { MetricType } from "../metrics.ts";
import { engineState, sampleTags } from "../state.ts";

class CustomMetric {
  readonly name: string;
  constructor(name: string, type: MetricType, isTime: boolean) {
    this.name = name;
    engineState().registry.define(name, type, isTime);
  }

  /** Records one sample; returns true as k6's `Metric.add` does (scripts test it). */
  add(value: number | boolean, tags?: Record<string, string>): boolean {
    engineState().registry.add(this.name, Number(value), sampleTags(tags));
    return true;
  }
}

export class Counter extends CustomMetric {
  constructor(name: string) {
    super(name, "counter", false);
  }
}
export class Gauge extends CustomMetric {
  constructor(name: string, isTime = false) {
    super(name, "gauge", isTime);
  }
}
export class Rate extends CustomMetric {
  constructor(name: string) {
    super(name, "rate", false);
  }
}
export class Trend extends CustomMetric {
  constructor(name: string, isTime = false) {
    super(name, "trend", isTime);
  }
}

export default { Counter, Gauge, Rate, Trend };
