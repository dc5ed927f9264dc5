import hdr from "hdr-histogram-js";

export type MetricType = "counter" | "gauge" | "rate" | "trend";
export type Tags = Record<string, string>;

/** Trend values kept exactly per sink (80 KB), so memory stays flat on long runs. */
const EXACT_LIMIT = 10_000;

/** k6's TrendSink.P: sort, i = p/100·(n−1), linear between the neighbours of i. */
function interpolate(values: number[], p: number): number {
  const sorted = Float64Array.from(values).sort();
  const i = (p / 100) * (sorted.length - 1);
  const low = sorted[Math.floor(i)] as number;
  return low + ((sorted[Math.ceil(i)] as number) - low) * (i - Math.floor(i));
}

/** Aggregated samples of one metric or sub-metric. Memory is flat: trends keep an HDR histogram. */
export class Sink {
  count = 0;
  sum = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;
  /** Rate: samples that were non-zero. Gauge: last value. */
  nonZero = 0;
  last = 0;
  /** Trend values ×1000 (µs for time metrics): 3 significant digits, auto-resizing. */
  histogram: hdr.Histogram | undefined;
  /**
   * A trend's first values, kept exactly so percentiles interpolate as k6's do (thresholds on
   * short runs sit on them); dropped past EXACT_LIMIT, after which the histogram answers.
   */
  exact: number[] | undefined;

  constructor(readonly type: MetricType) {
    if (type === "trend") {
      this.histogram = hdr.build({
        lowestDiscernibleValue: 1,
        highestTrackableValue: 2,
        autoResize: true,
        numberOfSignificantValueDigits: 3,
      });
      this.exact = [];
    }
  }

  add(value: number): void {
    this.count += 1;
    this.sum += value;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    if (value !== 0) this.nonZero += 1;
    this.last = value;
    if (this.histogram) this.histogram.recordValue(Math.max(0, Math.round(value * 1000)));
    if (this.exact) {
      if (this.exact.length < EXACT_LIMIT) this.exact.push(value);
      else this.exact = undefined;
    }
  }

  /** Trend percentile in the metric's unit; k6 reports 0 for an empty sink. */
  percentile(p: number): number {
    if (!this.histogram || this.count === 0) return 0;
    if (p >= 100) return this.max;
    if (p <= 0) return this.min;
    // A sink rebuilt from another thread's snapshot has a histogram but not the values.
    if (this.exact && this.exact.length === this.count) return interpolate(this.exact, p);
    return Math.min(this.max, Math.max(this.min, this.histogram.getValueAtPercentile(p) / 1000));
  }
}

export interface SubMetric {
  /** `name{k:v,...}` as written in the thresholds. */
  key: string;
  tags: Tags;
  sink: Sink;
}

export interface MetricDef {
  name: string;
  type: MetricType;
  /** Time metrics are shown in ms and recorded in µs in histograms. */
  isTime: boolean;
  sink: Sink;
  subMetrics: SubMetric[];
  /** Whether any sample was ever added (k6 lists only metrics that saw samples). */
  touched: boolean;
}

/** Parses `name{k:v,k2:v2}` as k6 does: entries split on the first `:`. */
export function parseMetricKey(key: string): { name: string; tags: Tags } | undefined {
  const brace = key.indexOf("{");
  if (brace === -1) return /^[\w.-]+$/.test(key) ? { name: key, tags: {} } : undefined;
  if (!key.endsWith("}")) return undefined;
  const name = key.slice(0, brace);
  const tags: Tags = {};
  for (const entry of key.slice(brace + 1, -1).split(",")) {
    const colon = entry.indexOf(":");
    if (colon <= 0) return undefined;
    tags[entry.slice(0, colon).trim()] = entry.slice(colon + 1).trim();
  }
  return { name, tags };
}

