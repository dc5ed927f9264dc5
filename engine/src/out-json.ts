import { createWriteStream, type WriteStream } from "node:fs";
import type { MetricDef, Registry, Tags } from "./metrics.ts";
import type { Threshold } from "./thresholds.ts";

/**
 * `--out json=<file>`: k6's NDJSON stream, a `Metric` line before the first `Point` of each
 * metric; time values in ms.
 */
export function streamJsonOutput(
  file: string,
  registry: Registry,
  thresholds: Threshold[],
): WriteStream {
  const stream = createWriteStream(file);
  const announced = new Set<string>();
  registry.onSample = (def: MetricDef, value: number, tags: Tags) => {
    if (!announced.has(def.name)) {
      announced.add(def.name);
      const metric = {
        name: def.name,
        type: def.type,
        contains: def.isTime ? "time" : def.name.startsWith("data_") ? "data" : "default",
        thresholds: thresholds
          .filter((t) => t.metric.split("{")[0] === def.name)
          .map((t) => t.source),
        submetrics: def.subMetrics.length
          ? def.subMetrics.map((s) => ({
              name: s.key,
              suffix: s.key.slice(def.name.length + 1, -1),
              tags: s.tags,
            }))
          : null,
      };
      stream.write(`${JSON.stringify({ type: "Metric", data: metric, metric: def.name })}\n`);
    }
    stream.write(
      `${JSON.stringify({ metric: def.name, type: "Point", data: { time: new Date().toISOString(), value, tags } })}\n`,
    );
  };
  return stream;
}