const BUILTIN: [string, MetricType, boolean][] = [
  ["checks", "rate", false],
  ["data_received", "counter", false],
  ["data_sent", "counter", false],
  ["dropped_iterations", "counter", false],
  ["group_duration", "trend", true],
  ["http_req_blocked", "trend", true],
  ["http_req_connecting", "trend", true],
  ["http_req_duration", "trend", true],
  ["http_req_failed", "rate", false],
  ["http_req_receiving", "trend", true],
  ["http_req_sending", "trend", true],
  ["http_req_tls_handshaking", "trend", true],
  ["http_req_waiting", "trend", true],
  ["http_reqs", "counter", false],
  ["iteration_duration", "trend", true],
  ["iterations", "counter", false],
  ["vus", "gauge", false],
  ["vus_max", "gauge", false],
  // perfgate additions for arrival-rate executors: intended -> actual start, and intended start ->
  // iteration end (coordinated-omission-corrected duration).
  ["schedule_lag", "trend", true],
  ["iteration_duration_corrected", "trend", true],
];

/** All metrics of one engine run. */
export class Registry {
  readonly metrics = new Map<string, MetricDef>();
  /** Set when the test ends: iterations abandoned at a hard stop add nothing afterwards. */
  frozen = false;
  /** Streaming output (`--out json`), called for every accepted sample. */
  onSample: ((def: MetricDef, value: number, tags: Tags) => void) | undefined;
  /** Bumped when a sub-metric is added, so sinks resolved ahead (routes.ts) are resolved again. */
  version = 0;

  constructor() {
    for (const [name, type, isTime] of BUILTIN) this.define(name, type, isTime);
    // k6 always reports this sub-metric next to http_req_duration.
    this.subMetric("http_req_duration{expected_response:true}");
  }

  define(name: string, type: MetricType, isTime: boolean): MetricDef {
    const existing = this.metrics.get(name);
    if (existing) {
      if (existing.type !== type)
        throw new Error(`metric "${name}" already exists as a ${existing.type}, not a ${type}`);
      return existing;
    }
    const def: MetricDef = {
      name,
      type,
      isTime,
      sink: new Sink(type),
      subMetrics: [],
      touched: false,
    };
    this.metrics.set(name, def);
    return def;
  }

  /** Registers `name{tags}` so samples carrying those tags are also aggregated separately. */
  subMetric(key: string): SubMetric | undefined {
    const parsed = parseMetricKey(key);
    const def = parsed && this.metrics.get(parsed.name);
    if (!parsed || !def) return undefined;
    const existing = def.subMetrics.find((sub) => sub.key === key);
    if (existing) return existing;
    const sub: SubMetric = { key, tags: parsed.tags, sink: new Sink(def.type) };
    def.subMetrics.push(sub);
    this.version += 1;
    return sub;
  }

  add(name: string, value: number, tags: Tags): void {
    const def = this.metrics.get(name);
    if (!def || this.frozen) return;
    def.touched = true;
    this.onSample?.(def, value, tags);
    def.sink.add(value);
    for (const sub of def.subMetrics) {
      let matches = true;
      for (const key in sub.tags) {
        if (tags[key] !== sub.tags[key]) {
          matches = false;
          break;
        }
      }
      if (matches) sub.sink.add(value);
    }
  }

  /**
   * `add` for a sample whose sinks were resolved ahead (the metric's own plus each matching
   * sub-metric's; see routes.ts). `tags` is needed only when `onSample` is set.
   */
  addResolved(def: MetricDef, sinks: readonly Sink[], value: number, tags: Tags | undefined): void {
    if (this.frozen) return;
    def.touched = true;
    if (this.onSample && tags) this.onSample(def, value, tags);
    for (const sink of sinks) sink.add(value);
  }

  /** Sink of a metric or sub-metric key, as thresholds name them. */
  sinkOf(key: string): { def: MetricDef; sink: Sink } | undefined {
    const parsed = parseMetricKey(key);
    const def = parsed && this.metrics.get(parsed.name);
    if (!def) return undefined;
    if (key === def.name) return { def, sink: def.sink };
    const sub = def.subMetrics.find((s) => s.key === key);
    return sub ? { def, sink: sub.sink } : undefined;
  }
}
